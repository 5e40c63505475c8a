/**
 * Moving a test chain by hand: raw JSON-RPC (Hardhat's `hardhat_mine`), and token balances for
 * checking what a close paid out.
 */
import { createPublicClient, http, toHex, type Address } from "viem";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import type { TestChain } from "./localSite";

/** One JSON-RPC call to the node; throws with the node's message on an error. */
export async function rpc<T = unknown>(chain: TestChain, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(chain.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const answer = (await response.json()) as { result?: T; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/**
 * Mines `blocks` empty blocks at once (Hardhat's `hardhat_mine`), e.g. to confirm a channel, and
 * waits until the sites on the chain have read them.
 */
export async function mine(chain: TestChain, blocks: number): Promise<void> {
  await rpc(chain, "hardhat_mine", [toHex(blocks)]);
  await chain.synced(await blockNumber(chain));
}

export async function blockNumber(chain: TestChain): Promise<bigint> {
  return BigInt(await rpc<string>(chain, "eth_blockNumber"));
}

/** The test token's balance of `owner`. */
export async function tokenBalance(chain: TestChain, owner: Address): Promise<bigint> {
  const client = createPublicClient({ transport: http(chain.url) });
  return client.readContract({ address: chain.deployment.token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [owner] });
}
