// Group commit (lib/receiver/commitAcceptance.ts): acceptances that arrive together share one
// transaction, yet each is answered only for its own write, and one bad write never takes the
// others down with it nor slips through on their commit.
import assert from "node:assert/strict";
import { it } from "node:test";
import pg from "pg";
import { fromDbAmount, toDbAmount } from "../../lib/db/amount";
import { createDb } from "../../lib/db/createDb";
import type { Db } from "../../lib/db/Db";
import { commitAcceptance, type AcceptanceWrite, type WriteOutcome } from "../../lib/receiver/commitAcceptance";
import { seedChannel } from "../../scripts/bench/acceptance";
import { describeEachDatabase } from "../db/databases";

const PRICE = 10n ** 15n;
const signature = (n: number) => `0x${n.toString(16).padStart(130, "0")}`;

/** Counts the group writes the driver sees (a transaction on SQLite, one statement on PostgreSQL) until `restore`. */
async function countGroups(db: Db) {
  const driver = await db.driver();
  const own = driver as unknown as Record<string, (...args: unknown[]) => unknown>;
  const key = db.provider === "sqlite" ? "startTransaction" : "queryRaw";
  const original = own[key];
  let groups = 0;
  own[key] = (...args) => (groups++, original.apply(driver, args));
  return {
    get groups() {
      return groups;
    },
    // The counter is an own property over the adapter's method: removing it restores that.
    restore: () => delete own[key],
  };
}

describeEachDatabase("group commit of acceptances", (database, provider) => {
  async function fixture(senders: number[], articles: number) {
    const { db } = database();
    const channels = [];
    for (const sender of senders) channels.push(await seedChannel(db, sender, BigInt(1000 + sender)));
    const rows = [];
    for (let k = 0; k < articles; k++) {
      rows.push(await db.article.create({ data: { slug: `g-${senders[0]}-${k}`, title: "t", teaser: "t", body: "b", price: toDbAmount(PRICE), published: true } }));
    }
    return { db, channels, articles: rows };
  }
  const write = (channel: { id: number; version: number; sender: string }, articleId: number, balance: bigint, n: number): AcceptanceWrite => ({
    channelId: channel.id,
    version: channel.version,
    buyer: channel.sender,
    signer: channel.sender,
    previous: toDbAmount(balance - PRICE),
    balance: toDbAmount(balance),
    signature: signature(n),
    articleId,
    amount: toDbAmount(PRICE),
  });

  it("stores every winner of a group and lets only one of two writes on the same version win", async () => {
    const { db, channels, articles } = await fixture([2, 3, 4], 2);
    const [a, b, c] = channels;
    const results = await Promise.all([
      commitAcceptance(db, write(a, articles[0].id, PRICE, 1)),
      commitAcceptance(db, write(b, articles[0].id, PRICE, 2)),
      commitAcceptance(db, write(c, articles[0].id, PRICE, 3)),
      // The same version of channel a again (a concurrent request that read the same row): it loses.
      commitAcceptance(db, write(a, articles[1].id, 2n * PRICE, 4)),
    ]);
    assert.deepEqual(results, ["won", "won", "won", "lost"]);
    for (const channel of channels) {
      const row = (await db.channel.findUnique({ where: { id: channel.id } }))!;
      assert.equal(fromDbAmount(row.balance), PRICE);
      assert.equal(row.version, channel.version + 1);
    }
    assert.equal(await db.purchase.count({ where: { channelId: a.id } }), 1, "the loser bought nothing");
  });

  it("tells the twin of a winning write (the same proof for the same article) from a write that lost", async () => {
    const { db, channels, articles } = await fixture([25], 2);
    const [channel] = channels;
    const results = await Promise.all([
      commitAcceptance(db, write(channel, articles[0].id, PRICE, 27)),
      commitAcceptance(db, write(channel, articles[0].id, PRICE, 27)),
      // The same proof offered for another article: it bought nothing.
      commitAcceptance(db, write(channel, articles[1].id, PRICE, 27)),
      // Another proof of the same balance (another signature) for the same article.
      commitAcceptance(db, write(channel, articles[0].id, PRICE, 28)),
    ]);
    assert.deepEqual(results, ["won", "twin", "lost", "lost"]);
    assert.equal(await db.purchase.count({ where: { channelId: channel.id } }), 1);
  });

  it("lets a write that arrives on the event loop's next turn, as a request read from a socket does, join the commit", async () => {
    const { db, channels, articles } = await fixture([9, 10, 11], 1);
    const counter = await countGroups(db);
    try {
      const later: Promise<WriteOutcome>[] = [];
      // Queued before the first write, so it runs before the group's start on the same turn (setImmediate is FIFO).
      setImmediate(() => later.push(commitAcceptance(db, write(channels[1], articles[0].id, PRICE, 10)), commitAcceptance(db, write(channels[2], articles[0].id, PRICE, 11))));
      const first = await commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 9));
      assert.deepEqual([first, ...(await Promise.all(later))], ["won", "won", "won"]);
      assert.equal(counter.groups, 1, "the three writes shared one commit");
    } finally {
      counter.restore();
    }
  });

  it("fails only the write that fails, and undoes its balance update", async () => {
    const { db, channels, articles } = await fixture([5, 6], 1);
    const [good, bad] = channels;
    const results = await Promise.allSettled([
      commitAcceptance(db, write(good, articles[0].id, PRICE, 5)),
      // No such article: the purchase's foreign key fails, after the channel's update in the same transaction.
      commitAcceptance(db, write(bad, 999_999, PRICE, 6)),
    ]);
    assert.deepEqual(results[0], { status: "fulfilled", value: "won" });
    assert.equal(results[1].status, "rejected");
    const badRow = (await db.channel.findUnique({ where: { id: bad.id } }))!;
    assert.equal(fromDbAmount(badRow.balance), 0n, "the failed write's balance update was kept");
    assert.equal(badRow.version, bad.version);
    assert.equal(await db.purchase.count({ where: { channelId: good.id } }), 1);
  });

  it("charges a sender buying one article on two channels at once only once; the other loses without failing the group", async () => {
    const { db, channels, articles } = await fixture([8, 14], 1);
    const second = await seedChannel(db, 8, 2000n);
    const counter = await countGroups(db);
    const results = await Promise.allSettled([
      commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 8)),
      commitAcceptance(db, write(second, articles[0].id, PRICE, 9)),
      commitAcceptance(db, write(channels[1], articles[0].id, PRICE, 10)),
    ]).finally(counter.restore);
    assert.equal(counter.groups, 2, "the second purchase of the article waited for the next group, the others shared the first");
    assert.deepEqual(results, [
      { status: "fulfilled", value: "won" },
      { status: "fulfilled", value: "lost" },
      { status: "fulfilled", value: "won" },
    ]);
    const loser = (await db.channel.findUnique({ where: { id: second.id } }))!;
    assert.equal(fromDbAmount(loser.balance), 0n, "the loser's balance moved");
    assert.equal(loser.version, second.version);
    assert.equal(await db.purchase.count({ where: { articleId: articles[0].id, buyer: channels[0].sender } }), 1);
  });

  it("never lets a reader's lost writes make a group commit one by one", async () => {
    const { db, channels, articles } = await fixture([15, 16, 17], 2);
    const [a, b, c] = channels;
    assert.equal(await commitAcceptance(db, write(a, articles[0].id, PRICE, 15)), "won");
    const counter = await countGroups(db);
    try {
      const results = await Promise.all([
        // Bought already, through a proof on its new version: loses to the purchase.
        commitAcceptance(db, write({ ...a, version: a.version + 1 }, articles[0].id, 2n * PRICE, 16)),
        // A stale version: loses to the guard.
        commitAcceptance(db, write(a, articles[1].id, PRICE, 17)),
        commitAcceptance(db, write(b, articles[0].id, PRICE, 18)),
        commitAcceptance(db, write(c, articles[1].id, PRICE, 19)),
      ]);
      assert.deepEqual(results, ["lost", "lost", "won", "won"]);
      assert.equal(counter.groups, 1, "one commit for the four");
    } finally {
      counter.restore();
    }
    assert.equal(fromDbAmount((await db.channel.findUnique({ where: { id: a.id } }))!.balance), PRICE);
  });

  it("refuses a write whose version another commit already moved, in a later group (the database's guard, not the group's)", async () => {
    const { db, channels, articles } = await fixture([12], 2);
    const [channel] = channels;
    assert.equal(await commitAcceptance(db, write(channel, articles[0].id, PRICE, 12)), "won");
    // A request that read the row before that commit: same version, a later group.
    assert.equal(await commitAcceptance(db, write(channel, articles[1].id, PRICE, 13)), "lost");
    const row = (await db.channel.findUnique({ where: { id: channel.id } }))!;
    assert.equal(fromDbAmount(row.balance), PRICE);
    assert.equal(row.balanceSignature, signature(12));
    assert.equal(await db.purchase.count({ where: { channelId: channel.id } }), 1);
  });

  it("refuses a write on a channel whose sender asked for a closing signature since its proof was checked", async () => {
    const { db, channels, articles } = await fixture([13], 1);
    // As the watcher writes a close: the row's status or close mark, its version untouched.
    await db.channel.update({ where: { id: channels[0].id }, data: { closeIssuedAt: new Date() } });
    assert.equal(await commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 14)), "lost");
    assert.equal(await db.purchase.count({ where: { channelId: channels[0].id } }), 0);
  });

  it("refuses a write whose proof was checked against facts the row no longer has, the version unmoved (a reorg the watcher folded)", async () => {
    const { db, channels, articles } = await fixture([18, 19, 20, 21], 1);
    const [lowered, redelegated, unconfirmed, fine] = channels;
    await db.channel.update({ where: { id: lowered.id }, data: { deposit: toDbAmount(PRICE - 1n) } });
    // Signed by a delegate the row no longer names.
    const delegate = "0x00000000000000000000000000000000000000de";
    await db.channel.update({ where: { id: redelegated.id }, data: { delegate: "0x00000000000000000000000000000000000000ef" } });
    await db.channel.update({ where: { id: unconfirmed.id }, data: { confirmed: false } });
    await db.channel.update({ where: { id: fine.id }, data: { delegate } });
    const results = await Promise.all([
      commitAcceptance(db, write(lowered, articles[0].id, PRICE, 20)),
      commitAcceptance(db, { ...write(redelegated, articles[0].id, PRICE, 21), signer: delegate }),
      commitAcceptance(db, write(unconfirmed, articles[0].id, PRICE, 22)),
      commitAcceptance(db, { ...write(fine, articles[0].id, PRICE, 23), signer: delegate }),
    ]);
    assert.deepEqual(results, ["lost", "lost", "lost", "won"], "only the delegate's proof on the row that names it wins");
    assert.equal(await db.purchase.count({ where: { articleId: articles[0].id } }), 1);
  });

  it("takes a deposit of exactly the new balance, and compares amounts as numbers", async () => {
    const { db, channels, articles } = await fixture([22], 2);
    // 10 × PRICE against a deposit of 9.99… × PRICE: a longer number, a smaller text were it not fixed-width.
    await db.channel.update({ where: { id: channels[0].id }, data: { deposit: toDbAmount(PRICE), balance: toDbAmount(0n) } });
    assert.equal(await commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 24)), "won");
    const big = await seedChannel(db, 23, 3000n);
    await db.channel.update({ where: { id: big.id }, data: { deposit: toDbAmount(10n * PRICE - 1n), balance: toDbAmount(9n * PRICE) } });
    assert.equal(await commitAcceptance(db, write(big, articles[1].id, 10n * PRICE, 25)), "lost");
  });

  it("looks each of the group's channels up by its id, however many channels are open", { skip: provider === "postgres" && "PostgreSQL plans from statistics" }, async () => {
    const { db, channels, articles } = await fixture([24], 1);
    const driver = await db.driver();
    const statements: { sql: string; args: unknown[] }[] = [];
    const startTransaction = driver.startTransaction;
    driver.startTransaction = async function (...args) {
      const tx = await startTransaction.apply(driver, args);
      const queryRaw = tx.queryRaw.bind(tx);
      tx.queryRaw = (query) => (statements.push(query), queryRaw(query));
      return tx;
    };
    try {
      assert.equal(await commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 26)), "won");
    } finally {
      delete (driver as unknown as Record<string, unknown>).startTransaction;
    }
    const update = statements.find(({ sql }) => sql.startsWith("UPDATE"))!;
    // On a connection of its own: libsql leaves an EXPLAINed UPDATE in progress until garbage
    // collection, and the shared connection could then commit nothing.
    const other = createDb(database().url);
    let steps: string[];
    try {
      const explain = await other.driver();
      const plan = await explain.queryRaw({ ...update, sql: `EXPLAIN QUERY PLAN ${update.sql}` } as Parameters<typeof explain.queryRaw>[0]);
      steps = plan.rows.map((row) => String(row[3]));
    } finally {
      await other.$disconnect();
    }
    assert.ok(steps.includes("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"), steps.join("\n"));
    assert.ok(!steps.some((step) => /^(SCAN|SEARCH) c\b(?! USING INTEGER PRIMARY KEY)/.test(step)), steps.join("\n"));
  });

  it("takes a purchase another instance committed after the group's snapshot as a lost write, not a reason to commit one by one", { skip: provider === "sqlite" && "one SQLite writer at a time: a group's snapshot is never older than its lock" }, async () => {
    const { db, url, channels, articles } = { ...database(), ...(await fixture([26, 27], 1)) };
    const [paying, other] = channels;
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    const counter = await countGroups(db);
    try {
      // Hold the paying channel's row, so that the group's statement takes its snapshot and then waits.
      await locker.query("BEGIN");
      await locker.query(`SELECT id FROM "Channel" WHERE id = $1 FOR UPDATE`, [paying.id]);
      const results = Promise.all([commitAcceptance(db, write(paying, articles[0].id, PRICE, 29)), commitAcceptance(db, write(other, articles[0].id, PRICE, 30))]);
      const waiting = async () => Number((await locker.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].count);
      while ((await waiting()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      // Meanwhile the same buyer buys the article through another instance (with x402, say), which commits.
      const instance = createDb(url);
      await instance.purchase.create({ data: { buyer: paying.sender, articleId: articles[0].id, amount: toDbAmount(PRICE) } }).finally(() => instance.$disconnect());
      await locker.query("ROLLBACK");
      assert.deepEqual(await results, ["lost", "won"]);
      assert.equal(counter.groups, 2, "the group was written once more, whole, rather than one write at a time");
    } finally {
      counter.restore();
      await locker.end();
    }
    assert.equal(fromDbAmount((await db.channel.findUnique({ where: { id: paying.id } }))!.balance), 0n, "the loser's balance moved");
  });

  it("refuses a write on a channel that closed since its proof was checked", async () => {
    const { db, channels, articles } = await fixture([7], 1);
    await db.channel.update({ where: { id: channels[0].id }, data: { status: "closing" } });
    assert.equal(await commitAcceptance(db, write(channels[0], articles[0].id, PRICE, 7)), "lost");
    assert.equal(await db.purchase.count({ where: { channelId: channels[0].id } }), 0);
  });
});
