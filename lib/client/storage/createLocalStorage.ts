import { assertStorageKey, type ClientStorage } from "./ClientStorage";

/** The part of the Web Storage API the adapter uses (window.localStorage, or a fake in tests). */
export type WebStorage = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/**
 * A {@link ClientStorage} over the browser's `localStorage`: channels and session keys survive a
 * reload and a browser restart, per origin. Every key is prefixed (default `tollgate.`) so that
 * the site's other uses of localStorage never collide with the client's.
 *
 * `setItem` replaces a value in one step, which is the atomicity ClientStorage asks for. A
 * browser that refuses storage (private mode, quota) throws from `set`: the client then fails
 * before it relies on something it could not save (a session key before the channel naming it).
 *
 * What it stores is readable by any script on the site's origin, session keys included; their
 * power is bounded (they can only pay the channel's receiver, up to the deposit), see
 * docs/reader.md.
 *
 * @example
 * const client = createTollgateClient({ chain, storage: createLocalStorage(), sessionKey: true })
 */
export function createLocalStorage({ storage = globalThis.localStorage, prefix = "tollgate." }: { storage?: WebStorage; prefix?: string } = {}): ClientStorage {
  if (!storage) throw new TypeError("createLocalStorage needs window.localStorage (a browser), or a `storage` to use instead");
  return {
    async get(key) {
      assertStorageKey(key);
      return storage.getItem(prefix + key) ?? undefined;
    },
    async set(key, value) {
      assertStorageKey(key);
      storage.setItem(prefix + key, value);
    },
    async delete(key) {
      assertStorageKey(key);
      storage.removeItem(prefix + key);
    },
    async keys(keyPrefix) {
      const found: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const name = storage.key(i);
        if (name?.startsWith(prefix + keyPrefix)) found.push(name.slice(prefix.length));
      }
      return found;
    },
  };
}
