import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { getAddress } from "viem";
import { createChannelStore, type ChannelRecord } from "../../lib/client/channelStore";
import type { ClientStorage } from "../../lib/client/storage/ClientStorage";
import { createFileStorage } from "../../lib/client/storage/createFileStorage";
import { createMemoryStorage } from "../../lib/client/storage/createMemoryStorage";

const record: ChannelRecord = {
  chainId: 31337,
  contract: getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"),
  token: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
  sender: getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
  receiver: getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
  openBlock: 7n,
  deposit: 10n ** 18n,
  balance: 30n,
  balanceSignature: `0x${"ab".repeat(65)}`,
  status: "open",
  origin: "http://localhost:3000",
  updatedAt: 0,
};

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function adapters(): Promise<[string, ClientStorage, string | undefined][]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tollgate-storage-"));
  dirs.push(dir);
  return [
    ["memory", createMemoryStorage(), undefined],
    ["file", createFileStorage(path.join(dir, "state")), path.join(dir, "state")],
  ];
}

describe("storage adapters and the channel store", async () => {
  for (const [name, storage, dir] of await adapters()) {
    it(`${name}: round-trips a channel record with bigints and lists it by filter`, async () => {
      const store = createChannelStore(storage);
      const saved = await store.put(record);
      assert.ok(saved.updatedAt > 0);
      assert.deepEqual(await store.get(record), saved);
      assert.deepEqual(await store.list({ origin: "http://localhost:3000", status: "open" }), [saved]);
      assert.deepEqual(await store.list({ receiver: record.sender }), []);
      await storage.delete((await storage.keys("channel."))[0]!);
      assert.deepEqual(await store.list(), []);
    });

    it(`${name}: keeps session keys`, async () => {
      const store = createChannelStore(storage);
      const key = `0x${"11".repeat(32)}` as const;
      await store.putSessionKey(record.sender, key);
      assert.equal(await store.getSessionKey(record.sender), key);
      assert.equal(await store.getSessionKey(record.receiver), undefined);
    });

    it(`${name}: skips a record that no longer parses, with a warning`, async () => {
      const warnings: string[] = [];
      const store = createChannelStore(storage, { warn: (m) => warnings.push(m) });
      await storage.set("channel.31337.broken", JSON.stringify({ version: 1, balance: "-1" }));
      await storage.set("channel.31337.notjson", "{");
      assert.deepEqual(await store.list(), []);
      assert.equal(warnings.length, 2);
      assert.match(warnings.join("\n"), /ignoring stored channel channel\.31337\.broken/);
    });

    it(`${name}: refuses keys that are not file-name safe`, async () => {
      await assert.rejects(storage.set("../escape", "x"), TypeError);
    });

    if (dir) {
      it("file: writes private files atomically into a private directory", async () => {
        await storage.set("probe", "{}");
        assert.equal((await stat(dir)).mode & 0o777, 0o700);
        assert.equal((await stat(path.join(dir, "probe.json"))).mode & 0o777, 0o600);
        assert.equal(await readFile(path.join(dir, "probe.json"), "utf8"), "{}");
        await writeFile(path.join(dir, "stray.txt"), "");
        assert.deepEqual((await storage.keys("")).sort(), (await storage.keys("")).filter((k) => !k.includes(".tmp")).sort());
        assert.equal(await createFileStorage(path.join(dir, "missing")).get("nothing"), undefined);
        assert.deepEqual(await createFileStorage(path.join(dir, "missing")).keys(""), []);
      });
    }
  }
});
