import type { Address } from "viem";
import { encodeChannelStateHeaders, encodeChannelStateJson, type ChannelState } from "./channelState";
import { RdnHeader, type RdnErrorHeaderName } from "./headers";
import type { ChannelId } from "./typedData";

/**
 * Tollgate's one error family. Everything the protocol, the receiver and the route handlers
 * throw on purpose is a `TollgateError`: it knows its HTTP status, the µRaiden `RDN-*` header it
 * sets (if any), the extra headers it adds, and the facts a client needs to act, which
 * {@link toProblem} renders as RFC 9457 problem details. Anything else that reaches a response
 * is a bug and renders as a bare 500.
 *
 * Messages are written for the person or program that has to act: they say what was wrong,
 * with the numbers, and what to send instead. They never include a `cause`'s text, which may
 * hold internals (SQL, RPC URLs); causes are for the server's logs.
 */

/**
 * Problem `type` URIs are this prefix plus the error's slug (also its anchor in
 * `docs/protocol.md`). A URN rather than a URL because Tollgate is a template with no canonical
 * docs host; RFC 9457 lets `type` be an identifier that is not dereferenced. A fork with a docs
 * site can point this at it.
 */
export const PROBLEM_TYPE_PREFIX = "urn:tollgate:problem:";

/** Media type of a problem-details body (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Where the error catalogue lives; `docsPath` is this plus `#slug`. */
const DOCS_FILE = "docs/protocol.md";

/** Brand that survives duplicate module instances (two bundles), where `instanceof` fails. */
const brand = Symbol.for("tollgate.TollgateError");

/** A JSON value as it appears in a problem body. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An RFC 9457 problem-details object with Tollgate's extension members. */
export type ProblemDetails = {
  /** `urn:tollgate:problem:<slug>`, or `about:blank` for an unexpected error. */
  type: string;
  /** Short, fixed summary of the problem type. */
  title: string;
  status: number;
  /** What went wrong in this occurrence and what to do about it. */
  detail?: string;
  [extension: string]: JsonValue | undefined;
};

export type TollgateErrorOptions = {
  /** Anchor of this error in the catalogue, e.g. `stale-balance-proof`. */
  slug: string;
  /** Extra lines for logs and terminals (never sent to clients). */
  metaMessages?: string[] | undefined;
  /** The underlying error, for logs; never rendered into a response. */
  cause?: unknown;
};

/**
 * Base of every error Tollgate throws on purpose, modelled on viem's `BaseError`.
 *
 * @example
 * try { await gate(request) } catch (error) {
 *   const body = toProblem(error) // { type, title, status, detail, ... }
 *   const headers = isTollgateError(error) ? error.headers : {}
 * }
 */
export abstract class TollgateError extends Error {
  override name = "TollgateError";
  /** HTTP status this error answers with. */
  abstract readonly status: number;
  /** RFC 9457 `title`: fixed per error type. */
  abstract readonly title: string;
  /** µRaiden's error header this error sets (value `"1"`), if any. */
  readonly rdnHeader: RdnErrorHeaderName | undefined = undefined;
  /** The sentence for people: what was wrong and what to do. Also the problem's `detail`. */
  readonly shortMessage: string;
  readonly metaMessages: string[] | undefined;
  /** Path of this error's entry in the docs, e.g. `docs/protocol.md#stale-balance-proof`. */
  readonly docsPath: string;
  readonly slug: string;
  declare readonly cause?: unknown;
  readonly [brand] = true;

  constructor(shortMessage: string, options: TollgateErrorOptions) {
    const docsPath = `${DOCS_FILE}#${options.slug}`;
    const message = [shortMessage, ...(options.metaMessages ?? []), `Docs: ${docsPath}`].join("\n");
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.metaMessages = options.metaMessages;
    this.docsPath = docsPath;
    this.slug = options.slug;
  }

  /** Response headers this error adds: its RDN error header, and whatever a subclass needs. */
  get headers(): Record<string, string> {
    return this.rdnHeader ? { [this.rdnHeader]: "1" } : {};
  }

  /** Machine-readable facts for the problem body (RFC 9457 extension members). */
  get extensions(): Record<string, JsonValue> {
    return {};
  }
}

/**
 * Whether `value` is a {@link TollgateError}, also across duplicate copies of this module.
 *
 * @example
 * const headers = isTollgateError(error) ? error.headers : {}
 */
export function isTollgateError(value: unknown): value is TollgateError {
  return typeof value === "object" && value !== null && (value as { [brand]?: unknown })[brand] === true;
}

/**
 * Renders any thrown value as RFC 9457 problem details: a {@link TollgateError} with its
 * status, title, detail and extension members; anything else as a bare 500 that reveals
 * nothing (the server logs the real error).
 *
 * @example
 * toProblem(new ArticleNotFoundError({ slug: "missing" }))
 * // { type: "urn:tollgate:problem:article-not-found", title: "Article not found",
 * //   status: 404, detail: "There is no article \"missing\": check the link.", slug: "missing" }
 * toProblem(new Error("connect ECONNREFUSED 10.0.0.5:5432"))
 * // { type: "about:blank", title: "Internal Server Error", status: 500 }
 */
export function toProblem(error: unknown): ProblemDetails {
  if (!isTollgateError(error)) return { type: "about:blank", title: "Internal Server Error", status: 500 };
  return {
    ...error.extensions,
    type: `${PROBLEM_TYPE_PREFIX}${error.slug}`,
    title: error.title,
    status: error.status,
    detail: error.shortMessage,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers for messages and extension members

function describeChannel(channel: ChannelId): string {
  return `the channel from ${channel.sender} to ${channel.receiver} opened at block ${channel.openBlock}`;
}

function channelMeta(channel: ChannelId): string[] {
  return [`Channel: sender ${channel.sender}, receiver ${channel.receiver}, open block ${channel.openBlock}`];
}

function channelJson(channel: ChannelId): { [key: string]: JsonValue } {
  return { sender: channel.sender, receiver: channel.receiver, openBlock: channel.openBlock.toString() };
}

/** Shows a value a client sent, bounded and quoted, so a message can say what was wrong. */
function quote(value: string): string {
  return JSON.stringify(value.length > 140 ? `${value.slice(0, 140)}…` : value);
}

/** The server's stored proof, as the constructor arguments of re-signable errors take it. */
export type StoredProof = Omit<ChannelState, "sender" | "openBlock">;

/**
 * Base of the 402s that carry the server's stored state of the channel, so the client can check
 * the server's last proof and re-sign on top of it (µRaiden's `RDN-Sender-Balance` and
 * `RDN-Balance-Signature` on a refused proof).
 *
 * @example
 * if (error instanceof ResignableError) log.info({ stored: error.stored.balance }, "client is out of sync")
 */
export abstract class ResignableError extends TollgateError {
  readonly status = 402;
  readonly channel: ChannelId;
  /**
   * The server's stored balance and proof for `channel`; absent when the request did not show
   * it comes from the sender (a signature that is not the sender's or delegate's): which
   * articles an address bought, and its signatures, are shown only to that address.
   */
  readonly stored: ChannelState | undefined;

  constructor(shortMessage: string, args: { channel: ChannelId; stored?: StoredProof | undefined; slug: string; cause?: unknown }) {
    super(shortMessage, { slug: args.slug, metaMessages: channelMeta(args.channel), cause: args.cause });
    this.channel = args.channel;
    if (args.stored) {
      const { balance, balanceSignature } = args.stored;
      this.stored = { sender: args.channel.sender, openBlock: args.channel.openBlock, balance };
      if (balanceSignature !== undefined) this.stored.balanceSignature = balanceSignature;
    }
  }

  override get headers(): Record<string, string> {
    return { ...super.headers, ...(this.stored ? encodeChannelStateHeaders(this.stored) : {}) };
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel), ...(this.stored ? { stored: encodeChannelStateJson(this.stored) } : {}) };
  }
}

// ---------------------------------------------------------------------------------------------
// 400

/**
 * A payment header or cookie is missing or malformed. 400, not 402: the request itself is
 * wrong, and sending it again unchanged cannot succeed.
 *
 * @example
 * throw new MalformedPaymentError({ field: "RDN-Balance header", value: "-5",
 *   reason: "must be a decimal integer from 0 to 2^128-1, without sign, exponent or leading zeros" })
 */
export class MalformedPaymentError extends TollgateError {
  override name = "MalformedPaymentError";
  readonly status = 400;
  readonly title = "Malformed payment";
  /** The header or cookie at fault, e.g. `RDN-Balance header`. */
  readonly field: string;

  constructor(args: { field: string; reason: string; value?: string | undefined; cause?: unknown }) {
    const got = args.value === undefined ? "" : ` (got ${quote(args.value)})`;
    super(`The ${args.field} ${args.reason}${got}. Fix it and send the request again.`, {
      slug: "malformed-payment",
      cause: args.cause,
    });
    this.field = args.field;
  }

  override get extensions(): Record<string, JsonValue> {
    return { field: this.field };
  }
}

/**
 * A user-entered amount cannot be read exactly (not a plain decimal, too many decimals for the
 * token, too large). Thrown by `parseAmount`.
 *
 * @example
 * throw new MalformedAmountError({ input: "1.234", reason: "has more than 2 decimal places, which is all this token has" })
 */
export class MalformedAmountError extends TollgateError {
  override name = "MalformedAmountError";
  readonly status = 400;
  readonly title = "Malformed amount";
  readonly input: string;

  constructor(args: { input: string; reason: string }) {
    super(`The amount ${quote(args.input)} ${args.reason}.`, { slug: "malformed-amount" });
    this.input = args.input;
  }
}

// ---------------------------------------------------------------------------------------------
// 402: the article exists; what is missing is an acceptable payment

/**
 * No payment was sent for a priced article. The 402 also carries the payment terms (price,
 * receiver, contract, token, chain id) from `encodePaymentRequired`.
 *
 * @example
 * throw new PaymentRequiredError({ price: 10n })
 */
export class PaymentRequiredError extends TollgateError {
  override name = "PaymentRequiredError";
  readonly status = 402;
  readonly title = "Payment required";
  readonly price: bigint;

  constructor(args: { price: bigint }) {
    super(
      `This article costs ${args.price} token base units: open a channel to the receiver in ${RdnHeader.receiverAddress} (or use your open one) and send a balance proof that raises its balance by ${args.price}.`,
      { slug: "payment-required" },
    );
    this.price = args.price;
  }

  override get extensions(): Record<string, JsonValue> {
    return { price: this.price.toString() };
  }
}

/**
 * The balance signature was not made by the channel's sender or its delegate (wrong key, wrong
 * chain id or contract in the domain, or a tampered balance). Sets `RDN-Invalid-Balance-Proof`.
 *
 * @example
 * throw new InvalidBalanceProofError({ channel, signer: recovered })
 */
export class InvalidBalanceProofError extends ResignableError {
  override name = "InvalidBalanceProofError";
  readonly title = "Invalid balance proof";
  override readonly rdnHeader = RdnHeader.invalidBalanceProof;
  /** The address the signature recovers to, when it recovers at all. */
  readonly signer: Address | undefined;

  constructor(args: { channel: ChannelId; signer?: Address | undefined; cause?: unknown }) {
    const by = args.signer ? `was made by ${args.signer}, which is neither` : "was not made by";
    super(
      `The balance signature ${by} the sender ${args.channel.sender} nor the channel's delegate: sign the BalanceProof typed data for ${describeChannel(args.channel)}, with the domain's chain id and contract from ${RdnHeader.chainId} and ${RdnHeader.contractAddress}, using the sender's wallet or the channel's session key.`,
      { ...args, slug: "invalid-balance-proof" },
    );
    this.signer = args.signer;
  }

  override get extensions(): Record<string, JsonValue> {
    return { ...super.extensions, ...(this.signer ? { signer: this.signer } : {}) };
  }
}

/**
 * The proof raises the stored balance, but by something other than the article's price.
 * Sets µRaiden's `RDN-Invalid-Amount`. Only for `offered > stored.balance`; a proof that does
 * not raise the balance at all is a {@link StaleBalanceProofError}.
 *
 * @example
 * throw new InvalidAmountError({ channel, price: 10n, offered: 35n, stored: { balance: 30n, balanceSignature } })
 * // "The balance proof raises the balance by 5 but the article costs 10: sign a balance of 40 …"
 */
export class InvalidAmountError extends ResignableError {
  override name = "InvalidAmountError";
  readonly title = "Invalid amount";
  override readonly rdnHeader = RdnHeader.invalidAmount;
  readonly price: bigint;
  /** The balance the refused proof signs. */
  readonly offered: bigint;
  /** The balance to sign instead: the stored balance plus the price. */
  readonly expected: bigint;

  constructor(args: { channel: ChannelId; stored: StoredProof; price: bigint; offered: bigint }) {
    const raise = args.offered - args.stored.balance;
    const expected = args.stored.balance + args.price;
    super(
      `The balance proof raises the balance by ${raise} but the article costs ${args.price}: sign a balance of ${expected} (the stored ${args.stored.balance} plus the price).`,
      { ...args, slug: "invalid-amount" },
    );
    this.price = args.price;
    this.offered = args.offered;
    this.expected = args.stored.balance + args.price;
  }

  override get extensions(): Record<string, JsonValue> {
    return {
      ...super.extensions,
      price: this.price.toString(),
      offered: this.offered.toString(),
      expected: this.expected.toString(),
    };
  }
}

/**
 * The proof does not raise the stored balance: the client is behind the server, typically
 * because a concurrent request spent the same balance first. Sets `RDN-Invalid-Balance-Proof`
 * (µRaiden's recovery path) with the server's stored balance and proof.
 *
 * @example
 * throw new StaleBalanceProofError({ channel, price: 10n, offered: 30n, stored: { balance: 30n, balanceSignature } })
 */
export class StaleBalanceProofError extends ResignableError {
  override name = "StaleBalanceProofError";
  readonly title = "Stale balance proof";
  override readonly rdnHeader = RdnHeader.invalidBalanceProof;
  readonly price: bigint;
  readonly offered: bigint;
  /** The balance to sign instead: the stored balance plus the price. */
  readonly expected: bigint;

  constructor(args: { channel: ChannelId; stored: StoredProof; price: bigint; offered: bigint }) {
    const expected = args.stored.balance + args.price;
    super(
      `The balance proof signs a balance of ${args.offered}, but the stored balance of this channel is already ${args.stored.balance} (another request may have spent it first): check the server's proof in ${RdnHeader.senderBalance} and ${RdnHeader.balanceSignature}, then sign a balance of ${expected}, the stored balance plus the price of ${args.price}.`,
      { ...args, slug: "stale-balance-proof" },
    );
    this.price = args.price;
    this.offered = args.offered;
    this.expected = args.stored.balance + args.price;
  }

  override get extensions(): Record<string, JsonValue> {
    return {
      ...super.extensions,
      price: this.price.toString(),
      offered: this.offered.toString(),
      expected: this.expected.toString(),
    };
  }
}

/**
 * A route handler's path parameter, query or JSON body is missing or malformed. 400: sending
 * the same request again cannot succeed.
 *
 * @example
 * throw new MalformedRequestError({ field: "openBlock path segment", reason: "must be a decimal integer", value: "x" })
 */
export class MalformedRequestError extends TollgateError {
  override name = "MalformedRequestError";
  readonly status = 400;
  readonly title = "Malformed request";
  readonly field: string;

  constructor(args: { field: string; reason: string; value?: string | undefined }) {
    const got = args.value === undefined ? "" : ` (got ${quote(args.value)})`;
    super(`The ${args.field} ${args.reason}${got}. Fix it and send the request again.`, { slug: "malformed-request" });
    this.field = args.field;
  }

  override get extensions(): Record<string, JsonValue> {
    return { field: this.field };
  }
}

/**
 * The request's method is not one the page answers (a DELETE or a PROPFIND of an article, say).
 * 405 with `Allow`.
 *
 * @example
 * throw new MethodNotAllowedError({ method: "DELETE", allow: ["GET", "HEAD", "POST", "OPTIONS"] })
 */
export class MethodNotAllowedError extends TollgateError {
  override name = "MethodNotAllowedError";
  readonly status = 405;
  readonly title = "Method not allowed";
  readonly allow: readonly string[];

  constructor(args: { method: string; allow: readonly string[] }) {
    super(`This page does not answer ${quote(args.method)} requests: use ${args.allow.join(", ")}.`, { slug: "method-not-allowed" });
    this.allow = args.allow;
  }

  override get headers(): Record<string, string> {
    return { Allow: this.allow.join(", ") };
  }
}

/**
 * The request's body is larger than the site takes (a form's, say). 413: send less.
 *
 * @example
 * throw new RequestTooLargeError({ limitBytes: 1_048_576 })
 */
export class RequestTooLargeError extends TollgateError {
  override name = "RequestTooLargeError";
  readonly status = 413;
  readonly title = "Request too large";
  readonly limitBytes: number;

  constructor(args: { limitBytes: number }) {
    super(`The request's body is over the ${args.limitBytes}-byte limit: send less.`, { slug: "request-too-large" });
    this.limitBytes = args.limitBytes;
  }

  override get extensions(): Record<string, JsonValue> {
    return { limitBytes: this.limitBytes };
  }
}

/**
 * The proof's balance exceeds the channel's deposit. µRaiden reports this as an invalid proof
 * (`RDN-Invalid-Balance-Proof`); it is its own class here because the remedy differs: top up.
 *
 * @example
 * throw new InsufficientDepositError({ channel, offered: 110n, deposit: 100n, stored: { balance: 100n, balanceSignature } })
 */
export class InsufficientDepositError extends ResignableError {
  override name = "InsufficientDepositError";
  readonly title = "Insufficient deposit";
  override readonly rdnHeader = RdnHeader.invalidBalanceProof;
  readonly offered: bigint;
  readonly deposit: bigint;

  constructor(args: { channel: ChannelId; stored: StoredProof; offered: bigint; deposit: bigint }) {
    super(
      `The balance proof signs a balance of ${args.offered} but the channel's deposit is only ${args.deposit}: top up the channel by at least ${args.offered - args.deposit}, or close it and open a new one.`,
      { ...args, slug: "insufficient-deposit" },
    );
    this.offered = args.offered;
    this.deposit = args.deposit;
  }

  override get extensions(): Record<string, JsonValue> {
    return { ...super.extensions, offered: this.offered.toString(), deposit: this.deposit.toString() };
  }
}

/**
 * No open channel has this key: never opened, already closed or settled, or opened to another
 * receiver. Sets `RDN-Nonexisting-Channel`.
 *
 * Status depends on what was asked for. At the article gate it is 402: the article exists and
 * what is missing is a payment; the response still carries the terms a client needs to open a
 * new channel, µRaiden clients expect a 402 there, and a 404 would tell caches and crawlers the
 * article is gone. At the channel API (`GET /api/channels/…`) the channel *is* the resource,
 * so it is 404.
 *
 * @example
 * throw new ChannelNotFoundError({ channel, at: "gate" }) // 402
 * throw new ChannelNotFoundError({ channel, at: "api" })  // 404
 */
export class ChannelNotFoundError extends TollgateError {
  override name = "ChannelNotFoundError";
  readonly status: 402 | 404;
  readonly title = "Channel not found";
  override readonly rdnHeader = RdnHeader.nonexistingChannel;
  readonly channel: ChannelId;

  constructor(args: { channel: ChannelId; at: "gate" | "api" }) {
    super(
      `There is no open channel from ${args.channel.sender} to ${args.channel.receiver} opened at block ${args.channel.openBlock} (it may never have been opened, or have been closed): check ${RdnHeader.openBlock} and ${RdnHeader.receiverAddress}, or open a new channel and sign a proof for it.`,
      { slug: "channel-not-found", metaMessages: channelMeta(args.channel) },
    );
    this.status = args.at === "gate" ? 402 : 404;
    this.channel = args.channel;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel) };
  }
}

/**
 * The channel is closing (its sender asked for an uncooperative close) or closed on chain: it
 * takes no more proofs, and a client must open a new channel to pay. Sets
 * `RDN-Nonexisting-Channel` (µRaiden's answer for a channel that is not open); 402, as at the
 * gate a payment is what is missing.
 *
 * @example
 * throw new ChannelClosedError({ channel, status: "closing" })
 */
export class ChannelClosedError extends TollgateError {
  override name = "ChannelClosedError";
  readonly status = 402;
  readonly title = "Channel closed";
  override readonly rdnHeader = RdnHeader.nonexistingChannel;
  readonly channel: ChannelId;
  readonly channelStatus: Exclude<ChannelStatus, "open">;

  constructor(args: { channel: ChannelId; status: Exclude<ChannelStatus, "open"> }) {
    const what = args.status === "closing" ? "is closing (its challenge period runs)" : "is closed";
    super(`${capitalise(describeChannel(args.channel))} ${what} and takes no more balance proofs: open a new channel and sign a proof for it.`, {
      slug: "channel-closed",
      metaMessages: channelMeta(args.channel),
    });
    this.channel = args.channel;
    this.channelStatus = args.status;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel), channelStatus: this.channelStatus };
  }
}

/**
 * The channel exists but its opening block has fewer confirmations than the receiver requires
 * (a reorg could still undo it). Sets `RDN-Insufficient-Confirmations`.
 *
 * @example
 * throw new InsufficientConfirmationsError({ channel, confirmations: 2, required: 5 })
 */
export class InsufficientConfirmationsError extends TollgateError {
  override name = "InsufficientConfirmationsError";
  readonly status = 402;
  readonly title = "Insufficient confirmations";
  override readonly rdnHeader = RdnHeader.insufficientConfirmations;
  readonly channel: ChannelId;
  readonly confirmations: number;
  readonly required: number;

  constructor(args: { channel: ChannelId; confirmations: number; required: number }) {
    const wait = args.required - args.confirmations;
    super(
      `${capitalise(describeChannel(args.channel))} has ${args.confirmations} of the ${args.required} confirmations this server requires: send the same proof again after ${wait} more block${wait === 1 ? "" : "s"}.`,
      { slug: "insufficient-confirmations", metaMessages: channelMeta(args.channel) },
    );
    this.channel = args.channel;
    this.confirmations = args.confirmations;
    this.required = args.required;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel), confirmations: this.confirmations, required: this.required };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// 404, 409, 503, 502

/**
 * There is no article with this slug (a 404 for the article itself, not for its payment).
 *
 * @example
 * throw new ArticleNotFoundError({ slug: "no-such-article" })
 */
export class ArticleNotFoundError extends TollgateError {
  override name = "ArticleNotFoundError";
  readonly status = 404;
  readonly title = "Article not found";
  readonly articleSlug: string;

  constructor(args: { slug: string }) {
    super(`There is no article ${quote(args.slug)}: check the link.`, { slug: "article-not-found" });
    this.articleSlug = args.slug;
  }

  override get extensions(): Record<string, JsonValue> {
    return { slug: this.articleSlug };
  }
}

/**
 * The request needs a proven identity (a sign-in, a session, a signed request or token) and has
 * none, or one that does not check out: expired, for another site or chain, a nonce already
 * used, a signature by someone else. 401: sign in (again) and retry.
 *
 * @example
 * throw new AuthenticationError({ reason: "the sign-in nonce is unknown, expired or already used" })
 */
export class AuthenticationError extends TollgateError {
  override name = "AuthenticationError";
  readonly status = 401;
  readonly title = "Authentication required";

  constructor(args: { reason: string }) {
    super(`Not signed in: ${args.reason}. Sign in with your wallet and try again.`, { slug: "unauthenticated" });
  }
}

/**
 * The requester proved who it is, but that address may not do this (e.g. a reader at /admin).
 *
 * @example
 * throw new ForbiddenError({ reason: "0xabc… is not one of this site's publishers" })
 */
export class ForbiddenError extends TollgateError {
  override name = "ForbiddenError";
  readonly status = 403;
  readonly title = "Forbidden";

  constructor(args: { reason: string }) {
    super(`Not allowed: ${args.reason}.`, { slug: "forbidden" });
  }
}

/** Where a channel is in its life, as far as a request about it cares. */
export type ChannelStatus = "open" | "closing" | "settled";

/**
 * The request conflicts with the channel's state, e.g. asking for a closing signature for a
 * channel that is already closing. `hint` must say what to do instead.
 *
 * @example
 * throw new ChannelStateConflictError({ channel, action: "close", status: "closing",
 *   hint: "wait for the challenge period to end, then settle it" })
 */
export class ChannelStateConflictError extends TollgateError {
  override name = "ChannelStateConflictError";
  readonly status = 409;
  readonly title = "Channel state conflict";
  readonly channel: ChannelId;
  readonly channelStatus: ChannelStatus;

  constructor(args: { channel: ChannelId; action: string; status: ChannelStatus; hint: string }) {
    super(`Cannot ${args.action} ${describeChannel(args.channel)}: it is ${args.status}; ${args.hint}.`, {
      slug: "channel-state-conflict",
      metaMessages: channelMeta(args.channel),
    });
    this.channel = args.channel;
    this.channelStatus = args.status;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel), channelStatus: this.channelStatus };
  }
}

/**
 * A dependency the receiver needs is unavailable for now: the chain's RPC is unreachable, or the
 * database is busy (another process holds its lock) or unreachable. Adds `Retry-After`. The cause
 * is kept for logs only: it may name hosts or credentials.
 *
 * @example
 * throw new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: 5, cause })
 */
export class ServiceUnavailableError extends TollgateError {
  override name = "ServiceUnavailableError";
  readonly status = 503;
  readonly title = "Service unavailable";
  readonly dependency: "chain" | "database";
  readonly retryAfterSeconds: number;

  constructor(args: { dependency: "chain" | "database"; retryAfterSeconds?: number; cause?: unknown }) {
    const retryAfterSeconds = Math.max(1, Math.ceil(args.retryAfterSeconds ?? 5));
    const problem =
      args.dependency === "chain"
        ? `The blockchain node is unreachable right now, so no payment can be checked: retry in ${retryAfterSeconds} seconds. Nothing was charged.`
        : `The database is busy or unreachable right now: retry in ${retryAfterSeconds} seconds.`;
    super(problem, {
      slug: "service-unavailable",
      cause: args.cause,
    });
    this.dependency = args.dependency;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override get headers(): Record<string, string> {
    return { "Retry-After": String(this.retryAfterSeconds) };
  }

  override get extensions(): Record<string, JsonValue> {
    return { dependency: this.dependency, retryAfter: this.retryAfterSeconds };
  }
}

/**
 * A client (browser, CLI) received a 402 or a paid 200 whose payment headers or body it cannot
 * read. 502 in HTTP terms — the upstream server sent a bad answer — though clients rarely render
 * it: it tells the person running the client that the paywall, not their request, is at fault.
 *
 * @example
 * throw new MalformedPaymentResponseError({ field: "RDN-Price header", reason: "is missing" })
 */
export class MalformedPaymentResponseError extends TollgateError {
  override name = "MalformedPaymentResponseError";
  readonly status = 502;
  readonly title = "Malformed payment response";
  readonly field: string;

  constructor(args: { field: string; reason: string; value?: string | undefined }) {
    const got = args.value === undefined ? "" : ` (got ${quote(args.value)})`;
    super(`The server's payment response is unusable: its ${args.field} ${args.reason}${got}. Report this to the site's operator.`, {
      slug: "malformed-payment-response",
    });
    this.field = args.field;
  }

  override get extensions(): Record<string, JsonValue> {
    return { field: this.field };
  }
}

// ---------------------------------------------------------------------------------------------
// x402 (docs/x402.md)

/**
 * An x402 payment that cannot pay for this article: its offer or authorization names another
 * amount, token, payee or chain, its signature is not the payer's, it is expired or not yet valid,
 * or the payer's balance cannot cover it. `reason` is x402's own reason string (the facilitator's
 * `invalidReason`), which the 402 also puts in `PAYMENT-REQUIRED`'s `error`. Nothing was charged.
 *
 * @example
 * throw new X402PaymentInvalidError({ reason: "invalid_exact_evm_payload_authorization_valid_before" })
 */
export class X402PaymentInvalidError extends TollgateError {
  override name = "X402PaymentInvalidError";
  readonly status = 402;
  readonly title = "x402 payment refused";
  readonly reason: string;

  constructor(args: { reason: string; detail?: string | undefined }) {
    super(`The x402 payment was refused (${args.reason})${args.detail ? `: ${args.detail}` : ""}. Nothing was charged: sign a new authorization for the offer in PAYMENT-REQUIRED.`, {
      slug: "x402-payment-invalid",
    });
    this.reason = args.reason;
  }

  override get extensions(): Record<string, JsonValue> {
    return { x402Reason: this.reason };
  }
}

/**
 * This x402 authorization was already taken: sent again (a replay; once settled it is public on
 * chain, so it proves nothing), or sent twice at once, and the other request is settling it. It is
 * charged once, by that request. A buyer re-reads with the access token its paid response
 * returned, or with a fresh authorization (not charged again).
 */
export class X402AuthorizationUsedError extends TollgateError {
  override name = "X402AuthorizationUsedError";
  readonly status = 409;
  readonly title = "x402 authorization already used";

  constructor() {
    super("This x402 authorization was already presented and is settled or being settled; it is charged once. Re-read with your access token, or sign a new authorization.", {
      slug: "x402-authorization-used",
    });
  }
}

/**
 * Another x402 payment of this buyer for this article is being settled: the buyer is not charged
 * twice for one article, so this one waits. Adds `Retry-After`; after it, the article is the
 * buyer's (a fresh authorization reads it for free) or the other payment failed.
 */
export class X402PaymentPendingError extends TollgateError {
  override name = "X402PaymentPendingError";
  readonly status = 409;
  readonly title = "x402 payment under way";
  readonly retryAfterSeconds: number;

  constructor(args: { retryAfterSeconds: number }) {
    const retryAfterSeconds = Math.max(1, Math.ceil(args.retryAfterSeconds));
    super(`Another x402 payment of yours for this article is being settled, so this one is not charged: retry in ${retryAfterSeconds} seconds.`, {
      slug: "x402-payment-pending",
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override get headers(): Record<string, string> {
    return { "Retry-After": String(this.retryAfterSeconds) };
  }

  override get extensions(): Record<string, JsonValue> {
    return { retryAfter: this.retryAfterSeconds };
  }
}
