import "server-only";
import { ServiceUnavailableError } from "../../protocol/errors";
import type { Receiver } from "../context";
import { isCurrent, readCursor } from "./cursor";

/** A second is far below any lag that matters (WATCHER_MAX_LAG_SECONDS), and spares the hot path a query per request. */
const CACHE_MS = 1000;
const holder = globalThis as typeof globalThis & { __tollgateSyncedAt?: Map<string, { cursor: { syncedAt: Date } | null; readAt: number }> };
const cache = (holder.__tollgateSyncedAt ??= new Map());

/**
 * Refuses to charge (503, nothing stored) while the watcher has not reached the chain's head for
 * longer than WATCHER_MAX_LAG_SECONDS: the receiver would not see a close request, and the
 * deadline to dispute it runs. Refusing is the safe side; re-reads of bought articles go on.
 */
export async function assertWatcherCurrent(receiver: Receiver): Promise<void> {
  const key = `${receiver.config.chainId}:${receiver.config.channelManager}:${receiver.config.receiver.address}`;
  let entry = cache.get(key);
  if (!entry || Date.now() - entry.readAt > CACHE_MS) {
    entry = { cursor: await readCursor(receiver), readAt: Date.now() };
    cache.set(key, entry);
  }
  if (!isCurrent(receiver, entry.cursor)) {
    throw new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: Math.ceil(receiver.config.watcher.pollMs / 1000) + 1 });
  }
}
