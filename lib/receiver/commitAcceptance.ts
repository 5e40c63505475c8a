import "server-only";
import type { Db } from "../db/Db";
import { inDriverTransaction, queryRows, sqlStatement } from "../db/driver";
import { boughtSql, isAlreadyBought } from "./entitlements";

/** One accepted proof's write: the channel's new balance, guarded by what the proof was checked against, and the purchase it buys. */
export type AcceptanceWrite = {
  channelId: number;
  /** The channel row's version when the proof was checked: the write happens only if it is still that. */
  version: number;
  /** The channel's sender, in its database form: the purchase is the buyer's (lib/receiver/entitlements.ts). */
  buyer: string;
  /** Who signed the proof (the sender or its delegate), in its database form. */
  signer: string;
  /** The stored balance the proof was checked against, and the new one with its proof's signature, in their database forms. */
  previous: string;
  balance: string;
  signature: string;
  articleId: number;
  /** The article's price, in its database form. */
  amount: string;
};

/**
 * What became of a write: it won its guard (stored); it lost (nothing stored: another request on
 * the channel committed first, or the buyer owns the article by now); or it was the twin of a
 * write that won in the same group, the same proof for the same article (a retry racing its
 * original, a second tab). A twin's proof was not stored when both were checked, so it comes from
 * the sender, who now owns the article.
 */
export type WriteOutcome = "won" | "lost" | "twin";

type Pending = { write: AcceptanceWrite; resolve(outcome: WriteOutcome): void; reject(error: unknown): void };
type Queue = { waiting: Pending[]; committing: boolean };

/** The most acceptances one commit carries; more wait for the next. */
const MAX_GROUP = 64;
const queues = new WeakMap<Db, Queue>();

/**
 * Stores an accepted proof and its purchase, durably, and resolves what became of the write
 * ({@link WriteOutcome}: won, lost with nothing written, or the twin of a write that won). Group
 * commit: the acceptances that arrive while a commit is under way wait for it and then share the
 * next one, one transaction and one durable COMMIT (one fsync on SQLite) for all of them; each
 * promise settles only after the COMMIT that holds its write.
 *
 * Each group starts one turn of the event loop after its first write arrived (setImmediate: not a
 * timer, it runs as soon as the loop has polled for I/O), so that the requests whose bytes came in
 * meanwhile join it. Without that turn, SQLite never grouped in a real server: its driver runs
 * statements and the COMMIT's fsync synchronously on the main thread, so no request could arrive
 * during a commit, and every group was a single write (1.00 on average under the benchmark's
 * paid load, about 15 with the turn; docs/benchmarks.md).
 *
 * A group is all or nothing, so when its transaction fails (a constraint, a deadlock, the
 * database), each of its writes is tried again alone, and only the failing one fails, with its
 * error. What a reader can cause (a stale proof, an article bought twice) loses its guard
 * instead of failing: it cannot make the others commit one by one.
 *
 * The statements go straight to the driver (lib/db/driver.ts), and a group is two statements on
 * SQLite and one on PostgreSQL whatever its size: through Prisma, a group's two statements per
 * write cost more CPU than the rest of the acceptance (docs/benchmarks.md).
 */
export function commitAcceptance(db: Db, write: AcceptanceWrite): Promise<WriteOutcome> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { waiting: [], committing: false }));
  const done = new Promise<WriteOutcome>((resolve, reject) => queue.waiting.push({ write, resolve, reject }));
  if (!queue.committing) {
    queue.committing = true;
    void drain(db, queue);
  }
  return done;
}

async function drain(db: Db, queue: Queue): Promise<void> {
  try {
    while (queue.waiting.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      const group = queue.waiting.splice(0, MAX_GROUP);
      let outcomes: Map<Pending, WriteOutcome>;
      try {
        outcomes = await writeGroup(db, group).catch((error: unknown) => {
          // A purchase another instance committed after this statement's snapshot (PostgreSQL):
          // once more, and the write that bought it twice loses its guard on the new snapshot.
          if (!isAlreadyBought(error)) throw error;
          return writeGroup(db, group);
        });
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        for (const pending of group) {
          await writeGroup(db, [pending]).then((outcome) => pending.resolve(outcome.get(pending)!), pending.reject);
        }
        continue;
      }
      const later = group.filter((pending) => !outcomes.has(pending));
      for (const [pending, outcome] of outcomes) pending.resolve(outcome);
      queue.waiting.unshift(...later);
    }
  } finally {
    queue.committing = false;
  }
}

/**
 * Writes a group in one transaction and says what became of each write. Of two writes in a group
 * for one channel at one version, only the first can win (the second's guard would see the
 * first's new version), so the others lose here without a statement, or are its twin. Of two for
 * one buyer and article (a sender buying it on two channels at once), only the first is written:
 * the other has no outcome yet and waits for the next group, where it loses to the purchase (a
 * unique-key error here would fail the whole group).
 */
async function writeGroup(db: Db, group: Pending[]): Promise<Map<Pending, WriteOutcome>> {
  const byGuard = new Map<string, Pending>();
  const byPurchase = new Map<string, Pending>();
  const sameVersion = new Map<Pending, Pending>();
  for (const pending of group) {
    const { write } = pending;
    const first = byGuard.get(guardKey(write));
    if (first) sameVersion.set(pending, first);
    else if (!byPurchase.has(purchaseKey(write))) {
      byGuard.set(guardKey(write), pending);
      byPurchase.set(purchaseKey(write), pending);
    }
  }
  const writes = [...byGuard.values()].map(({ write }) => write);
  const winners = new Set(db.provider === "postgres" ? await writePostgres(db, writes) : await writeSqlite(db, writes));
  const outcomes = new Map<Pending, WriteOutcome>();
  for (const [key, pending] of byGuard) outcomes.set(pending, winners.has(key) ? "won" : "lost");
  for (const [pending, first] of sameVersion) {
    const twin = outcomes.get(first) === "won" && pending.write.signature === first.write.signature && pending.write.articleId === first.write.articleId;
    outcomes.set(pending, twin ? "twin" : "lost");
  }
  return outcomes;
}

/** A write's version guard: the channel and the version its proof was checked at. */
const guardKey = (write: Pick<AcceptanceWrite, "channelId" | "version">) => `${write.channelId}:${write.version}`;
/** The purchase a write makes: Purchase's (buyer, article) key. */
const purchaseKey = (write: AcceptanceWrite) => `${write.buyer}:${write.articleId}`;

/**
 * The guard of every balance update: every fact the proof was checked against, still true of the
 * row. The version and balance it was checked at (an acceptance or a closing signature moves the
 * version); the channel open, not closing and confirmed, its confirmed deposit covering the new
 * balance, the signer its sender or delegate (the watcher rewrites these from the chain, a reorg
 * included, without moving the version); and the buyer not owning the article yet (bought since,
 * on another channel or path: the write loses, the caller serves the article as bought). So a
 * proof checked against a remembered state (lib/receiver/knownChannels.ts) is as safe as one
 * checked against a fresh read, and a purchase is inserted exactly for the updates that happened.
 * Amounts are fixed-width text, whose order is their numeric order (lib/db/amount.ts). `status`
 * is how the statement spells the status column (SQLite's needs a hint, writeSqlite).
 */
const guard = (status: string) => `c.version = i.version AND c.balance = i.previous AND ${status} = 'open' AND c."closeIssuedAt" IS NULL AND c.confirmed
  AND c.deposit >= i.balance AND (c.sender = i.signer OR c.delegate = i.signer)
  AND NOT ${boughtSql("i.buyer", "i.article")}`;

/** The group's writes as one JSON array, for SQLite's json_each: one statement text whatever the group's size. */
const INPUT_SQLITE = `(SELECT value ->> '$.channel' AS channel, value ->> '$.version' AS version, value ->> '$.buyer' AS buyer,
  value ->> '$.signer' AS signer, value ->> '$.previous' AS previous, value ->> '$.balance' AS balance, value ->> '$.signature' AS signature, value ->> '$.article' AS article, value ->> '$.amount' AS amount
  FROM json_each(?))`;

const UPDATE_CHANNELS_SQLITE = `UPDATE "Channel" AS c SET balance = i.balance, "balanceSignature" = i.signature, "lastPaidAt" = ?, "updatedAt" = ?, version = c.version + 1
FROM ${INPUT_SQLITE} AS i
WHERE c.id = i.channel AND ${guard("+c.status")}
RETURNING id, version - 1 AS version`;

const INSERT_PURCHASES_SQLITE = `INSERT INTO "Purchase" (buyer, "channelId", "articleId", amount, balance, signature, "createdAt")
SELECT i.buyer, i.channel, i.article, i.amount, i.balance, i.signature, ? FROM ${INPUT_SQLITE} AS i`;

/**
 * SQLite: two statements for the whole group, the guarded updates and the purchases of those
 * that happened, in one transaction whose COMMIT (its fsync) is the group's. Within the
 * transaction nothing else writes, so the updates' guards still hold for the insert. The status
 * test's unary `+` keeps SQLite off the status index: without statistics it would scan every
 * open channel (for each of the group's writes) rather than look each channel up by its id.
 */
async function writeSqlite(db: Db, writes: AcceptanceWrite[]): Promise<string[]> {
  const now = new Date();
  const json = (rows: AcceptanceWrite[]) =>
    JSON.stringify(rows.map((w) => ({ channel: w.channelId, version: w.version, buyer: w.buyer, signer: w.signer, previous: w.previous, balance: w.balance, signature: w.signature, article: w.articleId, amount: w.amount })));
  return inDriverTransaction(await db.driver(), async (tx) => {
    const updated = await queryRows(tx, sqlStatement("sqlite", UPDATE_CHANNELS_SQLITE, [now, now, json(writes)]));
    const won = new Set(updated.map((row) => guardKey({ channelId: Number(row.id), version: Number(row.version) })));
    const winners = writes.filter((w) => won.has(guardKey(w)));
    if (winners.length > 0) await tx.executeRaw(sqlStatement("sqlite", INSERT_PURCHASES_SQLITE, [now, json(winners)]));
    return [...won];
  });
}

/**
 * PostgreSQL: the whole group in one statement, one round trip and its own durable commit: the
 * group's channel rows locked in id order (a locking SELECT locks after its sort, so two
 * instances' groups take their common rows in one order and never deadlock; the update's own
 * plan would lock them in whatever order it scans), the guarded updates, a purchase for each
 * update that happened (a data-modifying WITH runs to completion whether or not the query reads
 * it), and the guards that won. A purchase another instance commits meanwhile is not in the
 * statement's snapshot: its insert then fails on the buyer's key, and so the statement.
 */
const WRITE_GROUP_POSTGRES = `WITH i AS (
  SELECT * FROM unnest(?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[])
    AS i(channel, version, buyer, signer, previous, balance, signature, article, amount)
), locked AS MATERIALIZED (
  SELECT id FROM "Channel" WHERE id IN (SELECT channel FROM i) ORDER BY id FOR UPDATE
), updated AS (
  UPDATE "Channel" c SET balance = i.balance, "balanceSignature" = i.signature, "lastPaidAt" = ?, "updatedAt" = ?, version = c.version + 1
  FROM i JOIN locked l ON l.id = i.channel
  WHERE c.id = l.id AND ${guard("c.status")}
  RETURNING c.id, i.version, i.buyer, i.article, i.amount, i.balance, i.signature
), purchases AS (
  INSERT INTO "Purchase" (buyer, "channelId", "articleId", amount, balance, signature, "createdAt")
  SELECT buyer, id, article, amount, balance, signature, ? FROM updated
)
SELECT id, version FROM updated`;

async function writePostgres(db: Db, writes: AcceptanceWrite[]): Promise<string[]> {
  const now = new Date();
  const column = <K extends keyof AcceptanceWrite>(key: K) => writes.map((w) => w[key]);
  const rows = await queryRows(
    await db.driver(),
    sqlStatement("postgres", WRITE_GROUP_POSTGRES, [
      column("channelId"),
      column("version"),
      column("buyer"),
      column("signer"),
      column("previous"),
      column("balance"),
      column("signature"),
      column("articleId"),
      column("amount"),
      now,
      now,
      now,
    ]),
  );
  return rows.map((row) => guardKey({ channelId: Number(row.id), version: Number(row.version) }));
}
