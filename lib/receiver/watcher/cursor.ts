import "server-only";
import type { ChainCursor } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

/** The cursor's unique key: one per deployment and receiver. */
export function cursorKey(receiver: Receiver) {
  const { config } = receiver;
  return { chainId: config.chainId, contract: toDbAddress(config.channelManager), receiver: toDbAddress(config.receiver.address) };
}

/** How far the watcher has applied the chain for this receiver, or null before its first sync. */
export function readCursor(receiver: Receiver): Promise<ChainCursor | null> {
  return receiver.db.chainCursor.findUnique({ where: { chainId_contract_receiver: cursorKey(receiver) } });
}

/**
 * Whether the watcher reached the chain's head within WATCHER_MAX_LAG_SECONDS: only then may
 * the gate charge, since otherwise a close request could be going unseen while the time to
 * dispute it runs.
 */
export function isCurrent(receiver: Receiver, cursor: Pick<ChainCursor, "syncedAt"> | null): boolean {
  return !!cursor && Date.now() - cursor.syncedAt.getTime() <= receiver.config.watcher.maxLagMs;
}

/** The newest block whose events count as confirmed when the chain's head is `head`. */
export const confirmedThrough = (receiver: Receiver, head: bigint) => head - BigInt(receiver.config.confirmations - 1);
