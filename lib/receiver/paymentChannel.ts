import "server-only";
import type { Channel, ChannelStatus } from "../db/Db";
import { queryRows, rowBoolean, rowDate, sqlStatement } from "../db/driver";
import type { ChannelId } from "../protocol/typedData";
import { channelKey } from "./channels";
import type { Receiver } from "./context";
import { boughtSql } from "./entitlements";
import { MAX_INT64 } from "./limits";

/** The fields of a channel row that the paid path decides on. */
export type ChannelState = Pick<
  Channel,
  "id" | "version" | "sender" | "receiver" | "openBlock" | "delegate" | "deposit" | "balance" | "balanceSignature" | "status" | "confirmed" | "closeIssuedAt"
>;

/**
 * A channel as a paid request reads it, with whether its sender already bought the article:
 * the entitlement rule's lookup (lib/receiver/entitlements.ts, `hasBought`: a purchase of the
 * article by the channel's sender, on any channel or payment path), answered by the same statement.
 */
export type PaymentChannel = ChannelState & { senderBought: boolean };

const SELECT = `SELECT c.id, c.version, c.sender, c.receiver, c."openBlock", c.delegate, c.deposit, c.balance,
  c."balanceSignature", c.status, c.confirmed, c."closeIssuedAt",
  ${boughtSql("c.sender", "?")} AS "senderBought"
FROM "Channel" c
WHERE c."chainId" = ? AND c.contract = ? AND c.sender = ? AND c.receiver = ? AND c."openBlock" = ?`;

/**
 * The channel `id` of this receiver and whether its sender bought the article `articleId`, in one
 * statement sent straight to the driver (lib/db/driver.ts): the read every paid request makes,
 * where Prisma's two lookups cost four times as much CPU. Null when there is no such row.
 */
export async function findPaymentChannel(receiver: Receiver, id: ChannelId, articleId: number): Promise<PaymentChannel | null> {
  if (id.openBlock > MAX_INT64) return null;
  const { db } = receiver;
  const key = channelKey(receiver, id);
  const [row] = await queryRows(
    await db.driver(),
    sqlStatement(db.provider, SELECT, [articleId, key.chainId, key.contract, key.sender, key.receiver, key.openBlock]),
  );
  if (!row) return null;
  return {
    id: Number(row.id),
    version: Number(row.version),
    sender: row.sender as string,
    receiver: row.receiver as string,
    openBlock: BigInt(row.openBlock as string),
    delegate: row.delegate as string | null,
    deposit: row.deposit as string,
    balance: row.balance as string,
    balanceSignature: row.balanceSignature as string | null,
    status: row.status as ChannelStatus,
    confirmed: rowBoolean(row.confirmed),
    closeIssuedAt: rowDate(row.closeIssuedAt),
    senderBought: rowBoolean(row.senderBought),
  };
}
