import "server-only";
import { getAddress } from "viem";
import { z } from "zod";
import { fromDbAmount } from "../../db/amount";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

export const CHANNEL_SORTS = ["opened", "lastPayment", "deposit", "received", "withdrawn", "state"] as const;
export const CHANNEL_STATES = ["open", "closing", "settled"] as const;
export const CHANNELS_PER_PAGE = 25;

/** The table's query string: bad values fall back to the defaults (a hand-edited URL is no error). */
export const channelQuery = z.object({
  state: z.enum(CHANNEL_STATES).optional().catch(undefined),
  sort: z.enum(CHANNEL_SORTS).catch("opened"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});
export type ChannelQuery = z.infer<typeof channelQuery>;

const orderColumn = {
  opened: "openBlock",
  lastPayment: "lastPaidAt",
  // Amounts are fixed-width decimal strings: their text order is their numeric order (lib/db/amount.ts).
  deposit: "deposit",
  received: "balance",
  withdrawn: "withdrawn",
  state: "status",
} as const satisfies Record<(typeof CHANNEL_SORTS)[number], string>;

/**
 * One page of the receiver's channels, sorted and filtered in the database (an index on status;
 * thousands of rows never leave it), with each closing channel's challenge deadline and its
 * disputes, and each channel's latest withdrawal.
 */
export async function listChannels(receiver: Receiver, query: ChannelQuery) {
  const { db, config } = receiver;
  const where = {
    chainId: config.chainId,
    contract: toDbAddress(config.channelManager),
    receiver: toDbAddress(config.receiver.address),
    ...(query.state ? { status: query.state } : {}),
  };
  const [total, rows] = await Promise.all([
    db.channel.count({ where }),
    db.channel.findMany({
      where,
      orderBy: [
        // Never-paid channels last either way (only lastPaidAt can be null).
        { [orderColumn[query.sort]]: query.sort === "lastPayment" ? { sort: query.dir, nulls: "last" } : query.dir },
        { id: query.dir },
      ],
      skip: (query.page - 1) * CHANNELS_PER_PAGE,
      take: CHANNELS_PER_PAGE,
      include: {
        transactions: { orderBy: { id: "desc" }, select: { id: true, kind: true, status: true, hash: true, error: true, createdAt: true } },
        _count: { select: { purchases: true } },
      },
    }),
  ]);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / CHANNELS_PER_PAGE)),
    rows: rows.map((row) => {
      const disputes = row.transactions.filter((t) => t.kind === "dispute");
      return {
        id: row.id,
        sender: getAddress(row.sender),
        openBlock: row.openBlock,
        deposit: fromDbAmount(row.deposit),
        received: fromDbAmount(row.balance),
        withdrawn: fromDbAmount(row.withdrawn),
        state: row.status,
        confirmed: row.confirmed,
        openedAt: row.createdAt,
        lastPaidAt: row.lastPaidAt,
        purchases: row._count.purchases,
        settleAfter: row.settleAfter,
        closingBalance: row.closingBalance === null ? null : fromDbAmount(row.closingBalance),
        dispute: disputes[0] ?? null,
        withdrawal: row.transactions.find((t) => t.kind === "withdraw") ?? null,
      };
    }),
  };
}

/** The receiver's transactions by id, for the page's progress poll. */
export async function transactionProgress(receiver: Receiver, ids: number[]) {
  const rows = await receiver.db.receiverTransaction.findMany({
    where: { id: { in: ids }, chainId: receiver.config.chainId, sender: toDbAddress(receiver.config.receiver.address) },
    select: { id: true, kind: true, status: true, hash: true, error: true, channelId: true, blockNumber: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ ...r, blockNumber: r.blockNumber?.toString() ?? null }));
}
