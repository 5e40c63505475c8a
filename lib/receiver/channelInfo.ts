import "server-only";
import type { Address } from "viem";
import { fromDbAmount } from "../db/amount";
import type { Channel } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { ChannelNotFoundError, isTollgateError } from "../protocol/errors";
import { channelDelegate, channelId, loadChannel } from "./channels";
import type { Receiver } from "./context";

/** What the receiver knows of a channel, as the channel API answers it (amounts as strings). */
export function describeChannel(row: Channel & { purchases?: { article: { slug: string } }[] }) {
  const { sender, receiver, openBlock } = channelId(row);
  return {
    sender,
    receiver,
    openBlock: openBlock.toString(),
    delegate: channelDelegate(row),
    deposit: fromDbAmount(row.deposit).toString(),
    balance: fromDbAmount(row.balance).toString(),
    withdrawn: fromDbAmount(row.withdrawn).toString(),
    status: row.status,
    balanceSignature: row.balanceSignature,
    ...(row.purchases ? { articles: row.purchases.map((p) => p.article.slug) } : {}),
  };
}

const withPurchases = { purchases: { select: { article: { select: { slug: true } } }, orderBy: { id: "asc" as const } } };

/** Every channel this receiver knows from `sender`, newest first. */
export async function listChannels(receiver: Receiver, sender: Address) {
  const rows = await receiver.db.channel.findMany({
    where: {
      chainId: receiver.config.chainId,
      contract: toDbAddress(receiver.config.channelManager),
      sender: toDbAddress(sender),
      receiver: toDbAddress(receiver.config.receiver.address),
    },
    orderBy: { openBlock: "desc" },
    include: withPurchases,
  });
  return rows.map(describeChannel);
}

/**
 * One channel, from the receiver's records or, on first sight, from the chain (so a client that
 * lost its state can recover a channel it opened but never used). 404 when there is none.
 */
export async function getChannel(receiver: Receiver, sender: Address, openBlock: bigint) {
  const id = { sender, receiver: receiver.config.receiver.address, openBlock };
  try {
    const row = await loadChannel(receiver, id);
    const full = await receiver.db.channel.findUniqueOrThrow({ where: { id: row.id }, include: withPurchases });
    return describeChannel(full);
  } catch (error) {
    if (isTollgateError(error) && error instanceof ChannelNotFoundError) throw new ChannelNotFoundError({ channel: id, at: "api" });
    throw error;
  }
}
