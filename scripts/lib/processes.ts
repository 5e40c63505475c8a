/**
 * Starting and stopping the long-running processes a script needs (a Hardhat node, `next start`).
 * Each child leads its own process group so that stopping it also stops what it spawned: killing
 * only npm's or next's parent leaves the server holding its port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
export const bin = (name: string) => path.join(root, "node_modules/.bin", name);

const children = new Set<ChildProcess>();

export function start(
  command: string,
  args: string[],
  { env, log }: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    // node_modules/.bin first, so that `#!/usr/bin/env node` tools get the project's Node 22
    // even when this script was started without npm.
    env: { ...process.env, ...env, PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}` },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log?.(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  return child;
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

export function stopAll(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const child of children) stop(child, signal);
}

/** Work to finish before the script exits on a signal (e.g. dropping a scratch database). */
const shutdownTasks = new Set<() => Promise<unknown>>();

/** Runs `task` if the script is stopped by a signal; returns a function that unregisters it. */
export function onShutdown(task: () => Promise<unknown>): () => void {
  shutdownTasks.add(task);
  return () => shutdownTasks.delete(task);
}

/**
 * Makes sure no process this script started outlives it: on SIGINT (Ctrl-C) or SIGTERM, each
 * child's process group is sent SIGTERM, given `graceMs` to go, and the shutdown tasks run; on any
 * exit, a throw included, every group still there is killed (SIGKILL: an exit handler cannot
 * wait). The children lead their own groups (`start`), so a terminal's Ctrl-C never reaches them
 * by itself, and killing only a parent (npm, next start) would leave its child serving.
 */
export function stopChildrenOnExit({ graceMs = 5000 }: { graceMs?: number } = {}): void {
  process.on("exit", () => stopAll("SIGKILL"));
  const onSignal = (signal: NodeJS.Signals, code: number) => async () => {
    console.error(`\n▸ ${signal}: stopping the ${children.size} process group(s) this script started`);
    stopAll("SIGTERM");
    const gone = Promise.all([...children].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once("exit", resolve)))));
    const tasks = Promise.allSettled([...shutdownTasks].map((task) => task()));
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all([gone, tasks]), grace]);
    process.exit(code);
  };
  process.once("SIGINT", onSignal("SIGINT", 130));
  process.once("SIGTERM", onSignal("SIGTERM", 143));
}

/** Polls `probe` until it resolves true, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

export async function portAnswers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
