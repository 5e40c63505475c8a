/** `next build` when the sources changed since the last build (the demo, tests and bench share it). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { bin, root } from "./processes";

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((child) => newestMtime(path.join(entry, child))));
}

/** A build is stale when any source it was made from is newer than it. */
export function buildIsStale(): boolean {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "lib", "public", "prisma/generated", "proxy.ts", "next.config.ts", "package.json"];
  return sources.some((source) => newestMtime(path.join(root, source)) > built);
}

const LOCK = path.join(root, ".next-build.lock");

/**
 * Builds when stale. A lock directory keeps two processes (a test run and a benchmark, say) from
 * building into the same .next at once; the second waits and then finds the build fresh.
 */
export function ensureBuild({ quiet = false } = {}): void {
  if (!buildIsStale()) return;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} is held for over 3 minutes: remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (!buildIsStale()) return;
    if (!quiet) console.log("▸ Building the site (next build)");
    execFileSync(bin("next"), ["build"], {
      cwd: root,
      stdio: quiet ? "pipe" : "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}` },
    });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
