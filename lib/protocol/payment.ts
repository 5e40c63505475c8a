import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import { parseCookieHeader, serializeCookie, type CookieAttributes } from "./cookies";
import { MalformedPaymentError } from "./errors";
import { RdnCookie, RdnHeader, type HeadersLike } from "./headers";
import { addressCodec, decodeFields, encodeFields, signatureCodec, uint128Codec, uint64Codec } from "./wire";

/**
 * What a client sends to pay for (or to prove it already paid for) an article: a balance proof,
 * i.e. the channel's key, the cumulative balance, and the sender's (or delegate's) EIP-712
 * signature over them (`balanceProofTypedData` in `typedData.ts`).
 *
 * Programs send it as five `RDN-*` headers; browsers as five cookies of the same names. All five
 * travel together or not at all.
 */
export type Payment = {
  sender: Address;
  receiver: Address;
  openBlock: bigint;
  /** Cumulative: everything the channel has paid the receiver so far, this article included. */
  balance: bigint;
  balanceSignature: Hex;
};

/** The wire form of a payment: each field's codec. */
export const paymentSchema = z.object({
  sender: addressCodec,
  receiver: addressCodec,
  openBlock: uint64Codec,
  balance: uint128Codec,
  balanceSignature: signatureCodec,
});

type Field = keyof Payment;
const fields = ["sender", "receiver", "openBlock", "balance", "balanceSignature"] as const satisfies readonly Field[];

const headerNames = {
  sender: RdnHeader.senderAddress,
  receiver: RdnHeader.receiverAddress,
  openBlock: RdnHeader.openBlock,
  balance: RdnHeader.balance,
  balanceSignature: RdnHeader.balanceSignature,
} as const satisfies Record<Field, string>;

const cookieNames = {
  sender: RdnCookie.senderAddress,
  receiver: RdnCookie.receiverAddress,
  openBlock: RdnCookie.openBlock,
  balance: RdnCookie.balance,
  balanceSignature: RdnCookie.balanceSignature,
} as const satisfies Record<Field, string>;

/** What {@link decodePayment} found: no payment at all, or a well-formed one and where. */
export type DecodedPayment =
  | { type: "none" }
  | { type: "payment"; payment: Payment; source: "headers" | "cookies" };

/** The canonical wire strings of a payment, by field. */
function toWire(payment: Payment): Record<Field, string> {
  const { sender, receiver, openBlock, balance, balanceSignature } = payment;
  return encodeFields(paymentSchema, { sender, receiver, openBlock, balance, balanceSignature });
}

/**
 * The request headers with which a program pays.
 *
 * @example
 * await fetch(url, { headers: encodePaymentHeaders(payment) })
 * // RDN-Sender-Address, RDN-Receiver-Address, RDN-Open-Block, RDN-Balance, RDN-Balance-Signature
 */
export function encodePaymentHeaders(payment: Payment): Record<string, string> {
  const wire = toWire(payment);
  return Object.fromEntries(fields.map((field) => [headerNames[field], wire[field]]));
}

/**
 * The cookies with which a browser pays: one string per cookie, each ready for `Set-Cookie` or
 * for assigning to `document.cookie`. Set all five at once (and clear them with
 * {@link clearPaymentCookies}), since the server refuses a partial set.
 *
 * @example
 * for (const cookie of encodePaymentCookies(payment, { maxAgeSeconds: 30 * 86400 })) document.cookie = cookie
 */
export function encodePaymentCookies(payment: Payment, attributes?: CookieAttributes): string[] {
  const wire = toWire(payment);
  return fields.map((field) => serializeCookie(cookieNames[field], wire[field], attributes));
}

/**
 * Cookie strings that delete the payment cookies (same path, `Max-Age=0`).
 *
 * @example
 * for (const cookie of clearPaymentCookies()) document.cookie = cookie
 */
export function clearPaymentCookies(attributes?: Omit<CookieAttributes, "maxAgeSeconds">): string[] {
  return fields.map((field) => serializeCookie(cookieNames[field], "", { ...attributes, maxAgeSeconds: 0 }));
}

/**
 * Reads the payment of a request: from its `RDN-*` headers if any is present, else from its
 * `Cookie` header. Never both mixed: a program that sends headers means exactly those, and a
 * stale cookie must not fill a field it left out.
 *
 * @returns `{ type: "none" }` when neither carries any payment field, else the decoded payment.
 * @throws {MalformedPaymentError} (400) when a field is missing from an otherwise present set,
 *   or malformed. Never any other error.
 *
 * @example
 * const found = decodePayment(request.headers)
 * if (found.type === "none") throw new PaymentRequiredError({ price })
 * await accept(found.payment)
 */
export function decodePayment(headers: HeadersLike): DecodedPayment {
  const fromHeaders = readFields((name) => headers.get(name), headerNames);
  if (fromHeaders) return decodeFrom(fromHeaders, "headers");
  return decodePaymentCookies(headers.get("cookie"));
}

/**
 * Reads the payment cookies out of a `Cookie` header or `document.cookie`.
 *
 * @throws {MalformedPaymentError} as {@link decodePayment}.
 * @example
 * const found = decodePaymentCookies(document.cookie)
 */
export function decodePaymentCookies(cookieHeader: string | null | undefined): DecodedPayment {
  const cookies = parseCookieHeader(cookieHeader);
  const fromCookies = readFields((name) => cookies.get(name) ?? null, cookieNames);
  return fromCookies ? decodeFrom(fromCookies, "cookies") : { type: "none" };
}

type Raw = { values: Partial<Record<Field, string>>; names: Record<Field, string> };

/** The present fields' raw strings, or `undefined` when none is present. */
function readFields(read: (name: string) => string | null, names: Record<Field, string>): Raw | undefined {
  const values: Partial<Record<Field, string>> = {};
  for (const field of fields) {
    const value = read(names[field]);
    // An empty cookie is what clearing leaves behind in some browsers until reload: treat as absent.
    if (value !== null && value !== "") values[field] = value;
  }
  return Object.keys(values).length === 0 ? undefined : { values, names };
}

function decodeFrom(raw: Raw, source: "headers" | "cookies"): DecodedPayment {
  const kind = source === "headers" ? "header" : "cookie";
  const missing = fields.find((field) => raw.values[field] === undefined);
  if (missing) {
    throw new MalformedPaymentError({
      field: `${raw.names[missing]} ${kind}`,
      reason: `is missing: send all of ${fields.map((field) => raw.names[field]).join(", ")} together`,
    });
  }
  const decoded = decodeFields(paymentSchema, raw.values);
  if (!decoded.ok) {
    const field = decoded.issue.field as Field;
    throw new MalformedPaymentError({
      field: `${raw.names[field]} ${kind}`,
      reason: decoded.issue.reason,
      value: raw.values[field],
    });
  }
  return { type: "payment", payment: decoded.value, source };
}
