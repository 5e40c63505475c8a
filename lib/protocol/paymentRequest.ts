import * as z from "zod/mini";
import type { Address } from "viem";
import { channelStateSchema, decodeChannelStateHeaders, type ChannelState } from "./channelState";
import {
  MalformedPaymentResponseError,
  PaymentRequiredError,
  toProblem,
  type ProblemDetails,
  type TollgateError,
} from "./errors";
import { RdnHeader, type HeadersLike, type RdnErrorHeaderName } from "./headers";
import { addressCodec, chainIdCodec, chainIdNumber, decodeFields, encodeFields, gatewayPathCodec, uint128Codec } from "./wire";

/**
 * What an article costs and whom to pay: everything a client needs, besides its own channel, to
 * open a channel and sign a balance proof (`balanceProofTypedData({ chainId, verifyingContract:
 * contract }, { sender, receiver, openBlock }, balance)`).
 */
export type PaymentTerms = {
  /** Token base units a proof must raise the balance by. */
  price: bigint;
  receiver: Address;
  /** The channel manager: the EIP-712 domain's `verifyingContract`. */
  contract: Address;
  token: Address;
  chainId: number;
  /** Path root of the channel API on the same origin, e.g. `/api`. */
  gatewayPath: string;
};

/**
 * Why a 402 refused: µRaiden's four error headers, or `payment-required` when it carries none
 * (no proof was sent). Several errors share a header — a stale proof, a wrong signature and an
 * overdrawn deposit all say `invalid-balance-proof` — and the problem body's `type` tells them
 * apart; the remedy is the same first step: resync from `stored`, then re-sign.
 */
export const paymentRequestReasons = [
  "payment-required",
  "insufficient-confirmations",
  "nonexisting-channel",
  "invalid-balance-proof",
  "invalid-amount",
] as const;

export type PaymentRequestReason = (typeof paymentRequestReasons)[number];

/** Everything a 402 tells a client, whether read from its headers or from its JSON body. */
export type PaymentRequest = {
  reason: PaymentRequestReason;
  terms: PaymentTerms;
  /** The server's stored state of the client's channel, when the client must re-sign on it. */
  stored?: ChannelState | undefined;
};

/** A 402's problem body: the error's problem details plus the same facts as the headers. */
export type PaymentRequestBody = ProblemDetails & { status: 402; reason: PaymentRequestReason };

const reasons = {
  [RdnHeader.insufficientConfirmations]: "insufficient-confirmations",
  [RdnHeader.nonexistingChannel]: "nonexisting-channel",
  [RdnHeader.invalidBalanceProof]: "invalid-balance-proof",
  [RdnHeader.invalidAmount]: "invalid-amount",
} as const satisfies Record<RdnErrorHeaderName, PaymentRequestReason>;

const errorHeaders = Object.keys(reasons) as RdnErrorHeaderName[];

/** Header name of each term. */
const termHeaders = {
  price: RdnHeader.price,
  receiver: RdnHeader.receiverAddress,
  contract: RdnHeader.contractAddress,
  token: RdnHeader.tokenAddress,
  chainId: RdnHeader.chainId,
  gatewayPath: RdnHeader.gatewayPath,
} as const satisfies Record<keyof PaymentTerms, string>;

const termFields = Object.keys(termHeaders) as (keyof PaymentTerms)[];

/** Terms as headers carry them: every value a string. */
const termsHeaderSchema = z.object({
  price: uint128Codec,
  receiver: addressCodec,
  contract: addressCodec,
  token: addressCodec,
  chainId: chainIdCodec,
  gatewayPath: gatewayPathCodec,
});

/** Terms as the JSON body carries them: the same, except that the chain id is a number. */
const termsJsonSchema = z.extend(termsHeaderSchema, { chainId: chainIdNumber });

/** The members of a 402 body that {@link decodePaymentRequestBody} reads; others are ignored. */
const bodySchema = z.extend(termsJsonSchema, {
  status: z.literal(402, { error: "must be 402" }),
  reason: z.enum(paymentRequestReasons, { error: `must be one of ${paymentRequestReasons.join(", ")}` }),
  stored: z.optional(channelStateSchema),
});

/**
 * Builds a 402's headers (with `Cache-Control: no-store`) and its JSON body from the same terms
 * and error, so they cannot say different things. Browsers get the headers with the paywall
 * page; programs get the headers with the body (`toProblemResponse` does that part).
 *
 * @param error Why the payment was refused; defaults to {@link PaymentRequiredError} (no proof
 *   was sent). Must be a 402: anything else is a bug in the caller and throws a TypeError.
 *
 * @example
 * // proxy.ts, answering a browser with the paywall page
 * const { status, headers } = encodePaymentRequest(terms, error)
 * return new Response(paywallHtml, { status, headers: { ...headers, "Content-Type": "text/html" } })
 */
export function encodePaymentRequest(
  terms: PaymentTerms,
  error: TollgateError = new PaymentRequiredError({ price: terms.price }),
): { status: 402; headers: Record<string, string>; body: PaymentRequestBody } {
  if (error.status !== 402) throw new TypeError(`encodePaymentRequest needs a 402 error, got ${error.name} (${error.status})`);
  const wire = encodeFields(termsHeaderSchema, pickTerms(terms));
  const termsHeaders = Object.fromEntries(termFields.map((field) => [termHeaders[field], wire[field]]));
  const reason: PaymentRequestReason = error.rdnHeader ? reasons[error.rdnHeader] : "payment-required";
  return {
    status: 402,
    // A 402 names one reader's channel and balance: no shared cache may replay it to another.
    headers: { ...termsHeaders, ...error.headers, "Cache-Control": "no-store" },
    // The terms come last so the body's price is the headers' price even if an error's own
    // `price` extension disagreed.
    body: { ...toProblem(error), status: 402, reason, ...encodeFields(termsJsonSchema, pickTerms(terms)) },
  };
}

/**
 * Reads a 402 response's headers (the client side of {@link encodePaymentRequest}).
 *
 * @throws {MalformedPaymentResponseError} when a term is missing or malformed, the channel state
 *   is partial or malformed, or more than one RDN error header is present.
 * @example
 * const response = await fetch(url, { headers: encodePaymentHeaders(payment) })
 * if (response.status === 402) {
 *   const { reason, terms, stored } = decodePaymentRequest(response.headers)
 * }
 */
export function decodePaymentRequest(headers: HeadersLike): PaymentRequest {
  const raw: Partial<Record<keyof PaymentTerms, string>> = {};
  for (const field of termFields) {
    const value = headers.get(termHeaders[field]);
    if (value === null) throw new MalformedPaymentResponseError({ field: `${termHeaders[field]} header`, reason: "is missing" });
    raw[field] = value;
  }
  const terms = decodeFields(termsHeaderSchema, raw);
  if (!terms.ok) {
    const field = terms.issue.field as keyof PaymentTerms;
    throw new MalformedPaymentResponseError({ field: `${termHeaders[field]} header`, reason: terms.issue.reason, value: raw[field] });
  }

  const present = errorHeaders.filter((name) => headers.get(name) !== null);
  if (present.length > 1) {
    throw new MalformedPaymentResponseError({ field: "RDN error headers", reason: `name several reasons at once (${present.join(", ")})` });
  }
  const reason = present[0] ? reasons[present[0]] : "payment-required";

  const stored = decodeChannelStateHeaders(headers);
  if (!stored.ok) {
    throw new MalformedPaymentResponseError({
      field: `${stored.issue.field} header`,
      reason: stored.issue.reason,
      value: headers.get(stored.issue.field) ?? undefined,
    });
  }
  return { reason, terms: terms.value, ...(stored.value ? { stored: stored.value } : {}) };
}

/**
 * Reads a 402's JSON body (`application/problem+json`): the same {@link PaymentRequest} that
 * its headers give. Unknown members are ignored, as RFC 9457 asks of consumers.
 *
 * @throws {MalformedPaymentResponseError} when a member it needs is missing or malformed.
 * @example
 * const request = decodePaymentRequestBody(await response.json())
 */
export function decodePaymentRequestBody(body: unknown): PaymentRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new MalformedPaymentResponseError({ field: "body", reason: "is not a JSON object" });
  }
  const decoded = decodeFields(bodySchema, body);
  if (!decoded.ok) {
    const value = memberAt(body, decoded.issue.field);
    throw new MalformedPaymentResponseError({
      field: `"${decoded.issue.field}" member`,
      reason: decoded.issue.reason,
      value: typeof value === "string" ? value : undefined,
    });
  }
  const { reason, stored, price, receiver, contract, token, chainId, gatewayPath } = decoded.value;
  return { reason, terms: { price, receiver, contract, token, chainId, gatewayPath }, ...(stored ? { stored } : {}) };
}

/** Only the terms' own fields, so a caller's extra properties never reach the wire. */
function pickTerms(terms: PaymentTerms): PaymentTerms {
  const { price, receiver, contract, token, chainId, gatewayPath } = terms;
  return { price, receiver, contract, token, chainId, gatewayPath };
}

function memberAt(body: object, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split(".")) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
