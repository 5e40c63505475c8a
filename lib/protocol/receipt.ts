import * as z from "zod/mini";
import { decodeChannelStateHeaders, encodeChannelStateHeaders, type ChannelState } from "./channelState";
import { MalformedPaymentResponseError } from "./errors";
import { RdnHeader, type HeadersLike } from "./headers";
import { decodeFields, encodeFields, uint128Codec } from "./wire";

/**
 * What a 200 for a priced article tells the client about its payment (µRaiden sent the same
 * headers on success): what this request cost, and the channel's stored state after it.
 * `cost` is 0 when the article was already paid for, or when this was a retry of a proof the
 * server had already accepted for this article: a client can tell "charged" from "not charged".
 */
export type Receipt = {
  cost: bigint;
  stored: ChannelState;
};

/**
 * Headers for a paid (or already-unlocked) article's 200, including `Cache-Control: no-store`.
 *
 * @example
 * encodeReceiptHeaders({ cost: 10n, stored: { sender, openBlock: 7n, balance: 40n } })
 * // { "RDN-Cost": "10", "RDN-Sender-Address": "0x…", "RDN-Open-Block": "7", "RDN-Sender-Balance": "40",
 * //   "Cache-Control": "no-store" }
 */
export function encodeReceiptHeaders(receipt: Receipt): Record<string, string> {
  return {
    [RdnHeader.cost]: encodeFields(uint128Codec, receipt.cost),
    ...encodeChannelStateHeaders(receipt.stored),
    // The response is a paid article for one reader: a shared cache must never serve it to others.
    "Cache-Control": "no-store",
  };
}

/**
 * Reads a 200's receipt: `undefined` for a free article (no `RDN-Cost`).
 *
 * @throws {MalformedPaymentResponseError} when the receipt's headers are partial or malformed.
 * @example
 * const receipt = decodeReceiptHeaders(response.headers)
 * if (receipt) wallet.adopt(receipt.stored.balance)
 */
export function decodeReceiptHeaders(headers: HeadersLike): Receipt | undefined {
  const cost = headers.get(RdnHeader.cost);
  if (cost === null) return undefined;
  const decoded = decodeFields(z.object({ cost: uint128Codec }), { cost });
  if (!decoded.ok) throw new MalformedPaymentResponseError({ field: `${RdnHeader.cost} header`, reason: decoded.issue.reason, value: cost });
  const stored = decodeChannelStateHeaders(headers);
  if (!stored.ok) {
    throw new MalformedPaymentResponseError({
      field: `${stored.issue.field} header`,
      reason: stored.issue.reason,
      value: headers.get(stored.issue.field) ?? undefined,
    });
  }
  if (!stored.value) {
    throw new MalformedPaymentResponseError({ field: `${RdnHeader.senderAddress} header`, reason: "is missing: a receipt names the channel it charged" });
  }
  return { cost: decoded.value.cost, stored: stored.value };
}
