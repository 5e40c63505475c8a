/**
 * Where the client keeps what it must not forget across restarts: each channel's identity, the
 * balance it has signed so far and the server has accepted, and the private key of a session
 * key it generated. A small string key-value interface, so that a browser can back it with
 * `localStorage`, a CLI with files, and tests with memory.
 *
 * Keys are made of `[A-Za-z0-9._-]` only (so an adapter may use them as file names), at most
 * 200 characters. Values are JSON text written by the client; adapters store them verbatim.
 *
 * Adapters must make `set` atomic (a reader never sees half a value): a torn write could lose
 * the only copy of a session key or of the latest balance proof.
 */
export interface ClientStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
}

/** What a storage key may look like; adapters call {@link assertStorageKey} before using one. */
export const STORAGE_KEY_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Throws a TypeError for a key outside {@link STORAGE_KEY_PATTERN}: a bug in the caller.
 *
 * @example
 * assertStorageKey("channel.31337.0xabc") // fine
 * assertStorageKey("../escape") // TypeError
 */
export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY_PATTERN.test(key)) throw new TypeError(`storage key ${JSON.stringify(key)} must match ${STORAGE_KEY_PATTERN}`);
}
