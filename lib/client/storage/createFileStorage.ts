/**
 * Node-only (node:fs): import this file directly, never through `lib/client/index.ts`, so that
 * the SDK's entry stays loadable in a browser.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assertStorageKey, type ClientStorage } from "./ClientStorage";

/**
 * `~/.tollgate`: the CLI's default state directory.
 *
 * @example
 * createFileStorage(defaultStateDirectory())
 */
export function defaultStateDirectory(): string {
  return path.join(os.homedir(), ".tollgate");
}

/**
 * A {@link ClientStorage} over a directory: one `<key>.json` file per key. One file per channel
 * (rather than one file for everything) so that two processes paying on different channels
 * never overwrite each other's state.
 *
 * The directory is created private (0700) and files are written 0600, through a temporary file
 * and a rename, which is atomic on POSIX file systems: the files may hold session keys.
 *
 * @example
 * import { createFileStorage, defaultStateDirectory } from "@/lib/client/storage/createFileStorage"
 * const storage = createFileStorage(process.env.TOLLGATE_STATE ?? defaultStateDirectory())
 */
export function createFileStorage(directory: string): ClientStorage {
  const file = (key: string) => {
    assertStorageKey(key);
    return path.join(directory, `${key}.json`);
  };
  let made: Promise<unknown> | undefined;
  const ensureDirectory = () => (made ??= mkdir(directory, { recursive: true, mode: 0o700 }));

  return {
    async get(key) {
      try {
        return await readFile(file(key), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async set(key, value) {
      const target = file(key);
      await ensureDirectory();
      const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temporary, value, { mode: 0o600 });
      await rename(temporary, target);
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
    async keys(prefix) {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
      return names
        .filter((name) => name.endsWith(".json"))
        .map((name) => name.slice(0, -".json".length))
        .filter((key) => key.startsWith(prefix));
    },
  };
}
