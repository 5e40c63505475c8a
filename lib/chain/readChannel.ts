import type { Address, PublicClient } from "viem";
import type { ChannelId } from "../protocol/typedData";
import { getChannelInfo, type OnChainChannel } from "./getChannelInfo";

export type ChannelRead =
  | { found: true; channel: OnChainChannel; confirmations: number }
  | { found: false; reason: "not-found" }
  | { found: false; reason: "unconfirmed"; confirmations: number };

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
  if (id.openBlock > head) return { found: false, reason: "not-found" };
  const confirmations = Number(head - id.openBlock) + 1;
  if (confirmations < required) return { found: false, reason: "unconfirmed", confirmations };
  const channel = await getChannelInfo(client, manager, id, { blockNumber: head - BigInt(required - 1) });
  return channel ? { found: true, confirmations, channel } : { found: false, reason: "not-found" };
}
