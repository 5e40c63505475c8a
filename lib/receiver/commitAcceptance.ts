import "server-only";
import type { Db, DbTransaction } from "../db/Db";

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
 * them; each promise settles only after the COMMIT that holds its write. A write never waits for a
 * timer: an acceptance that finds no commit under way starts one as soon as the current task ends.
 *
 * A group is all or nothing, so when its transaction fails (a constraint, a deadlock, the
 * database, or Purchase's (buyer, article) key when a sender buys one article on two channels at
 * once), each of its writes is tried again alone, and only the failing one fails, with its error.
 */
export function commitAcceptance(db: Db, write: AcceptanceWrite): Promise<boolean> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { waiting: [], committing: false }));
  const done = new Promise<boolean>((resolve, reject) => queue.waiting.push({ write, resolve, reject }));
  if (!queue.committing) {
    queue.committing = true;
    // After the current task's other acceptances have joined (a microtask, never a timer).
    queueMicrotask(() => void drain(db, queue));
  }
  return done;
}

async function drain(db: Db, queue: Queue): Promise<void> {
  try {
    while (queue.waiting.length > 0) {
      // In channel order, so that two instances' groups on one PostgreSQL lock rows in the same
      // order and never deadlock; a channel's own writes keep their arrival order (stable sort).
      const group = queue.waiting.splice(0, MAX_GROUP).sort((a, b) => a.write.channelId - b.write.channelId);
      try {
        const won = await db.$transaction((tx) => writeAll(tx, group));
        group.forEach((pending, i) => pending.resolve(won[i]));
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        for (const pending of group) {
          await db.$transaction((tx) => writeAll(tx, [pending])).then(([won]) => pending.resolve(won), pending.reject);
        }
      }
    }
  } finally {
    queue.committing = false;
  }
}

async function writeAll(tx: DbTransaction, group: Pending[]): Promise<boolean[]> {
  const won: boolean[] = [];
  for (const { write } of group) {
    // The watcher writes status without touching version: the guard checks both, so a close it
    // records between the proof's check and this write wins.
    const { count } = await tx.channel.updateMany({
      where: { id: write.channelId, version: write.version, status: "open", closeIssuedAt: null },
      data: { balance: write.balance, balanceSignature: write.signature, lastPaidAt: new Date(), version: { increment: 1 } },
    });
    if (count === 1) {
      await tx.purchase.create({
        data: { buyer: write.buyer, channelId: write.channelId, articleId: write.articleId, amount: write.amount, balance: write.balance, signature: write.signature },
      });
    }
    won.push(count === 1);
  }
  return won;
}
