import { BaseError, ContractFunctionRevertedError, type Address, type PublicClient } from "viem";
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

function isRevert(error: unknown, name: string): boolean {
  if (!(error instanceof BaseError)) return false;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError && revert.data?.errorName === name;
}
