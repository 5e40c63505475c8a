import { getAddress, zeroAddress, type Address, type BaseError, type ContractFunctionRevertedError, type PublicClient } from "viem";
import type { ChannelId } from "../protocol/typedData";
import { channelManagerAbi } from "./abis.generated";

/** A channel as the contract holds it. */
export type OnChainChannel = {
  deposit: bigint;
  withdrawn: bigint;
  closingBalance: bigint;
  /** Unix seconds from which `settle` succeeds; 0 while no uncooperative close is pending. */
  settleTime: bigint;
  delegate: Address | undefined;
};

/**
 * The manager's `getChannelInfo`, at the latest block or at `blockNumber`, or `null` when it has
 * no such channel (it reverts `ChannelNotFound` for one never opened, or closed and deleted).
 *
 * @example
 * const onChain = await getChannelInfo(publicClient, manager, { sender, receiver, openBlock })
 */
export async function getChannelInfo(
  client: PublicClient,
  manager: Address,
  id: ChannelId,
  { blockNumber }: { blockNumber?: bigint } = {},
): Promise<OnChainChannel | null> {
  try {
    const [, deposit, withdrawn, closingBalance, settleTime, delegate] = await client.readContract({
      address: manager,
      abi: channelManagerAbi,
      functionName: "getChannelInfo",
      args: [id.sender, id.receiver, id.openBlock],
      blockNumber,
    });
    return { deposit, withdrawn, closingBalance, settleTime: BigInt(settleTime), delegate: delegate === zeroAddress ? undefined : getAddress(delegate) };
  } catch (error) {
    if (isRevert(error, "ChannelNotFound")) return null;
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
