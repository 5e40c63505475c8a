// A site whose SQLite file another connection has locked for writing (a backup, `npm run
// receiver`, a test's own client): a request that writes waits DATABASE_LOCK_TIMEOUT_MS for the
// lock, then answers 503 with Retry-After and a problem body, never a 500; once the lock is free,
// the same request succeeds and what it writes is written once. Real chain, real SQLite, real
// `next start`; the lock is held by a second libsql connection from this process.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@libsql/client";
import { parseEther } from "viem";
import { fromDbAmount, toDbAmount } from "../../lib/db/amount";
import { RdnHeader } from "../../lib/protocol/headers";
import { createTestDatabase, type TestDatabase } from "../db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { openChannel, type TestChannel } from "../helpers/reader";

/** Short, so that each refused write costs the suite little (the default is 5 s). */
const BUSY_TIMEOUT_MS = 400;
const PRICE = parseEther("0.01");

describe("a site whose SQLite database another connection holds locked", () => {
  let chain: TestChain;
  let database: TestDatabase;
  let site: TestSite;
  let channel: TestChannel;

  before(async () => {
    chain = await startTestChain();
    database = await createTestDatabase("sqlite");
    await database.db.article.create({ data: { slug: "paid", title: "Paid", teaser: "t", body: "paid body", price: toDbAmount(PRICE), published: true } });
    site = await startSite({ databaseUrl: database.url, chain, env: { DATABASE_LOCK_TIMEOUT_MS: String(BUSY_TIMEOUT_MS) } });
    channel = await openChannel(chain, 2);
  });
  after(async () => {
    await site?.stop();
    chain?.stop();
    await database?.dispose();
  });

  /** Runs `during` while a second connection holds SQLite's write lock (BEGIN IMMEDIATE, never committed). */
  async function whileLocked(during: () => Promise<void>): Promise<void> {
    // It waits for the site's own writes (the watcher's, every poll) like any connection.
    const holder = createClient({ url: database.url, timeout: 10_000 });
    try {
      await holder.execute("BEGIN IMMEDIATE");
      await during();
      await holder.execute("ROLLBACK");
    } finally {
      holder.close();
    }
  }

  async function assertBusy(response: Response, what: string) {
    const text = await response.text();
    assert.equal(response.status, 503, `${what}: ${text}\n${site.output()}`);
    assert.equal(response.headers.get("retry-after"), "2", what);
    assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/, what);
    const problem = JSON.parse(text) as { type: string; dependency: string; retryAfter: number; detail: string };
    assert.equal(problem.type, "urn:tollgate:problem:service-unavailable", what);
    assert.equal(problem.dependency, "database", what);
    assert.equal(problem.retryAfter, 2, what);
    assert.match(problem.detail, /^The database is busy or unreachable right now: retry in 2 seconds/, what);
  }

  it("answers a nonce request 503 with Retry-After after the busy timeout, and issues one nonce once the lock is free", async () => {
    await whileLocked(async () => {
      const started = performance.now();
      const refused = await fetch(`${site.url}/api/admin/nonce`, { method: "POST" });
      const waited = performance.now() - started;
      await assertBusy(refused, "POST /api/admin/nonce");
      assert.ok(waited >= BUSY_TIMEOUT_MS, `refused after ${Math.round(waited)} ms: the write must wait for the lock first`);
    });
    const issued = await fetch(`${site.url}/api/admin/nonce`, { method: "POST" });
    const body = await issued.text();
    assert.equal(issued.status, 200, body);
    const { nonce } = JSON.parse(body) as { nonce: string };
    assert.deepEqual(
      (await database.db.signInNonce.findMany()).map((row) => row.nonce),
      [nonce],
      "the refused request stored nothing",
    );
  });

  it("answers a payment 503 with Retry-After while the lock is held, and accepts the same proof once the lock is free, charging it once", async () => {
    const payment = await channel.sign(PRICE);
    await whileLocked(async () => {
      await assertBusy(await fetch(`${site.url}/articles/paid`, { headers: channel.headers(payment) }), "GET /articles/paid with a proof");
    });
    assert.equal(await database.db.purchase.count(), 0, "the refused payment bought nothing");

    const paid = await fetch(`${site.url}/articles/paid`, { headers: channel.headers(payment) });
    const body = await paid.text();
    assert.equal(paid.status, 200, body);
    assert.equal((JSON.parse(body) as { body: string }).body, "paid body");
    assert.equal(paid.headers.get(RdnHeader.cost), PRICE.toString());
    const stored = await database.db.channel.findFirstOrThrow({ where: { openBlock: channel.openBlock } });
    assert.equal(fromDbAmount(stored.balance), PRICE, "the channel is charged the price once");
    assert.equal(await database.db.purchase.count(), 1);
  });
});
