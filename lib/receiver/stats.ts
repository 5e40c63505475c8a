import "server-only";
import { fromDbAmount } from "../db/amount";
import { toDbAddress } from "../db/hex";
import type { Receiver } from "./context";

/** The publisher's figures: what readers paid, what was withdrawn, channels by status. */
export async function receiverStats(receiver: Receiver) {
  const { config, db } = receiver;
  const channels = await db.channel.findMany({
    where: { chainId: config.chainId, contract: toDbAddress(config.channelManager), receiver: toDbAddress(config.receiver.address) },
    select: { balance: true, withdrawn: true, status: true, _count: { select: { purchases: true } } },
  });
  const sum = (pick: (c: (typeof channels)[number]) => string) => channels.reduce((total, c) => total + fromDbAmount(pick(c)), 0n);
  const count = (status: string) => channels.filter((c) => c.status === status).length;
  return {
    earned: sum((c) => c.balance).toString(),
    withdrawn: sum((c) => c.withdrawn).toString(),
    purchases: channels.reduce((n, c) => n + c._count.purchases, 0),
    channels: { open: count("open"), closing: count("closing"), settled: count("settled") },
  };
}
