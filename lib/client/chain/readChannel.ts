import { BaseError, ContractFunctionRevertedError, getAddress, zeroAddress, type Address, type PublicClient } from "viem";
import { channelManagerAbi } from "../../chain/abis.generated";
import type { ChannelId } from "../../protocol/typedData";
import type { OnChainChannel } from "../mergeChannelState";

/**
 * A channel's state on chain (`getChannelInfo`), or `null` when the manager has no such channel
 * (it reverts `ChannelNotFound` for one never opened, or already closed and deleted).
 *
 * @example
 * const onChain = await readChannel(publicClient, manager, { sender, receiver, openBlock })
 * if (onChain === null) markSettled()
 */
export async function readChannel(publicClient: PublicClient, manager: Address, channel: ChannelId): Promise<OnChainChannel | null> {
  try {
    const [, deposit, withdrawn, closingBalance, settleTime, delegate] = await publicClient.readContract({
      address: manager,
      abi: channelManagerAbi,
      functionName: "getChannelInfo",
      args: [channel.sender, channel.receiver, channel.openBlock],
    });
    return { deposit, withdrawn, closingBalance, settleTime, delegate: delegate === zeroAddress ? undefined : getAddress(delegate) };
  } catch (error) {
    if (error instanceof BaseError) {
      const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "ChannelNotFound") return null;
    }
    throw error;
  }
}
