import type { Address, BaseError, ContractFunctionRevertedError, PublicClient } from "viem";
import type { ChannelId } from "../protocol/typedData";
import { channelManagerAbi } from "./abis.generated";

/** A channel as the contract holds it, read at a block at least `confirmations` deep. */
export type OnChainChannel = {
  deposit: bigint;
  withdrawn: bigint;
  closingBalance: bigint;
  /** Unix seconds from which `settle` succeeds; 0 while no uncooperative close is pending. */
  settleTime: bigint;
  delegate: Address | null;
};

export type ChannelRead =
  | { found: true; channel: OnChainChannel; confirmations: number }
  | { found: false; reason: "not-found" }
  | { found: false; reason: "unconfirmed"; confirmations: number };

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * Reads a channel from the manager as of the newest block that has `required` confirmations, so
 * that a reorg shallower than that cannot take back a deposit the receiver already relied on.
 */
export async function readChannel(
  client: PublicClient,
  manager: Address,
  id: ChannelId,
  required: number,
): Promise<ChannelRead> {
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const confirmations = Number(head - id.openBlock) + 1;
  if (id.openBlock > head) return { found: false, reason: "not-found" };
  if (confirmations < required) return { found: false, reason: "unconfirmed", confirmations };
  try {
    const [, deposit, withdrawn, closingBalance, settleTime, delegate] = await client.readContract({
      address: manager,
      abi: channelManagerAbi,
      functionName: "getChannelInfo",
      args: [id.sender, id.receiver, id.openBlock],
      blockNumber: head - BigInt(required - 1),
    });
    return {
      found: true,
      confirmations,
      channel: { deposit, withdrawn, closingBalance, settleTime: BigInt(settleTime), delegate: delegate === ZERO ? null : delegate },
    };
  } catch (error) {
    if (isRevert(error, "ChannelNotFound")) return { found: false, reason: "not-found" };
    throw error;
  }
}

/**
 * Whether `error` is the contract's custom error `name`. Matched by the errors' names, not by
 * `instanceof`: Next.js bundles viem once for proxy.ts and again for the route handlers, and the
 * process-wide client (lib/chain/clients.ts) is made by whichever runs first, so the errors it
 * throws need not be instances of this module's copy of viem's classes.
 */
function isRevert(error: unknown, name: string): boolean {
  if (!(error instanceof Error) || typeof (error as BaseError).walk !== "function") return false;
  const revert = (error as BaseError).walk((e) => (e as Error | undefined)?.name === "ContractFunctionRevertedError");
  return (revert as ContractFunctionRevertedError | null)?.data?.errorName === name;
}
