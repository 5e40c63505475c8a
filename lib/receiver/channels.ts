import "server-only";
import { getAddress, type Address } from "viem";
import { readChannel } from "../chain/readChannel";
import { fromDbAmount, toDbAmount } from "../db/amount";
import type { Channel } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { isUniqueViolation } from "../db/isUniqueViolation";
import { ChannelNotFoundError, InsufficientConfirmationsError } from "../protocol/errors";
import type { ChannelId } from "../protocol/typedData";
import { MAX_INT64 } from "./limits";
import type { Receiver } from "./context";

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

export const channelId = (row: Channel): ChannelId => ({
  sender: getAddress(row.sender),
  receiver: getAddress(row.receiver),
  openBlock: row.openBlock,
});

export const channelDelegate = (row: Channel): Address | null => (row.delegate ? getAddress(row.delegate) : null);

/**
 * The receiver's row for a channel, read from the chain and stored on first sight. Throws
 * {@link ChannelNotFoundError} when the contract has no such channel (or it is not ours), and
 * {@link InsufficientConfirmationsError} while its opening is too recent to rely on.
 */
export async function loadChannel(receiver: Receiver, id: ChannelId): Promise<Channel> {
  const known = await findChannel(receiver, id);
  if (known) return known;
  if (toDbAddress(id.receiver) !== toDbAddress(receiver.config.receiver.address) || id.openBlock > MAX_INT64) {
    throw new ChannelNotFoundError({ channel: id, at: "gate" });
  }
  const { chain, config } = receiver;
  const read = await readChannel(chain, config.channelManager, id, config.confirmations);
  if (!read.found && read.reason === "unconfirmed") {
    throw new InsufficientConfirmationsError({ channel: id, confirmations: read.confirmations, required: config.confirmations });
  }
  if (!read.found) throw new ChannelNotFoundError({ channel: id, at: "gate" });
  const { deposit, withdrawn, settleTime, delegate } = read.channel;
  try {
    return await receiver.db.channel.create({
      data: {
        ...channelKey(receiver, id),
        delegate: delegate ? toDbAddress(delegate) : null,
        deposit: toDbAmount(deposit),
        withdrawn: toDbAmount(withdrawn),
        status: settleTime === 0n ? "open" : "closing",
        settleAfter: settleTime === 0n ? null : settleTime,
        confirmed: true,
        confirmedBlock: id.openBlock + BigInt(config.confirmations - 1),
      },
    });
  } catch (error) {
    // Another request stored it first: theirs is as good as ours.
    if (isUniqueViolation(error)) return (await findChannel(receiver, id))!;
    throw error;
  }
}

/**
 * Re-reads the deposit from the chain (a top-up the receiver has not seen yet) and stores it
 * when it grew. Returns the deposit to rely on.
 */
export async function refreshDeposit(receiver: Receiver, row: Channel): Promise<bigint> {
  const known = fromDbAmount(row.deposit);
  const read = await readChannel(receiver.chain, receiver.config.channelManager, channelId(row), receiver.config.confirmations);
  if (!read.found || read.channel.deposit <= known) return known;
  // Deposits only grow, so a plain conditional update cannot lose a concurrent one.
  await receiver.db.channel.updateMany({
    where: { id: row.id, deposit: { lt: toDbAmount(read.channel.deposit) } },
    data: { deposit: toDbAmount(read.channel.deposit) },
  });
  return read.channel.deposit;
}
