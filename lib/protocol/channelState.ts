import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import { RdnHeader, type HeadersLike } from "./headers";
import { addressCodec, decodeFields, encodeFields, signatureCodec, uint128Codec, uint64Codec, type FieldIssue } from "./wire";

/**
 * The server's stored state of a reader's channel: the balance of the last proof it accepted,
 * and that proof. A 402 carries it whenever the client's proof was refused for a reason the
 * client can fix by re-signing (µRaiden's recovery headers), so the client can check the proof
 * and sign `balance + price` on top of it instead of guessing.
 */
export type ChannelState = {
  sender: Address;
  openBlock: bigint;
  /** Balance of the last accepted proof; 0 before the first payment. */
  balance: bigint;
  /** The proof of `balance`; absent while the balance is 0 (nothing was signed yet). */
  balanceSignature?: Hex | undefined;
};

/** The state's headers, by field. The signature is optional, the rest all-or-none. */
const names = {
  sender: RdnHeader.senderAddress,
  openBlock: RdnHeader.openBlock,
  balance: RdnHeader.senderBalance,
  balanceSignature: RdnHeader.balanceSignature,
} as const;

/** The wire form of a channel state; the same members in headers and in JSON. */
export const channelStateSchema = z.object({
  sender: addressCodec,
  openBlock: uint64Codec,
  balance: uint128Codec,
  balanceSignature: z.optional(signatureCodec),
});

/**
 * Headers that tell a client the server's stored state of its channel.
 *
 * @example
 * encodeChannelStateHeaders({ sender, openBlock: 7n, balance: 30n, balanceSignature })
 * // { "RDN-Sender-Address": "0x…", "RDN-Open-Block": "7", "RDN-Sender-Balance": "30",
 * //   "RDN-Balance-Signature": "0x…" }
 */
export function encodeChannelStateHeaders(state: ChannelState): Record<string, string> {
  const wire = encodeChannelStateJson(state);
  const headers: Record<string, string> = {};
  for (const field of Object.keys(names) as (keyof typeof names)[]) {
    const value = wire[field];
    if (value !== undefined) headers[names[field]] = value;
  }
  return headers;
}

/** The JSON member a problem body carries for a channel state (decimal strings for numbers). */
export function encodeChannelStateJson(state: ChannelState): Record<string, string> {
  const { sender, openBlock, balance, balanceSignature } = state;
  const wire = encodeFields(channelStateSchema, { sender, openBlock, balance, balanceSignature });
  const json: Record<string, string> = { sender: wire.sender, openBlock: wire.openBlock, balance: wire.balance };
  if (wire.balanceSignature !== undefined) json.balanceSignature = wire.balanceSignature;
  return json;
}

/**
 * Reads a channel state from a response's headers: `undefined` when none of its headers is
 * present, a field issue (naming the header) when some are missing or malformed.
 */
export function decodeChannelStateHeaders(
  headers: HeadersLike,
): { ok: true; value: ChannelState | undefined } | { ok: false; issue: FieldIssue<string> } {
  const raw: Record<string, string> = {};
  for (const field of Object.keys(names) as (keyof typeof names)[]) {
    const value = headers.get(names[field]);
    if (value !== null) raw[field] = value;
  }
  if (Object.keys(raw).length === 0) return { ok: true, value: undefined };
  for (const field of ["sender", "openBlock", "balance"] as const) {
    if (raw[field] === undefined) {
      return { ok: false, issue: { field: names[field], reason: "is missing: a channel state needs sender, open block and balance" } };
    }
  }
  const decoded = decodeFields(channelStateSchema, raw);
  if (!decoded.ok) {
    const field = decoded.issue.field as keyof typeof names;
    return { ok: false, issue: { field: names[field] ?? decoded.issue.field, reason: decoded.issue.reason } };
  }
  return { ok: true, value: decoded.value };
}
