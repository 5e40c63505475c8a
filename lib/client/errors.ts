import type { Address } from "viem";
import { TollgateError, type JsonValue, type TollgateErrorOptions } from "../protocol/errors";
import type { ChannelId } from "../protocol/typedData";

/**
 * The client's own errors: what the SDK refuses to do, or cannot do, on the reader's side.
 * They join lib/protocol's `TollgateError` family (so `isTollgateError`, `shortMessage`,
 * `metaMessages` and `docsPath` work the same everywhere) but point at `docs/client.md`, where
 * each has an entry under its slug. `status` is what the error would answer with if a program
 * ever rendered it (a local refusal is not an HTTP exchange); nothing in the SDK relies on it.
 *
 * Every message says what happened with the numbers, and what the person can do about it.
 */

const DOCS_FILE = "docs/client.md";

/** Base of the client's errors: a {@link TollgateError} whose entry is in `docs/client.md`. */
export abstract class TollgateClientError extends TollgateError {
  override name = "TollgateClientError";
  override readonly docsPath: string;

  constructor(shortMessage: string, options: TollgateErrorOptions) {
    super(shortMessage, options);
    // The base class wrote `docs/protocol.md#…` into the message; these entries live elsewhere.
    this.docsPath = `${DOCS_FILE}#${options.slug}`;
    this.message = [shortMessage, ...(options.metaMessages ?? []), `Docs: ${this.docsPath}`].join("\n");
  }
}

function channelLine(channel: ChannelId): string[] {
  return [`Channel: sender ${channel.sender}, receiver ${channel.receiver}, open block ${channel.openBlock}`];
}

function channelJson(channel: ChannelId): { [key: string]: JsonValue } {
  return { sender: channel.sender, receiver: channel.receiver, openBlock: channel.openBlock.toString() };
}

/**
 * Paying would break the reader's budget: the article costs more than the maximum price per
 * article, or more than what is left of the total; or a deposit (opening or topping up a
 * channel) would put more at stake than what is left of the total. Thrown before anything is
 * signed or sent.
 *
 * @example
 * try { await client.fetch(url) } catch (error) {
 *   if (error instanceof BudgetExceededError) console.error(error.shortMessage)
 * }
 */
export class BudgetExceededError extends TollgateClientError {
  override name = "BudgetExceededError";
  readonly status = 402;
  readonly title = "Budget exceeded";
  /** Which limit the price breaks. */
  readonly limit: "price" | "total";
  /** The article's price, or (`deposit`) the deposit that does not fit. */
  readonly price: bigint;
  /** Whether it is a deposit, not a payment, that does not fit. */
  readonly deposit: boolean;
  /** The limit itself: the maximum price, or the total budget. */
  readonly maximum: bigint;
  /** What counts against the total so far (reserved by operations under way included). */
  readonly spent: bigint;

  constructor(args: { limit: "price" | "total"; price: bigint; maximum: bigint; spent: bigint; deposit?: boolean; describe?: (amount: bigint) => string }) {
    const show = args.describe ?? ((amount: bigint) => `${amount}`);
    const left = args.maximum > args.spent ? args.maximum - args.spent : 0n;
    const message =
      args.limit === "price"
        ? `The article costs ${show(args.price)}, more than your maximum price of ${show(args.maximum)} per article: nothing was signed. Raise the maximum price to read it.`
        : args.deposit
          ? `A deposit of ${show(args.price)} would put more at stake than the ${show(left)} left of your total budget of ${show(args.maximum)} (deposits count as soon as they leave the wallet): nothing was sent. Lower the deposit, or raise the budget.`
          : `The article costs ${show(args.price)}, but only ${show(left)} of your total budget of ${show(args.maximum)} is left (${show(args.spent)} spent): nothing was signed. Raise the budget to keep reading.`;
    super(message, { slug: "budget-exceeded" });
    this.limit = args.limit;
    this.price = args.price;
    this.deposit = args.deposit ?? false;
    this.maximum = args.maximum;
    this.spent = args.spent;
  }

  override get extensions(): Record<string, JsonValue> {
    return { limit: this.limit, price: this.price.toString(), deposit: this.deposit, maximum: this.maximum.toString(), spent: this.spent.toString() };
  }
}

/**
 * The server sent a proof of its stored balance that this client will not adopt: its
 * signature is by neither the sender nor the channel's delegate, it names another channel, or
 * its balance is above the channel's deposit. Adopting it would let a server claim any balance.
 *
 * @example
 * throw new UntrustedServerProofError({ channel, balance: 50n, reason: "its signature was made by 0x…, which is neither the sender nor the channel's delegate" })
 */
export class UntrustedServerProofError extends TollgateClientError {
  override name = "UntrustedServerProofError";
  readonly status = 502;
  readonly title = "Untrusted server proof";
  readonly channel: ChannelId;
  /** The balance the server claims. */
  readonly balance: bigint;

  constructor(args: { channel: ChannelId; balance: bigint; reason: string }) {
    super(
      `The server claims that this channel's balance is ${args.balance}, but ${args.reason}. Nothing was adopted or signed; report this to the site's operator.`,
      { slug: "untrusted-server-proof", metaMessages: channelLine(args.channel) },
    );
    this.channel = args.channel;
    this.balance = args.balance;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel), balance: this.balance.toString() };
  }
}

/**
 * The site's payment terms do not fit this client: another chain than the client's RPC, a
 * channel manager other than the trusted one, or a manager whose token is not the one the site
 * names. Checked before any transaction or signature.
 *
 * @example
 * throw new UntrustedTermsError({ reason: "the site takes payments on chain 1, but your RPC is chain 31337: use an RPC URL for chain 1" })
 */
export class UntrustedTermsError extends TollgateClientError {
  override name = "UntrustedTermsError";
  readonly status = 502;
  readonly title = "Untrusted payment terms";

  constructor(args: { reason: string }) {
    super(`Not paying: ${args.reason}.`, { slug: "untrusted-terms" });
  }
}

/**
 * The client needs a channel with this receiver and may not open one (`autoOpen: false`), a
 * channel's deposit is too small and it may not top up (`topUp: false`), or a channel is not in
 * the state an action needs (closing one that is closed, settling one whose challenge period
 * is still running).
 *
 * @example
 * throw new ChannelUnavailableError({ reason: "no open channel to 0x… and opening one is disabled (autoOpen: false)" })
 */
export class ChannelUnavailableError extends TollgateClientError {
  override name = "ChannelUnavailableError";
  readonly status = 402;
  readonly title = "Channel unavailable";

  constructor(args: { reason: string; hint: string; action?: string | undefined }) {
    super(`Cannot ${args.action ?? "pay"}: ${args.reason}; ${args.hint}.`, { slug: "channel-unavailable" });
  }
}

/**
 * The server still refused to serve after the client did what the protocol asks (re-signed
 * once on its stored balance, topped up once, waited for confirmations). Carries the server's
 * own explanation.
 *
 * @example
 * throw new PaymentRefusedError({ url, status: 402, detail: "The balance signature was not made by …" })
 */
export class PaymentRefusedError extends TollgateClientError {
  override name = "PaymentRefusedError";
  readonly status = 402;
  readonly title = "Payment refused";
  readonly url: string;
  /** The server's HTTP status. */
  readonly serverStatus: number;
  /** The server's problem `type`, when it sent one. */
  readonly problemType: string | undefined;

  constructor(args: { url: string; status: number; detail?: string | undefined; type?: string | undefined; attempts?: string | undefined }) {
    const detail = args.detail ? ` The server says: ${args.detail}` : "";
    const attempts = args.attempts ? ` ${args.attempts}` : "";
    super(`The server refused the payment for ${args.url} (HTTP ${args.status}).${attempts}${detail}`, { slug: "payment-refused" });
    this.url = args.url;
    this.serverStatus = args.status;
    this.problemType = args.type;
  }

  override get extensions(): Record<string, JsonValue> {
    return { url: this.url, serverStatus: this.serverStatus, ...(this.problemType ? { problemType: this.problemType } : {}) };
  }
}

/**
 * A request to the site's API (catalog, channels, closing signature) failed or answered
 * something the client cannot read. `detail` is the server's problem detail, when it sent one.
 *
 * @example
 * throw new SiteRequestError({ url, status: 409, detail: "Cannot close …: it is closing; …" })
 */
export class SiteRequestError extends TollgateClientError {
  override name = "SiteRequestError";
  readonly status = 502;
  readonly title = "Site request failed";
  readonly url: string;
  /** The server's HTTP status, or undefined when no response arrived. */
  readonly serverStatus: number | undefined;
  /** What the server's problem said (its detail, else its title), when it sent one. */
  readonly serverDetail: string | undefined;

  constructor(args: { url: string; status?: number | undefined; detail?: string | undefined; reason?: string | undefined; cause?: unknown }) {
    const what = args.status === undefined ? "could not be reached" : `answered HTTP ${args.status}`;
    const because = args.reason ? `: ${args.reason}` : "";
    const detail = args.detail ? ` The server says: ${args.detail}` : "";
    super(`${args.url} ${what}${because}.${detail}`, { slug: "site-request-failed", cause: args.cause });
    this.url = args.url;
    this.serverStatus = args.status;
    this.serverDetail = args.detail;
  }

  override get extensions(): Record<string, JsonValue> {
    return { url: this.url, ...(this.serverStatus === undefined ? {} : { serverStatus: this.serverStatus }) };
  }
}

/**
 * The receiver's closing signature does not recover to the receiver, or commits to another
 * balance than the one asked for. Submitting it would only revert on chain.
 *
 * @example
 * throw new InvalidClosingSignatureError({ channel, balance: 30n, reason: "it was made by 0x…, not by the receiver" })
 */
export class InvalidClosingSignatureError extends TollgateClientError {
  override name = "InvalidClosingSignatureError";
  readonly status = 502;
  readonly title = "Invalid closing signature";
  readonly channel: ChannelId;

  constructor(args: { channel: ChannelId; balance: bigint; reason: string }) {
    super(
      `The server's closing signature for a balance of ${args.balance} is unusable: ${args.reason}. Nothing was sent to the chain; you can still close without the receiver (uncooperative close, then settle after the challenge period).`,
      { slug: "invalid-closing-signature", metaMessages: channelLine(args.channel) },
    );
    this.channel = args.channel;
  }

  override get extensions(): Record<string, JsonValue> {
    return { channel: channelJson(this.channel) };
  }
}

/**
 * A transaction the client sent (or was about to send) failed: the contract would revert, or
 * did. `errorName` is the contract's custom error (e.g. `ChannelNotFound`), when known.
 *
 * @example
 * throw new ChainTransactionError({ action: "settle", errorName: "ChannelChallengePeriodActive", reason: "…" })
 */
export class ChainTransactionError extends TollgateClientError {
  override name = "ChainTransactionError";
  readonly status = 502;
  readonly title = "Transaction failed";
  readonly action: string;
  readonly errorName: string | undefined;

  constructor(args: { action: string; reason: string; errorName?: string | undefined; cause?: unknown }) {
    const named = args.errorName ? ` (${args.errorName})` : "";
    super(`The ${args.action} transaction failed${named}: ${args.reason}.`, { slug: "transaction-failed", cause: args.cause });
    this.action = args.action;
    this.errorName = args.errorName;
  }

  override get extensions(): Record<string, JsonValue> {
    return { action: this.action, ...(this.errorName ? { errorName: this.errorName } : {}) };
  }
}

/**
 * The sender's token balance cannot cover a deposit or top-up. Checked before any transaction,
 * so no gas is spent on a transfer that would revert.
 *
 * @example
 * throw new TokenBalanceTooLowError({ owner, needed: "1 TOLL", available: "0.2 TOLL" })
 */
export class TokenBalanceTooLowError extends TollgateClientError {
  override name = "TokenBalanceTooLowError";
  readonly status = 402;
  readonly title = "Token balance too low";
  readonly owner: Address;

  constructor(args: { owner: Address; needed: string; available: string; action: string }) {
    super(
      `${args.owner} holds ${args.available}, not enough to ${args.action} ${args.needed}: get more of the token (on the local demo chain, from the token's faucet), or choose a smaller amount.`,
      { slug: "token-balance-too-low" },
    );
    this.owner = args.owner;
  }
}
