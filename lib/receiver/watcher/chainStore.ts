import "server-only";
import { getAddress, type Address, type Hash } from "viem";
import type { ChannelEvent } from "../../chain/getChannelEvents";
import { fromDbAmount, toDbAmount } from "../../db/amount";
import type { DbTransaction } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { ChannelId } from "../../protocol/typedData";
import { channelKey } from "../channels";
import type { Receiver } from "../context";
import { confirmedThrough, cursorKey } from "./cursor";
import { foldChannelEvents, type FoldableEvent } from "./foldChannelEvents";

/** Checkpoints kept for finding a fork point: one per sync that moved the cursor. */
const CHECKPOINTS_KEPT = 128;

/**
 * Interactive transactions here fold every channel a range touched; allow them far more than
 * Prisma's default of 5 s, so a large catch-up range or rewind is not aborted and retried forever.
 */
const LONG_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/** The cursor a caller read, and means to move: the move succeeds only if it is still there. */
export type CursorAt = { blockNumber: bigint; blockHash: string } | null;

/**
 * Records that blocks `from`..`to` (hash of `to`: `toHash`) hold exactly `events`, and that the
 * chain's head is `head`: stores the events, folds every channel they touch (and every channel
 * whose events became confirmed with the new head) and moves the cursor, all in one
 * transaction, so that the cursor never runs ahead of what was applied. The move is a
 * compare-and-set on the cursor the caller read (`at`): a second process applying the same
 * blocks (a leader that lost its lease without noticing) gets a conflict and changes nothing.
 * Returns how many events were stored.
 */
export async function applyBlocks(
  receiver: Receiver,
  { at, from, to, toHash, head, events }: { at: CursorAt; from: bigint; to: bigint; toHash: Hash; head: bigint; events: readonly ChannelEvent[] },
): Promise<number> {
  const { db, config } = receiver;
  const key = cursorKey(receiver);
  return db.$transaction(async (tx) => {
    // Synced means "reached the head": the gate charges only while that is recent.
    const state = { blockNumber: to, blockHash: toHash.toLowerCase(), head, lastError: null, ...(to === head ? { syncedAt: new Date() } : {}) };
    let cursorId: number;
    let previousHead: bigint | undefined;
    if (at === null) {
      // The first cursor: a unique key, so of two processes only one creates it.
      const created = await tx.chainCursor.create({ data: { ...key, ...state, syncedAt: new Date(to === head ? Date.now() : 0) } });
      cursorId = created.id;
    } else {
      const current = await tx.chainCursor.findUniqueOrThrow({ where: { chainId_contract_receiver: key } });
      previousHead = current.head;
      const { count } = await tx.chainCursor.updateMany({ where: { id: current.id, blockNumber: at.blockNumber, blockHash: at.blockHash }, data: state });
      if (count !== 1) throw new CursorMovedError(at.blockNumber);
      cursorId = current.id;
    }
    if (events.length > 0) {
      await tx.chainEvent.createMany({
        data: events.map((event) => ({
          chainId: config.chainId,
          contract: key.contract,
          blockNumber: event.blockNumber,
          blockHash: event.blockHash.toLowerCase(),
          logIndex: event.logIndex,
          txHash: event.txHash.toLowerCase(),
          sender: toDbAddress(event.channel.sender),
          receiver: toDbAddress(event.channel.receiver),
          openBlock: event.channel.openBlock,
          ...eventColumns(event),
        })),
      });
    }
    // Channels whose events were unconfirmed under the old head and may be confirmed now.
    const wasConfirmedThrough = previousHead === undefined ? -1n : confirmedThrough(receiver, previousHead);
    const ripening = await tx.chainEvent.findMany({
      where: { ...eventScope(key), blockNumber: { gt: wasConfirmedThrough, lte: from - 1n } },
      select: { sender: true, receiver: true, openBlock: true },
    });
    const touched = uniqueChannels([...events.map((e) => e.channel), ...ripening.map(rowChannel)]);
    for (const channel of touched) await refoldChannel(tx, receiver, channel, confirmedThrough(receiver, head));

    if (at?.blockNumber !== to) {
      await tx.chainCheckpoint.create({ data: { cursorId, blockNumber: to, blockHash: state.blockHash } });
      const stale = await tx.chainCheckpoint.findMany({ where: { cursorId }, orderBy: { blockNumber: "desc" }, skip: CHECKPOINTS_KEPT, select: { id: true } });
      if (stale.length > 0) await tx.chainCheckpoint.deleteMany({ where: { id: { in: stale.map((c) => c.id) } } });
    }
    return events.length;
  }, LONG_TRANSACTION);
}

/** Another process moved the cursor since this one read it: this one's work is void. */
export class CursorMovedError extends Error {
  override name = "CursorMovedError";
  constructor(expected: bigint) {
    super(`the watcher's cursor is no longer at block ${expected}: another process moved it (is a second leader running?)`);
  }
}

/** Notes that the chain's head is still the cursor's block (nothing new), so the gate knows the watcher is alive. */
export async function markSynced(receiver: Receiver, head: bigint): Promise<void> {
  await receiver.db.chainCursor.update({ where: { chainId_contract_receiver: cursorKey(receiver) }, data: { head, syncedAt: new Date(), lastError: null } });
}

export async function recordSyncError(receiver: Receiver, message: string): Promise<void> {
  await receiver.db.chainCursor.updateMany({ where: cursorKey(receiver), data: { lastError: message.slice(0, 500) } });
}

/** Checkpoints of the cursor, newest first: candidates for the fork point of a reorg. */
export async function readCheckpoints(receiver: Receiver, cursorId: number) {
  return receiver.db.chainCheckpoint.findMany({ where: { cursorId }, orderBy: { blockNumber: "desc" } });
}

/**
 * Undoes every block after `block` (the fork point, whose hash `hash` the chain still has):
 * deletes their events and checkpoints, folds the channels they touched again from what is
 * left, and moves the cursor back (a compare-and-set on `at`, as in {@link applyBlocks}). No
 * effect of a dropped block remains. Returns how many events were undone, and the channels that
 * lost their creation although something was paid on them.
 */
export async function rewindTo(
  receiver: Receiver,
  { at, block, hash, head }: { at: NonNullable<CursorAt>; block: bigint; hash: Hash; head: bigint },
): Promise<{ droppedEvents: number; unbacked: ChannelId[] }> {
  const { db } = receiver;
  const key = cursorKey(receiver);
  return db.$transaction(async (tx) => {
    const cursor = await tx.chainCursor.findUniqueOrThrow({ where: { chainId_contract_receiver: key } });
    const { count } = await tx.chainCursor.updateMany({
      where: { id: cursor.id, blockNumber: at.blockNumber, blockHash: at.blockHash },
      data: { blockNumber: block, blockHash: hash.toLowerCase(), head },
    });
    if (count !== 1) throw new CursorMovedError(at.blockNumber);
    const where = { ...eventScope(key), blockNumber: { gt: block } };
    const dropped = await tx.chainEvent.findMany({ where, select: { sender: true, receiver: true, openBlock: true } });
    await tx.chainEvent.deleteMany({ where });
    await tx.chainCheckpoint.deleteMany({ where: { cursorId: cursor.id, blockNumber: { gt: block } } });
    const unbacked: ChannelId[] = [];
    for (const channel of uniqueChannels(dropped.map(rowChannel))) {
      if ((await refoldChannel(tx, receiver, channel, confirmedThrough(receiver, head))) === "unbacked") unbacked.push(channel);
    }
    return { droppedEvents: dropped.length, unbacked };
  }, LONG_TRANSACTION);
}

/** The events of one deployment and receiver (a database may hold several sites' events). */
const eventScope = (key: ReturnType<typeof cursorKey>) => ({ chainId: key.chainId, contract: key.contract, receiver: key.receiver });

/**
 * Writes a channel's on-chain fields as the fold of its stored events says. The off-chain ones
 * (the accepted proof, purchases, closing signatures) are the receiver's own and stay as they
 * are. A channel whose creation was dropped by a reorg loses its row, unless something was paid
 * on it: then the row stays as the record of that, with no deposit to pay against ("unbacked").
 */
async function refoldChannel(tx: DbTransaction, receiver: Receiver, channel: ChannelId, through: bigint): Promise<"folded" | "deleted" | "unbacked"> {
  const key = channelKey(receiver, channel);
  const rows = await tx.chainEvent.findMany({
    where: { chainId: key.chainId, contract: key.contract, sender: key.sender, receiver: key.receiver, openBlock: key.openBlock },
  });
  const folded = foldChannelEvents(rows.map(toFoldable), through);
  const unique = { chainId_contract_sender_receiver_openBlock: key };
  if (!folded) {
    const row = await tx.channel.findUnique({ where: unique, include: { _count: { select: { purchases: true, closingSignatures: true, transactions: true } } } });
    if (!row) return "deleted";
    const { purchases, closingSignatures, transactions } = row._count;
    if (purchases + closingSignatures + transactions === 0) {
      await tx.channel.delete({ where: { id: row.id } });
      return "deleted";
    }
    await tx.channel.update({ where: { id: row.id }, data: { confirmed: false, confirmedBlock: null, deposit: toDbAmount(0n) } });
    return "unbacked";
  }
  const onChain = {
    delegate: folded.delegate ? toDbAddress(folded.delegate) : null,
    deposit: toDbAmount(folded.deposit),
    withdrawn: toDbAmount(folded.withdrawn),
    status: folded.status,
    settleAfter: folded.settleAfter,
    closingBalance: folded.closingBalance === null ? null : toDbAmount(folded.closingBalance),
    confirmed: folded.confirmed,
    confirmedBlock: folded.confirmed ? through : null,
  };
  await tx.channel.upsert({ where: unique, create: { ...key, ...onChain }, update: onChain });
  return "folded";
}

function eventColumns(event: ChannelEvent) {
  switch (event.kind) {
    case "created":
      return { kind: event.kind, amount: toDbAmount(event.deposit), delegate: event.delegate ? toDbAddress(event.delegate) : null };
    case "toppedUp":
      return { kind: event.kind, amount: toDbAmount(event.added) };
    case "withdrawn":
      return { kind: event.kind, amount: toDbAmount(event.withdrawn) };
    case "closeRequested":
      return { kind: event.kind, amount: toDbAmount(event.closingBalance), settleTime: event.settleTime };
    case "settled":
      return { kind: event.kind, amount: toDbAmount(event.balance) };
  }
}

const toFoldable = (row: {
  kind: FoldableEvent["kind"];
  blockNumber: bigint;
  logIndex: number;
  amount: string;
  delegate: string | null;
  settleTime: bigint | null;
}): FoldableEvent => ({
  kind: row.kind,
  blockNumber: row.blockNumber,
  logIndex: row.logIndex,
  amount: fromDbAmount(row.amount),
  delegate: row.delegate ? getAddress(row.delegate) : null,
  settleTime: row.settleTime,
});

const rowChannel = (row: { sender: string; receiver: string; openBlock: bigint }): ChannelId => ({
  sender: getAddress(row.sender) as Address,
  receiver: getAddress(row.receiver) as Address,
  openBlock: row.openBlock,
});

function uniqueChannels(channels: ChannelId[]): ChannelId[] {
  const seen = new Map<string, ChannelId>();
  for (const c of channels) seen.set(`${c.sender.toLowerCase()}:${c.receiver.toLowerCase()}:${c.openBlock}`, c);
  return [...seen.values()];
}
