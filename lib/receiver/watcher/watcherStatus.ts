import "server-only";
import type { Receiver } from "../context";
import { leaseHolder } from "../leader/lease";
import { watcherLease } from "../leader/leaseNames";
import { isCurrent, readCursor } from "./cursor";

/** Where the watcher stands, from the database (so any instance can tell, leading or not). */
export type WatcherStatus = {
  /** The last block whose events are applied, and the chain head the watcher last saw. */
  block: bigint | null;
  head: bigint | null;
  /** Blocks between the two. */
  lagBlocks: bigint | null;
  syncedAt: Date | null;
  /** Whether the gate may charge: the watcher reached the head within WATCHER_MAX_LAG_SECONDS. */
  current: boolean;
  lastError: string | null;
  /** The process that leads, if any holds the lease. */
  leader: { holder: string; renewedAt: Date; expiresAt: Date } | null;
};

export async function getWatcherStatus(receiver: Receiver): Promise<WatcherStatus> {
  const [cursor, leader] = await Promise.all([readCursor(receiver), leaseHolder(receiver.db, watcherLease(receiver.config))]);
  return {
    block: cursor?.blockNumber ?? null,
    head: cursor?.head ?? null,
    lagBlocks: cursor ? cursor.head - cursor.blockNumber : null,
    syncedAt: cursor?.syncedAt ?? null,
    current: isCurrent(receiver, cursor),
    lastError: cursor?.lastError ?? null,
    leader,
  };
}
