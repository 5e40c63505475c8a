import { encodeEventTopics, formatLog, getAddress, numberToHex, pad, parseEventLogs, zeroAddress, type Address, type Hash, type PublicClient, type RpcLog } from "viem";
import type { ChannelId } from "../protocol/typedData";
import { channelManagerAbi } from "./abis.generated";

/** The manager's events that change a channel, in the order a channel's life goes through them. */
const EVENT_NAMES = ["ChannelCreated", "ChannelToppedUp", "ChannelWithdrawn", "ChannelCloseRequested", "ChannelSettled"] as const;

/** Where a log was found: enough to apply it once and to undo it when its block is dropped. */
export type LogPosition = { blockNumber: bigint; blockHash: Hash; logIndex: number; txHash: Hash };

/** A ChannelManager event, decoded, for the channel it names. */
export type ChannelEvent = LogPosition & { channel: ChannelId } & (
    | { kind: "created"; deposit: bigint; delegate: Address | undefined }
    | { kind: "toppedUp"; added: bigint; deposit: bigint }
    | { kind: "withdrawn"; amount: bigint; withdrawn: bigint }
    | { kind: "closeRequested"; closingBalance: bigint; settleTime: bigint }
    | { kind: "settled"; balance: bigint; receiverAmount: bigint; senderAmount: bigint }
  );

/** topic0 of each event, for one `eth_getLogs` that asks for all of them at once. */
const eventTopics = EVENT_NAMES.map((eventName) => encodeEventTopics({ abi: channelManagerAbi, eventName })[0]);

/**
 * The channel events of `manager` for `receiver` in blocks `fromBlock..toBlock` (inclusive), in
 * chain order. One `eth_getLogs` call: the receiver is the events' second indexed topic, so the
 * node filters out every other receiver's channels. Keep the range within what the RPC allows
 * (public RPCs cap it; the watcher reads in bounded ranges).
 *
 * @example
 * const events = await getChannelEvents(client, { manager, receiver, fromBlock: 100n, toBlock: 2099n })
 */
export async function getChannelEvents(
  client: PublicClient,
  { manager, receiver, fromBlock, toBlock }: { manager: Address; receiver: Address; fromBlock: bigint; toBlock: bigint },
): Promise<ChannelEvent[]> {
  // A raw request: viem's getLogs filters by indexed arguments only for a single event.
  const logs = (await client.request({
    method: "eth_getLogs",
    params: [{ address: manager, fromBlock: numberToHex(fromBlock), toBlock: numberToHex(toBlock), topics: [eventTopics, null, pad(receiver)] }],
  })) as RpcLog[];
  return parseEventLogs({ abi: channelManagerAbi, logs: logs.map((log) => formatLog(log)), eventName: [...EVENT_NAMES], strict: true })
    .map(toChannelEvent)
    .sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
}

type DecodedLog = ReturnType<typeof parseEventLogs<typeof channelManagerAbi, true, (typeof EVENT_NAMES)[number][]>>[number];

function toChannelEvent(log: DecodedLog): ChannelEvent {
  const position: LogPosition = { blockNumber: log.blockNumber, blockHash: log.blockHash, logIndex: log.logIndex, txHash: log.transactionHash };
  const { sender, receiver, openBlock } = log.args;
  const base = { ...position, channel: { sender: getAddress(sender), receiver: getAddress(receiver), openBlock: BigInt(openBlock) } };
  switch (log.eventName) {
    case "ChannelCreated":
      return { ...base, kind: "created", deposit: log.args.deposit, delegate: log.args.delegate === zeroAddress ? undefined : getAddress(log.args.delegate) };
    case "ChannelToppedUp":
      return { ...base, kind: "toppedUp", added: log.args.addedDeposit, deposit: log.args.deposit };
    case "ChannelWithdrawn":
      return { ...base, kind: "withdrawn", amount: log.args.amount, withdrawn: log.args.withdrawn };
    case "ChannelCloseRequested":
      return { ...base, kind: "closeRequested", closingBalance: log.args.closingBalance, settleTime: BigInt(log.args.settleTime) };
    case "ChannelSettled":
      return { ...base, kind: "settled", balance: log.args.balance, receiverAmount: log.args.receiverAmount, senderAmount: log.args.senderAmount };
  }
}
