/** A Hardhat node on 127.0.0.1 with the contracts deployed: the demo's and the tests' chain. */
import { createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { hardhat } from "viem/chains";
import type { Deployment } from "../../lib/chain/deployment";
import { deployContracts } from "../deploy/deployContracts";
import { bin, portAnswers, start, waitFor } from "./processes";

/**
 * Hardhat's default mnemonic: its accounts hold test ether on every local Hardhat node and
 * nothing anywhere else. Account 0 deploys; the others are the demo's receiver and readers.
 */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export const devAccount = (index: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });

const jsonRpc = (url: string) =>
  portAnswers(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });

/** A Hardhat node on 127.0.0.1:`port`; `chainId` other than 31337 stands in for a public chain (tests). */
/**
 * Starts a Hardhat node. It mines a block for each transaction; with `blockIntervalMs` it also
 * mines one at that interval, as a live chain does whether anyone transacts or not, so that
 * confirmations deepen by themselves (the demo). Tests leave it off and mine when they mean to.
 */
export async function startLocalChain({
  port = 8545,
  log,
  chainId,
  blockIntervalMs,
}: { port?: number; log?: (line: string) => void; chainId?: number; blockIntervalMs?: number } = {}) {
  const url = `http://127.0.0.1:${port}`;
  if (await jsonRpc(url)) throw new Error(`something already answers on ${url}: stop it first (is another demo running?)`);
  const chain = chainId === undefined ? [] : ["--chain-id", String(chainId)];
  const node = start(bin("hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(port), ...chain], { log });
  await waitFor(`the Hardhat node on ${url}`, () => jsonRpc(url));
  if (blockIntervalMs) {
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_setIntervalMining", params: [blockIntervalMs] }),
    });
  }
  return { url, node };
}

export async function deployLocal(url: string, { challengePeriod = 120, quiet = false } = {}): Promise<Deployment> {
  const account = devAccount(0);
  const chain = { ...hardhat, rpcUrls: { default: { http: [url] } } };
  const client = createPublicClient({ chain, transport: http(url) });
  const wallet = createWalletClient({ account, chain, transport: http(url) });
  return deployContracts(wallet, client, { challengePeriod, confirmations: 1, quiet });
}

/** Hardhat development accounts that the demo gives tokens to: #2 for the CLI, #3 for the dev wallet. */
export const DEMO_READERS = [2, 3] as const;

/** Takes `amount` tokens from the faucet for each of `indices` (the faucet pays its caller). */
export async function fundReaders(url: string, deployment: Deployment, indices: readonly number[], amount = 1000n * 10n ** 18n) {
  const chain = { ...hardhat, rpcUrls: { default: { http: [url] } } };
  const client = createPublicClient({ chain, transport: http(url) });
  for (const index of indices) {
    const wallet = createWalletClient({ account: devAccount(index), chain, transport: http(url) });
    const hash = await wallet.writeContract({ address: deployment.token, abi: tollgateTokenAbi, functionName: "faucet", args: [amount] });
    await client.waitForTransactionReceipt({ hash });
  }
}

