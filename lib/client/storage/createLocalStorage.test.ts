import assert from "node:assert/strict";
import { it } from "node:test";
import { createLocalStorage, type WebStorage } from "./createLocalStorage";

/** A Web Storage over a Map, as window.localStorage behaves (string values, `key(i)` order). */
function fakeStorage(initial: Record<string, string> = {}): WebStorage & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
    key: (index) => [...map.keys()][index] ?? null,
    get length() {
      return map.size;
    },
  };
}

it("stores, reads, lists and deletes under its prefix, leaving the site's other keys alone", async () => {
  const web = fakeStorage({ theme: "dark", "tollgate.channel.other": "{}" });
  const storage = createLocalStorage({ storage: web });
  assert.equal(await storage.get("channel.1"), undefined);
  await storage.set("channel.1", '{"a":1}');
  await storage.set("sessionkey.0xabc", '{"k":2}');
  assert.equal(web.map.get("tollgate.channel.1"), '{"a":1}');
  assert.equal(await storage.get("channel.1"), '{"a":1}');
  assert.deepEqual((await storage.keys("channel.")).sort(), ["channel.1", "channel.other"]);
  await storage.delete("channel.1");
  assert.deepEqual(await storage.keys("channel."), ["channel.other"]);
  assert.equal(web.map.get("theme"), "dark");
});

it("refuses keys outside the storage key pattern, as every adapter does", async () => {
  const storage = createLocalStorage({ storage: fakeStorage() });
  await assert.rejects(storage.set("../x", "1"), TypeError);
  await assert.rejects(storage.get("a b"), TypeError);
});

it("says what is missing outside a browser", () => {
  assert.throws(() => createLocalStorage({ storage: undefined as unknown as WebStorage }), /localStorage/);
});
