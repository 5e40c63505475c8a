/**
 * A real Tollgate for the integration suites: a Hardhat node with the contracts deployed, and
 * `next start` (production build) against a given database. Nothing is mocked.
 */
import { createServer } from "node:net";
import type { ChildProcess } from "node:child_process";
import type { Deployment } from "../../lib/chain/deployment";
import { ensureBuild } from "../../scripts/lib/build";
import { deployLocal, startLocalChain } from "../../scripts/lib/localChain";
import { bin, portAnswers, start, stop, waitFor } from "../../scripts/lib/processes";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type TestChain = {
  url: string;
  deployment: Deployment;
  stop(): void;
  /**
   * Resolves once every site running on this chain has read it up to `block` (their watchers
   * follow the chain by polling): after opening or topping up a channel, before paying on it.
   */
  synced(block: bigint): Promise<void>;
};

/** The sites serving each chain now, by the chain's URL. */
const running = new Map<string, Set<string>>();

/** A fresh Hardhat node on a free port with both contracts deployed (challenge period 120 s). */
export async function startTestChain(): Promise<TestChain> {
  const { url, node } = await startLocalChain({ port: await freePort() });
  const deployment = await deployLocal(url, { quiet: true });
  return {
    url,
    deployment,
    stop: () => stop(node),
    synced: async (block) => {
      for (const site of running.get(url) ?? []) await watcherReached(site, block);
    },
  };
}

/** Waits until `site`'s watcher has applied `block` (GET /api/health). */
export async function watcherReached(site: string, block: bigint, timeoutMs = 30_000): Promise<void> {
  await waitFor(`the watcher of ${site} to reach block ${block}`, async () => {
    const response = await fetch(`${site}/api/health`, { signal: AbortSignal.timeout(2000) });
    const { watcher } = (await response.json()) as { watcher?: { block: string | null } };
    return watcher?.block != null && BigInt(watcher.block) >= block;
  }, timeoutMs);
}

export type TestSite = {
  url: string;
  /** The environment it runs with (database, chain, receiver), for a command that acts on the same site. */
  env: NodeJS.ProcessEnv;
  /** The server's output so far (all runs), for a failing test's message. */
  output(): string;
  /** Stops the server gracefully. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP), as a hung process or a long pause would, and thaws it (SIGCONT). */
  pause(): void;
  resume(): void;
};

let builtOnce: true | undefined;

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once("exit", resolve));
}

/**
 * `next start` on a free port, serving `databaseUrl` and the given chain. Builds first if stale.
 * `env` adds to (or overrides) the receiver's environment, e.g. `{ CONFIRMATIONS: "3" }`.
 */
export async function startSite({
  databaseUrl,
  chain,
  env: extra = {},
}: {
  databaseUrl: string;
  chain: TestChain;
  env?: Record<string, string>;
}): Promise<TestSite> {
  // At most once per test file: a rebuild while another site of this file is serving from
  // .next (sources edited meanwhile) would swap its chunks under it.
  builtOnce ??= (ensureBuild({ quiet: true }), true);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    RPC_URL: chain.url,
    CHAIN_ID: String(chain.deployment.chainId),
    CHANNEL_MANAGER_ADDRESS: chain.deployment.channelManager,
    TOKEN_ADDRESS: chain.deployment.token,
    WATCHER_FROM_BLOCK: String(chain.deployment.deployedAtBlock),
    NODE_ENV: "production",
    // A production build on Hardhat's public keys: refused unless asked (lib/config.ts).
    ALLOW_DEVELOPMENT_KEYS: "yes",
    // Tells Next.js (@next/env) that the environment is loaded already: a fork's own .env, which
    // `npm run setup` writes for its chain, must not reach a suite's site.
    __NEXT_PROCESSED_ENV: "true",
    ...extra,
  };
  let child: ChildProcess;
  const log: string[] = [];
  // Registered under the RPC the site reads: one told of a dead RPC never follows this chain.
  const rpcUrl = env.RPC_URL!;
  const sites = running.get(rpcUrl) ?? running.set(rpcUrl, new Set()).get(rpcUrl)!;
  const launch = async () => {
    child = start(bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], { env, log: (line) => log.push(line) });
    await waitFor(`next start on ${url}`, () => portAnswers(`${url}/api/stats`)).catch((error) => {
      throw new Error(`${error.message}\n${log.join("\n")}`);
    });
    sites.add(url);
  };
  const halt = async (signal: NodeJS.Signals) => {
    sites.delete(url);
    stop(child, signal);
    await exited(child);
  };
  await launch();
  return {
    url,
    env,
    output: () => log.join("\n"),
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    restart: launch,
    // A frozen site answers nothing, so the chain's `synced` must not wait for it meanwhile.
    pause: () => (sites.delete(url), stop(child, "SIGSTOP")),
    resume: () => (stop(child, "SIGCONT"), sites.add(url)),
  };
}
