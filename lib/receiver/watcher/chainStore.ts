import "server-only";
import { getAddress, type Address, type Hash } from "viem";
import type { ChannelEvent } from "../../chain/getChannelEvents";
import { fromDbAmount, toDbAmount } from "../../db/amount";
import type { ChainCursor, DbTransaction } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { ChannelId } from "../../protocol/typedData";
import { channelKey } from "../channels";
import type { Receiver } from "../context";
import { foldChannelEvents, type FoldableEvent } from "./foldChannelEvents";

/** Checkpoints kept for finding a fork point: one per sync that moved the cursor. */
const CHECKPOINTS_KEPT = 128;

/** The cursor's unique key: one per deployment and receiver. */
export function cursorKey(receiver: Receiver) {
  const { config } = receiver;
  return { chainId: config.chainId, contract: toDbAddress(config.channelManager), receiver: toDbAddress(config.receiver.address) };
}

export function readCursor(receiver: Receiver): Promise<ChainCursor | null> {
  return receiver.db.chainCursor.findUnique({ where: { chainId_contract_receiver: cursorKey(receiver) } });
}

/** The newest block whose events count as confirmed when the chain's head is `head`. */
export const confirmedThrough = (receiver: Receiver, head: bigint) => head - BigInt(receiver.config.confirmations - 1);

/**
 * Records that blocks after the cursor up to `to` (hash `toHash`) hold exactly `events`, and
 * that the chain's head is `head`: stores the events, folds every channel they touch (and every
 * channel whose events became confirmed with the new head) and moves the cursor, all in one
 * transaction, so that the cursor never runs ahead of what was applied. Returns how many
 * events were stored.
 */
export async function applyBlocks(
  receiver: Receiver,
  { from, to, toHash, head, events }: { from: bigint; to: bigint; toHash: Hash; head: bigint; events: readonly ChannelEvent[] },
): Promise<number> {
  const { db, config } = receiver;
  const key = cursorKey(receiver);
  return db.$transaction(async (tx) => {
    const cursor = await tx.chainCursor.findUnique({ where: { chainId_contract_receiver: key } });
    if (cursor && cursor.blockNumber !== from - 1n) throw new Error(`watcher cursor moved to ${cursor.blockNumber} under a sync from ${from}`);
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
    const wasConfirmedThrough = cursor ? confirmedThrough(receiver, cursor.head) : -1n;
    const ripening = await tx.chainEvent.findMany({
      where: { chainId: config.chainId, contract: key.contract, blockNumber: { gt: wasConfirmedThrough, lte: from - 1n } },
      select: { sender: true, receiver: true, openBlock: true },
    });
    const touched = uniqueChannels([...events.map((e) => e.channel), ...ripening.map(rowChannel)]);
    for (const channel of touched) await refoldChannel(tx, receiver, channel, confirmedThrough(receiver, head));

    const now = new Date();
    const state = { blockNumber: to, blockHash: toHash.toLowerCase(), head, syncedAt: now, lastError: null };
    const saved = await tx.chainCursor.upsert({ where: { chainId_contract_receiver: key }, create: { ...key, ...state }, update: state });
    if (to !== cursor?.blockNumber) {
      await tx.chainCheckpoint.create({ data: { cursorId: saved.id, blockNumber: to, blockHash: state.blockHash } });
      const stale = await tx.chainCheckpoint.findMany({
        where: { cursorId: saved.id },
        orderBy: { blockNumber: "desc" },
        skip: CHECKPOINTS_KEPT,
        select: { id: true },
      });
      if (stale.length > 0) await tx.chainCheckpoint.deleteMany({ where: { id: { in: stale.map((c) => c.id) } } });
    }
    return events.length;
  });
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
 * left, and moves the cursor back. No effect of a dropped block remains.
 */
export async function rewindTo(receiver: Receiver, { block, hash, head }: { block: bigint; hash: Hash; head: bigint }): Promise<number> {
  const { db, config } = receiver;
  const key = cursorKey(receiver);
  return db.$transaction(async (tx) => {
    const cursor = await tx.chainCursor.findUniqueOrThrow({ where: { chainId_contract_receiver: key } });
    const where = { chainId: config.chainId, contract: key.contract, blockNumber: { gt: block } };
    const dropped = await tx.chainEvent.findMany({ where, select: { sender: true, receiver: true, openBlock: true } });
    await tx.chainEvent.deleteMany({ where });
    await tx.chainCheckpoint.deleteMany({ where: { cursorId: cursor.id, blockNumber: { gt: block } } });
    await tx.chainCursor.update({ where: { id: cursor.id }, data: { blockNumber: block, blockHash: hash.toLowerCase(), head } });
    for (const channel of uniqueChannels(dropped.map(rowChannel))) await refoldChannel(tx, receiver, channel, confirmedThrough(receiver, head));
    return dropped.length;
  });
}

/**
 * Writes a channel's on-chain fields as the fold of its stored events says. The off-chain ones
 * (the accepted proof, purchases, closing signatures) are the receiver's own and stay as they
 * are. A channel whose creation was dropped by a reorg loses its row, unless something was paid
 * on it: then the row stays as the record of that, with no deposit to pay against.
 */
async function refoldChannel(tx: DbTransaction, receiver: Receiver, channel: ChannelId, through: bigint): Promise<void> {
  const key = channelKey(receiver, channel);
  const rows = await tx.chainEvent.findMany({
    where: { chainId: key.chainId, contract: key.contract, sender: key.sender, receiver: key.receiver, openBlock: key.openBlock },
  });
  const folded = foldChannelEvents(rows.map(toFoldable), through);
  const unique = { chainId_contract_sender_receiver_openBlock: key };
  if (!folded) {
    const row = await tx.channel.findUnique({ where: unique, include: { _count: { select: { purchases: true, closingSignatures: true, transactions: true } } } });
    if (!row) return;
    const { purchases, closingSignatures, transactions } = row._count;
    if (purchases + closingSignatures + transactions === 0) {
      await tx.channel.delete({ where: { id: row.id } });
      return;
    }
    console.error(`watcher: a reorg dropped the creation of channel ${channel.sender}/${channel.openBlock}, which has ${purchases} purchase(s): it takes no more proofs`);
    await tx.channel.update({ where: { id: row.id }, data: { confirmed: false, deposit: toDbAmount(0n) } });
    return;
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
