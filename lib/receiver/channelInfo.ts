import "server-only";
import type { Address } from "viem";
import { fromDbAmount } from "../db/amount";
import type { Channel } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { ChannelNotFoundError } from "../protocol/errors";
import { channelDelegate, channelId, channelKey } from "./channels";
import { MAX_INT64 } from "./limits";
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
    // The receiver's view: closing from the moment it signed a closing commitment, before the
    // chain knows anything of it.
    status: row.status === "open" && row.closeIssuedAt ? ("closing" as const) : row.status,
    confirmed: row.confirmed,
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
 * One channel, as the receiver's watcher recorded it (so a client that lost its state can
 * recover a channel it opened but never used). 404 when there is none.
 */
export async function getChannel(receiver: Receiver, sender: Address, openBlock: bigint) {
  const id = { sender, receiver: receiver.config.receiver.address, openBlock };
  const row = openBlock > MAX_INT64 ? null : await receiver.db.channel.findUnique({
    where: { chainId_contract_sender_receiver_openBlock: channelKey(receiver, id) },
    include: withPurchases,
  });
  if (!row) throw new ChannelNotFoundError({ channel: id, at: "api" });
  return describeChannel(row);
}
