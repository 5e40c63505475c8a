import "server-only";
import { getAddress, type Address } from "viem";
import type { Channel } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { ChannelNotFoundError, InsufficientConfirmationsError, ServiceUnavailableError } from "../protocol/errors";
import type { ChannelId } from "../protocol/typedData";
import { MAX_INT64 } from "./limits";
import type { Receiver } from "./context";
import { isCurrent, readCursor } from "./watcher/cursor";

/** The unique key of a channel row: the protocol's identity, scoped to this deployment. */
export function channelKey(receiver: Receiver, id: ChannelId) {
  return {
    chainId: receiver.config.chainId,
    contract: toDbAddress(receiver.config.channelManager),
    sender: toDbAddress(id.sender),
    receiver: toDbAddress(id.receiver),
    openBlock: id.openBlock,
  };
}

export function findChannel(receiver: Receiver, id: ChannelId): Promise<Channel | null> {
  if (id.openBlock > MAX_INT64) return Promise.resolve(null);
  return receiver.db.channel.findUnique({
    where: { chainId_contract_sender_receiver_openBlock: channelKey(receiver, id) },
  });
}

export const channelId = (row: Pick<Channel, "sender" | "receiver" | "openBlock">): ChannelId => ({
  sender: getAddress(row.sender),
  receiver: getAddress(row.receiver),
  openBlock: row.openBlock,
});

export const channelDelegate = (row: Pick<Channel, "delegate">): Address | null => (row.delegate ? getAddress(row.delegate) : null);

/**
 * How far past the newest block the watcher saw a channel's open block may be and still be a
 * block the chain made since. Generous on purpose: telling a reader who just opened a channel
 * that it does not exist would make its client open another (a deposit and gas wasted), while
 * telling a made-up open block to wait costs nothing. At a block every 0.25 s, 100,000 blocks
 * are seven hours.
 */
const FUTURE_BLOCKS = 100_000n;

/**
 * The receiver's row for a channel, as the chain watcher recorded it: the gate never asks the
 * chain on a request's behalf, so a flood of payments for channels that do not exist costs a
 * database read each, not an RPC call. Throws {@link ChannelNotFoundError} when there is no such
 * channel of ours, {@link InsufficientConfirmationsError} while its opening is too recent to rely
 * on, or is in a block the watcher has not reached yet (so a client that just opened it waits
 * and sends the same proof again, rather than opening another), and
 * {@link ServiceUnavailableError} when the watcher is not current, so nobody can tell. `find`
 * reads the row ({@link findChannel}, or the paid path's own read, lib/receiver/paymentChannel.ts).
 */
export async function loadChannel<Row extends Pick<Channel, "confirmed">>(
  receiver: Receiver,
  id: ChannelId,
  find: (receiver: Receiver, id: ChannelId) => Promise<Row | null>,
): Promise<Row> {
  if (toDbAddress(id.receiver) !== toDbAddress(receiver.config.receiver.address) || id.openBlock > MAX_INT64) {
    throw new ChannelNotFoundError({ channel: id, at: "gate" });
  }
  // A confirmed channel needs nothing else: one query on the paid path.
  const seen = await find(receiver, id);
  if (seen?.confirmed) return seen;
  // Otherwise the cursor before the channel again: a channel the watcher records in between is
  // then found, never denied on the strength of an older cursor.
  const cursor = await readCursor(receiver);
  const known = await find(receiver, id);
  if (known?.confirmed) return known;
  // Without a current watcher the receiver cannot tell a new channel from none at all.
  if (!cursor || !isCurrent(receiver, cursor)) {
    throw new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: Math.ceil(receiver.config.watcher.pollMs / 1000) + 1 });
  }
  const confirmations = cursor.head >= id.openBlock ? Number(cursor.head - id.openBlock) + 1 : 0;
  // No such channel: not in a block the watcher read, or opened in a block too far past the
  // newest one it saw to exist yet, or recorded once and deep enough by now yet unconfirmed (a
  // reorg dropped its creation).
  if (
    (!known && (id.openBlock <= cursor.blockNumber || id.openBlock > cursor.head + FUTURE_BLOCKS)) ||
    (known && confirmations >= receiver.config.confirmations && id.openBlock <= cursor.blockNumber)
  ) {
    throw new ChannelNotFoundError({ channel: id, at: "gate" });
  }
  throw new InsufficientConfirmationsError({
    channel: id,
    confirmations: Math.min(confirmations, receiver.config.confirmations - 1),
    required: receiver.config.confirmations,
  });
}
