/**
 * The receiver's modules run in the test process, against a real database and a real Hardhat
 * node (no Next.js): for the watcher's and the transaction sender's own suites.
 */
import { createPublicClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { loadConfig } from "../../lib/config";
import type { Receiver } from "../../lib/receiver/context";
import type { SenderLog } from "../../lib/receiver/transactions/transactionSender";
import type { TestDatabase } from "../db/databases";
import type { TestChain } from "./localSite";

/** A receiver on `chain` and `database`, configured as a site on that chain would be; `env` overrides. */
export function testReceiver(chain: TestChain, database: TestDatabase, env: Record<string, string> = {}, rpcUrl = chain.url): Receiver {
  const config = loadConfig({
    RPC_URL: rpcUrl,
    CHAIN_ID: String(chain.deployment.chainId),
    CHANNEL_MANAGER_ADDRESS: chain.deployment.channelManager,
    TOKEN_ADDRESS: chain.deployment.token,
    WATCHER_FROM_BLOCK: String(chain.deployment.deployedAtBlock),
    ...env,
  });
  const client = createPublicClient({ chain: { ...hardhat, rpcUrls: { default: { http: [rpcUrl] } } }, transport: http(rpcUrl, { retryCount: 0 }) });
  return { db: database.db, chain: client as PublicClient, config };
}

/** A log that keeps its lines, for asserting on what the receiver said. */
export function recordingLog(): SenderLog & { lines: string[]; has(pattern: RegExp): boolean } {
  const lines: string[] = [];
  return {
    lines,
    info: (line) => void lines.push(line),
    warn: (line) => void lines.push(`WARN ${line}`),
    has: (pattern) => lines.some((line) => pattern.test(line)),
  };
}
