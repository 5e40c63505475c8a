import type { Address, Hash } from "viem";
import type { ChannelId } from "../protocol/typedData";
import type { ChannelChain } from "./chain/ChannelChain";
import type { ChannelRecord, ChannelStore } from "./channelStore";
import { ChannelUnavailableError } from "./errors";

const idOf = (record: ChannelRecord): ChannelId => ({ sender: record.sender, receiver: record.receiver, openBlock: record.openBlock });

/**
 * Ends a channel whose challenge period is over: the receiver gets the closing balance, the
 * sender the rest. Refuses, without a transaction, while the period is still running.
 *
 * @example
 * await settleChannel({ chain, store }, record)
 */
export async function settleChannel(
  deps: { chain: ChannelChain; store: ChannelStore },
  record: ChannelRecord,
): Promise<{ channel: ChannelRecord; hash: Hash; receiver: Address }> {
  const onChain = await deps.chain.readChannel(record.contract, idOf(record));
  if (onChain === null) {
    await deps.store.put({ ...record, status: "settled" });
    throw new ChannelUnavailableError({ action: "settle", reason: `the channel opened at block ${record.openBlock} is already closed`, hint: "nothing is left to settle" });
  }
  if (onChain.settleTime === 0n) {
    throw new ChannelUnavailableError({ action: "settle", reason: `the channel opened at block ${record.openBlock} is not closing`, hint: "close it first (closeChannelUncooperatively)" });
  }
  const { timestamp } = await deps.chain.latestBlock();
  if (timestamp <= onChain.settleTime) {
    throw new ChannelUnavailableError({
      action: "settle",
      reason: `its challenge period runs until ${new Date(Number(onChain.settleTime) * 1000).toISOString()} (${onChain.settleTime - timestamp + 1n} s from the latest block)`,
      hint: "settle it after that",
    });
  }
  const { hash } = await deps.chain.settle({ manager: record.contract, channel: idOf(record) });
  const channel = await deps.store.put({ ...record, status: "settled" });
  return { channel, hash, receiver: record.receiver };
}
