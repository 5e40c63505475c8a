import { z } from "zod";
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { decodePaymentSignatureHeader, encodePaymentRequiredHeader, encodePaymentResponseHeader } from "@x402/core/http";
import { PaymentPayloadV2Schema } from "@x402/core/schemas";
import type { PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse } from "@x402/core/types";
import { MalformedPaymentError, X402PaymentInvalidError } from "./errors";
import { X402Header, type HeadersLike } from "./headers";
import type { PaymentTerms } from "./paymentRequest";

/**
 * x402 version 2 on Tollgate's terms (pure: no I/O). A priced article is offered in x402's `exact`
 * scheme beside the channel terms: the buyer signs an EIP-3009 `transferWithAuthorization` of the
 * article's price to the receiver, in the channel token, and the receiver submits it
 * (lib/receiver/x402). The types, header codecs and payload schema are x402's own (`@x402/core`);
 * this module only fills them in and checks what a client sent against what was offered.
 */

export const X402_VERSION = 2;

/**
 * How long a buyer's authorization must stay valid (x402's `maxTimeoutSeconds`: the stock client
 * signs `validBefore = now + maxTimeoutSeconds`). It bounds how long the gate waits for the
 * transfer to be mined and confirmed, so it must cover the confirmations of a public chain.
 */
export const X402_MAX_TIMEOUT_SECONDS = 300;

/** The token's EIP-712 domain name and version: what the buyer's authorization is signed under. */
export type TokenDomain = { name: string; version: string };

/** CAIP-2 name of an EVM chain, as x402 spells networks. */
export const x402Network = (chainId: number) => `eip155:${chainId}` as const;

/**
 * The one `exact` offer for an article: its price in the token's base units, paid to the
 * receiver, in the channel token, on the site's chain.
 *
 * @example
 * x402Requirements(terms, { name: "Tollgate Token", version: "1" })
 * // { scheme: "exact", network: "eip155:31337", asset: "0x…", amount: "10000000000000000", payTo: "0x…", … }
 */
export function x402Requirements(terms: PaymentTerms, domain: TokenDomain): PaymentRequirements {
  return {
    scheme: "exact",
    network: x402Network(terms.chainId),
    asset: getAddress(terms.token),
    amount: terms.price.toString(),
    payTo: getAddress(terms.receiver),
    maxTimeoutSeconds: X402_MAX_TIMEOUT_SECONDS,
    extra: { name: domain.name, version: domain.version },
  };
}

/**
 * The `PAYMENT-REQUIRED` object of a 402 for `resource`: the offer, and why an earlier payment was
 * refused when one was (`error`, x402's reason string).
 */
export function x402PaymentRequired(
  requirements: PaymentRequirements,
  resource: { url: string; description?: string | undefined },
  error?: string | undefined,
): PaymentRequired {
  return {
    x402Version: X402_VERSION,
    ...(error ? { error } : {}),
    resource: { url: resource.url, ...(resource.description ? { description: resource.description } : {}), mimeType: "application/json" },
    accepts: [requirements],
  };
}

/** The header a 402 adds for x402 clients. */
export const encodeX402PaymentRequired = (paymentRequired: PaymentRequired): Record<string, string> => ({
  [X402Header.paymentRequired]: encodePaymentRequiredHeader(paymentRequired),
});

/** The header of the 200 an x402 payment bought: the settlement, naming the transaction. */
export const encodeX402PaymentResponse = (settlement: SettleResponse): Record<string, string> => ({
  [X402Header.paymentResponse]: encodePaymentResponseHeader(settlement),
});

const uint256 = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal integer without sign or leading zeros");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");

/** The `exact` scheme's EIP-3009 payload (x402's `ExactEIP3009Payload`), as Tollgate accepts it. */
const eip3009PayloadSchema = z.object({
  authorization: z.object({
    from: address,
    to: address,
    value: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-hex"),
  }),
  // 65 bytes for an EOA; longer for a contract wallet (ERC-1271), bounded so no header is huge.
  signature: z.string().regex(/^0x([0-9a-fA-F]{2}){65,2048}$/, "must be a 0x-hex signature"),
});

/** An authorization as it arrived, with its amounts as bigints. */
export type X402Authorization = {
  from: Address;
  to: Address;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: Hex;
};

/** A decoded `PAYMENT-SIGNATURE`: x402's payload (what the facilitator takes) and its authorization. */
export type X402Payment = { payload: PaymentPayload; authorization: X402Authorization; signature: Hex };

export type DecodedX402Payment = { type: "none" } | { type: "x402"; payment: X402Payment };

const field = `${X402Header.paymentSignature} header`;

/**
 * Reads an x402 payment from a request, if there is one.
 *
 * @throws {MalformedPaymentError} (400) when the header is not base64 JSON, not an x402 version 2
 *   payload, or not the `exact` scheme's EIP-3009 form (the one this site offers).
 * @example
 * const decoded = decodeX402Payment(request.headers)
 * if (decoded.type === "x402") await acceptX402Payment(receiver, article, decoded.payment, …)
 */
export function decodeX402Payment(headers: HeadersLike): DecodedX402Payment {
  const header = headers.get(X402Header.paymentSignature);
  if (header === null) return { type: "none" };
  let json: unknown;
  try {
    json = decodePaymentSignatureHeader(header.trim());
  } catch (cause) {
    throw new MalformedPaymentError({ field, reason: "is not base64-encoded JSON", cause });
  }
  const outer = PaymentPayloadV2Schema.safeParse(json);
  if (!outer.success) {
    const issue = outer.error.issues[0];
    throw new MalformedPaymentError({ field, reason: `is not an x402 version 2 payment payload (${issue?.path.join(".") || "payload"}: ${issue?.message})` });
  }
  const inner = eip3009PayloadSchema.safeParse(outer.data.payload);
  if (!inner.success) {
    const issue = inner.error.issues[0];
    throw new MalformedPaymentError({
      field,
      reason: `does not hold an EIP-3009 authorization, the only form this site's exact offer takes (payload.${issue?.path.join(".")}: ${issue?.message})`,
    });
  }
  const { authorization: a, signature } = inner.data;
  return {
    type: "x402",
    payment: {
      payload: outer.data as PaymentPayload,
      authorization: {
        from: getAddress(a.from),
        to: getAddress(a.to),
        value: BigInt(a.value),
        validAfter: BigInt(a.validAfter),
        validBefore: BigInt(a.validBefore),
        nonce: a.nonce.toLowerCase() as Hex,
      },
      signature: signature.toLowerCase() as Hex,
    },
  };
}

/**
 * Refuses a payment whose `accepted` offer is not the one made: another scheme, chain, token, payee
 * or amount. The facilitator checks the signed authorization itself against the offer; this says
 * plainly which term a client got wrong before any signature is checked.
 *
 * @throws {X402PaymentInvalidError} (402) naming the term.
 */
export function assertAcceptedOffer(payment: X402Payment, offer: PaymentRequirements): void {
  const accepted = payment.payload.accepted;
  const mismatch = (term: string, got: string, want: string) =>
    new X402PaymentInvalidError({ reason: `${term}_mismatch`, detail: `it accepted ${term} ${got}, but this article is offered at ${want}` });
  if (accepted.scheme !== offer.scheme) throw mismatch("scheme", accepted.scheme, offer.scheme);
  if (accepted.network !== offer.network) throw mismatch("network", accepted.network, offer.network);
  if (!sameAddress(accepted.asset, offer.asset)) throw mismatch("asset", accepted.asset, offer.asset);
  if (!sameAddress(accepted.payTo, offer.payTo)) throw mismatch("payTo", accepted.payTo, offer.payTo);
  if (accepted.amount !== offer.amount) throw mismatch("amount", accepted.amount, offer.amount);
  if (!sameAddress(payment.authorization.to, offer.payTo)) throw mismatch("payTo", payment.authorization.to, offer.payTo);
  if (payment.authorization.value.toString() !== offer.amount) throw mismatch("amount", payment.authorization.value.toString(), offer.amount);
}

const sameAddress = (a: string, b: string) => /^0x[0-9a-fA-F]{40}$/.test(a) && isAddressEqual(a as Address, b as Address);
