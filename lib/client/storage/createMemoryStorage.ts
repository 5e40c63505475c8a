import { assertStorageKey, type ClientStorage } from "./ClientStorage";

/**
 * A {@link ClientStorage} that lives as long as the process: for tests, and for programs that
 * recover their channels from the site and the chain at every start (a session key it generates
 * is lost with it, but the sender's own key can always sign).
 *
 * @example
 * const client = createTollgateClient({ chain, storage: createMemoryStorage() })
 */
export function createMemoryStorage(initial?: Iterable<[string, string]>): ClientStorage & { snapshot(): Map<string, string> } {
  const entries = new Map<string, string>(initial);
  return {
    async get(key) {
      assertStorageKey(key);
      return entries.get(key);
    },
    async set(key, value) {
      assertStorageKey(key);
      entries.set(key, value);
    },
    async delete(key) {
      assertStorageKey(key);
      entries.delete(key);
    },
    async keys(prefix) {
      return [...entries.keys()].filter((key) => key.startsWith(prefix));
    },
    /** A copy of everything stored: to hand a second client the same state in tests. */
    snapshot() {
      return new Map(entries);
    },
  };
}
