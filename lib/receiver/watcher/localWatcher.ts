import "server-only";
import type { Watcher } from "./startWatcher";

// On globalThis: the server starts the watcher from instrumentation.ts and the gate runs in
// proxy.ts, two bundles with their own copies of this module, in one process.
const holder = globalThis as typeof globalThis & { __tollgateLocalWatcher?: Watcher };

/** Records the watcher this process runs (startInServer), so that other parts can wake it. */
export function setLocalWatcher(watcher: Watcher | undefined): void {
  holder.__tollgateLocalWatcher = watcher;
}

/**
 * Wakes this process's watcher for a tick now (after enqueueing a transaction someone waits
 * for), when this process runs one. It acts only while it leads; elsewhere the leader's own poll
 * picks the work up.
 */
export function nudgeLocalWatcher(): void {
  holder.__tollgateLocalWatcher?.nudge();
}
