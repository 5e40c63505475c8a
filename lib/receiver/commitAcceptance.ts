import "server-only";
import type { Db } from "../db/Db";
import { inDriverTransaction, queryRows, sqlStatement } from "../db/driver";

/** One accepted proof's write: the channel's new balance, guarded by the version read, and the purchase it buys. */
export type AcceptanceWrite = {
  channelId: number;
  /** The channel row's version when the proof was checked: the write happens only if it is still that. */
  version: number;
  /** The channel's sender, in its database form: the purchase is the buyer's (lib/receiver/entitlements.ts). */
  buyer: string;
  /** The new balance and its proof's signature, in their database forms. */
  balance: string;
  signature: string;
  articleId: number;
  /** The article's price, in its database form. */
  amount: string;
};

type Pending = { write: AcceptanceWrite; resolve(won: boolean): void; reject(error: unknown): void };
type Queue = { waiting: Pending[]; committing: boolean };

/** The most acceptances one commit carries; more wait for the next. */
const MAX_GROUP = 64;
const queues = new WeakMap<Db, Queue>();

/**
 * Stores an accepted proof and its purchase, durably, and resolves whether this write won its
 * channel's version guard (false: another request on the channel committed first, nothing was
 * written). Group commit: the acceptances that arrive while a commit is under way wait for it and
 * then share the next one, one transaction and one durable COMMIT (one fsync on SQLite) for all of
 * them; each promise settles only after the COMMIT that holds its write.
 *
 * Each group starts one turn of the event loop after its first write arrived (setImmediate: not a
 * timer, it runs as soon as the loop has polled for I/O), so that the requests whose bytes came in
 * meanwhile join it. Without that turn, SQLite never grouped in a real server: its driver runs
 * statements and the COMMIT's fsync synchronously on the main thread, so no request could arrive
 * during a commit, and every group was a single write (1.00 on average under the benchmark's
 * paid load, about 15 with the turn; docs/benchmarks.md).
 *
 * A group is all or nothing, so when its transaction fails (a constraint, a deadlock, the
 * database, or Purchase's (buyer, article) key when a sender buys one article on two channels at
 * once), each of its writes is tried again alone, and only the failing one fails, with its error.
 *
 * The statements go straight to the driver (lib/db/driver.ts): through Prisma, a group's two
 * statements per write cost more CPU than the rest of the acceptance (docs/benchmarks.md).
 */
export function commitAcceptance(db: Db, write: AcceptanceWrite): Promise<boolean> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { waiting: [], committing: false }));
  const done = new Promise<boolean>((resolve, reject) => queue.waiting.push({ write, resolve, reject }));
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
      // In channel order (a channel's own writes keep their arrival order: the sort is stable),
      // so that a group's statements lock rows in id order on SQLite; PostgreSQL's statement
      // locks them in that order itself (writePostgres).
      const group = queue.waiting.splice(0, MAX_GROUP).sort((a, b) => a.write.channelId - b.write.channelId);
      try {
        const won = await writeGroup(db, group);
        group.forEach((pending, i) => pending.resolve(won[i]));
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        for (const pending of group) {
          await writeGroup(db, [pending]).then(([won]) => pending.resolve(won), pending.reject);
        }
      }
    }
  } finally {
    queue.committing = false;
  }
}

/**
 * Writes a group in one transaction and says which writes won their version guard. Of two writes
 * in a group for one channel at one version, only the first can win (the second's guard would
 * see the first's new version), so the others lose here without a statement.
 */
async function writeGroup(db: Db, group: Pending[]): Promise<boolean[]> {
  const writes = new Map<string, AcceptanceWrite>();
  for (const { write } of group) if (!writes.has(guardKey(write))) writes.set(guardKey(write), write);
  const first = [...writes.values()];
  const won = new Set(db.provider === "postgres" ? await writePostgres(db, first) : await writeSqlite(db, first));
  return group.map(({ write }) => writes.get(guardKey(write)) === write && won.has(guardKey(write)));
}

/** A write's version guard: the channel and the version its proof was checked at. */
const guardKey = (write: Pick<AcceptanceWrite, "channelId" | "version">) => `${write.channelId}:${write.version}`;

// The watcher writes status without touching version: the guard checks both, so a close it
// records between the proof's check and this write wins.
const UPDATE_CHANNEL = `UPDATE "Channel" SET balance = ?, "balanceSignature" = ?, "lastPaidAt" = ?, "updatedAt" = ?, version = version + 1
WHERE id = ? AND version = ? AND status = 'open' AND "closeIssuedAt" IS NULL`;
const INSERT_PURCHASE = `INSERT INTO "Purchase" (buyer, "channelId", "articleId", amount, balance, signature, "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** SQLite: the statements run in the process, so one pair per write costs little; the COMMIT (its fsync) is the group's. */
async function writeSqlite(db: Db, writes: AcceptanceWrite[]): Promise<string[]> {
  const now = new Date();
  return inDriverTransaction(await db.driver(), async (tx) => {
    const won: string[] = [];
    for (const w of writes) {
      const updated = await tx.executeRaw(sqlStatement("sqlite", UPDATE_CHANNEL, [w.balance, w.signature, now, now, w.channelId, w.version]));
      if (updated !== 1) continue;
      await tx.executeRaw(sqlStatement("sqlite", INSERT_PURCHASE, [w.buyer, w.channelId, w.articleId, w.amount, w.balance, w.signature, now]));
      won.push(guardKey(w));
    }
    return won;
  });
}

/**
 * PostgreSQL: the whole group in one statement, one round trip and its own durable commit: the
 * group's channel rows locked in id order (a locking SELECT locks after its sort, so two
 * instances' groups take their common rows in one order and never deadlock; the update's own
 * plan would lock them in whatever order it scans), the guarded updates, a purchase for each
 * update that happened (a data-modifying WITH runs to completion whether or not the query reads
 * it), and the guards that won.
 */
const WRITE_GROUP_POSTGRES = `WITH input AS (
  SELECT * FROM unnest(?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[])
    AS i(channel, version, buyer, balance, signature, article, amount)
), locked AS MATERIALIZED (
  SELECT id FROM "Channel" WHERE id IN (SELECT channel FROM input) ORDER BY id FOR UPDATE
), updated AS (
  UPDATE "Channel" c SET balance = i.balance, "balanceSignature" = i.signature, "lastPaidAt" = ?, "updatedAt" = ?, version = c.version + 1
  FROM input i JOIN locked l ON l.id = i.channel
  WHERE c.id = l.id AND c.version = i.version AND c.status = 'open' AND c."closeIssuedAt" IS NULL
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
