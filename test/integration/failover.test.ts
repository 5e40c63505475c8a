// One leader across instances (issue: several Next.js instances on one PostgreSQL, exactly one
// runs the watcher): both instances serve paid articles, one watches; when the leader is killed
// the other takes over within the lease and disputes a stale close in time; a leader that hangs
// (SIGSTOP) is replaced once its lease expires, and stops acting when it wakes up. PostgreSQL
// only: SQLite is the single-instance default (a second instance is refused, tested below).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import { bin, root, waitFor } from "../../scripts/lib/processes";
import { createTestDatabase, postgresUnavailable, type TestDatabase } from "../db/databases";
import { seedArticles } from "../helpers/articles";
import { tokenBalance } from "../helpers/chain";
import { send } from "../helpers/http";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { chainClients, openChannel, programHeaders, RECEIVER, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
/** LEADER_LEASE_SECONDS's default: a dead leader is replaced within it plus a third of it. */
const LEASE_SECONDS = 10;
const leads = (site: TestSite) => site.output().split("\n").filter((line) => /watcher: this process leads/.test(line)).length;
const stepsDown = (site: TestSite) => /watcher: this process no longer leads/.test(site.output());

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

const skip = postgresUnavailable && process.env.CI !== "true" ? postgresUnavailable : false;
describe("two instances on one PostgreSQL", { skip }, () => {
  let database: TestDatabase;
  let first: TestSite;
  let second: TestSite;
  before(async () => {
    database = await createTestDatabase("postgres");
    await seedArticles(database.db, [{ slug: "alpha", price: PRICE }, { slug: "beta", price: 2n * PRICE }]);
    first = await startSite({ databaseUrl: database.url, chain });
    await waitFor("the first instance to lead", async () => leads(first) === 1);
    second = await startSite({ databaseUrl: database.url, chain });
  });
  after(async () => {
    for (const site of [first, second]) {
      site?.resume();
      await site?.stop();
    }
    await database?.dispose();
  });

  /** A channel that bought alpha through one instance and beta through the other. */
  async function readerOfBoth(index: number): Promise<TestChannel> {
    const channel = await openChannel(chain, index);
    for (const [site, slug, balance] of [[first, "alpha", PRICE], [second, "beta", 3n * PRICE]] as const) {
      const answer = await send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });
      assert.equal(answer.status, 200, answer.text);
    }
    return channel;
  }

  async function assertDisputed(channel: TestChannel, paidBefore: bigint) {
    const { client } = chainClients(chain, channel.account);
    await waitFor("the new leader to dispute the close", async () => (await getChannelInfo(client, chain.deployment.channelManager, channel)) === null, 60_000);
    assert.equal(await tokenBalance(chain, RECEIVER), paidBefore + 3n * PRICE);
  }

  it("serves paid articles from both, with exactly one of them watching", async () => {
    await readerOfBoth(2);
    assert.equal(leads(first), 1);
    assert.equal(leads(second), 0, "the second instance also leads");
    const leases = await database.db.lease.findMany({ where: { name: { startsWith: "watcher:" } } });
    assert.equal(leases.length, 1);
  });

  it("hands the lead to the other instance when the leader is killed, which disputes a stale close in time", async (t) => {
    const channel = await readerOfBoth(3);
    const paidBefore = await tokenBalance(chain, RECEIVER);
    const killedAt = performance.now();
    await first.kill();
    await waitFor("the second instance to take over", async () => leads(second) === 1, (LEASE_SECONDS * 4 / 3 + 2) * 1000);
    const takeover = (performance.now() - killedAt) / 1000;
    t.diagnostic(`took over ${takeover.toFixed(1)} s after SIGKILL (a dead process on the same host is not waited out)`);
    assert.ok(takeover <= 15, `took ${takeover} s`);
    await channel.requestClose(0n);
    await assertDisputed(channel, paidBefore);
  });

  it("replaces a leader that hangs once its lease expires, and the hung one stops acting when it wakes", async (t) => {
    await first.restart(); // back as a follower
    const channel = await readerOfBoth(4);
    const paidBefore = await tokenBalance(chain, RECEIVER);
    const frozenAt = performance.now();
    second.pause();
    await waitFor("the first instance to take over", async () => leads(first) === 2, (LEASE_SECONDS * 4 / 3 + 3) * 1000);
    const takeover = (performance.now() - frozenAt) / 1000;
    t.diagnostic(`took over ${takeover.toFixed(1)} s after the leader froze (LEADER_LEASE_SECONDS=${LEASE_SECONDS})`);
    assert.ok(takeover <= 15, `took ${takeover} s`);
    await channel.requestClose(PRICE);
    await assertDisputed(channel, paidBefore);
    second.resume();
    await waitFor("the thawed instance to step down", async () => stepsDown(second), 20_000);
    const disputes = await database.db.receiverTransaction.count({ where: { kind: "dispute" } });
    assert.equal(disputes, 2, "a dispute was sent twice");
  });
});

describe("a second instance on one SQLite file", () => {
  it("is refused at start-up with a message that says to use PostgreSQL", async () => {
    await using database = await createTestDatabase("sqlite");
    const site = await startSite({ databaseUrl: database.url, chain });
    try {
      const second = spawnSync(bin("next"), ["start", "-p", "0", "-H", "127.0.0.1"], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ...site.env },
      });
      assert.notEqual(second.status, 0, "the second instance kept running");
      assert.match(second.stderr + second.stdout, /another server .* is using this SQLite database.*PostgreSQL/s);
      assert.equal((await send(site, "/api/health")).status, 200, "the first instance was disturbed");
    } finally {
      await site.stop();
    }
  });
});
