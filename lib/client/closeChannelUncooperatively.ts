import type { Hash } from "viem";
import type { ChannelId } from "../protocol/typedData";
import type { ChannelChain } from "./chain/ChannelChain";
import type { ChannelRecord, ChannelStore } from "./channelStore";
import { ChannelUnavailableError } from "./errors";

const idOf = (record: ChannelRecord): ChannelId => ({ sender: record.sender, receiver: record.receiver, openBlock: record.openBlock });

/**
 * Starts closing a channel without the receiver: `uncooperativeClose` claims the highest balance
 * this client ever signed (the receiver may hold that proof and would dispute anything lower,
 * so claiming less gains nothing). The receiver has the challenge period to dispute; then
 * `settleChannel`.
 *
 * @example
 * const { settleTime } = await closeChannelUncooperatively({ chain, store }, record)
 */
export async function closeChannelUncooperatively(
  deps: { chain: ChannelChain; store: ChannelStore },
  record: ChannelRecord,
): Promise<{ channel: ChannelRecord; balance: bigint; settleTime: bigint; hash: Hash }> {
  const onChain = await deps.chain.readChannel(record.contract, idOf(record));
  if (onChain === null) {
    await deps.store.put({ ...record, status: "settled" });
    throw new ChannelUnavailableError({ action: "close", reason: `the channel opened at block ${record.openBlock} is already closed`, hint: "nothing is left to close" });
  }
  if (onChain.settleTime !== 0n) {
    const closing = await deps.store.put({ ...record, status: "closing", settleTime: onChain.settleTime });
    throw new ChannelUnavailableError({
      action: "close",
      reason: `the channel opened at block ${closing.openBlock} is already closing (settle time ${onChain.settleTime})`,
      hint: "settle it after the challenge period",
    });
  }
  let balance = record.signed && record.signed.balance > record.balance ? record.signed.balance : record.balance;
  if (balance > onChain.deposit) balance = onChain.deposit;
  if (balance < onChain.withdrawn) balance = onChain.withdrawn;
  const { hash, settleTime } = await deps.chain.uncooperativeClose({ manager: record.contract, channel: idOf(record), balance });
  const channel = await deps.store.put({ ...record, status: "closing", settleTime });
  return { channel, balance, settleTime, hash };
}
