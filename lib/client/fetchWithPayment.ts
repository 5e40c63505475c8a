import { encodePaymentHeaders, type Payment } from "../protocol/payment";
import type { PaymentTerms } from "../protocol/paymentRequest";
import { decodeReceiptHeaders, type Receipt } from "../protocol/receipt";
import type { ChannelRecord } from "./channelStore";
import type { Budget, BudgetReservation } from "./createBudget";
import type { ChannelBook, Site } from "./createChannelBook";
import { PaymentRefusedError } from "./errors";
import { readPaymentRequest, type PaymentRequestResponse, type RefusalKind } from "./site/readPaymentRequest";
import { readProblem, type FetchFunction } from "./site/siteRequest";

/** What one paid (or already-paid) request cost, and where the channel stands after it. */
export type PaymentReceipt = {
  url: string;
  /** What this request was charged: the price, or 0 for an article this channel had already paid for. */
  cost: bigint;
  /** The channel's balance (everything it has paid) after this request. */
  balance: bigint;
  deposit: bigint;
  channel: ChannelRecord;
};

export type PaidResponse = { response: Response; receipt?: PaymentReceipt | undefined };

export type PaymentContext = {
  fetch: FetchFunction;
  book: ChannelBook;
  budget: Budget;
  /** Throws unless the terms suit this client (chain, trusted contract, token); returns the chain id. */
  checkTerms(terms: PaymentTerms): Promise<void>;
  /** The client's chain id, to pick a channel on the right chain before any 402. */
  chainId(): Promise<number>;
  /** Waits before resending a proof the server found too recent (insufficient confirmations). */
  waitForConfirmations(): Promise<void>;
  onPayment?: ((receipt: PaymentReceipt) => void) | undefined;
};

/** Enough for: probe, pay, re-sign, top up, reopen, and a few confirmation waits. */
const MAX_ATTEMPTS = 10;
const MAX_CONFIRMATION_WAITS = 5;

function withPayment(init: RequestInit, payment: Payment | undefined): RequestInit {
  const headers = new Headers(init.headers);
  if (!headers.has("accept")) headers.set("Accept", "application/json");
  if (payment) for (const [name, value] of Object.entries(encodePaymentHeaders(payment))) headers.set(name, value);
  return { ...init, headers };
}

/**
 * A 402 without a problem body (a browser-style answer) says only `invalid-balance-proof`; the
 * numbers tell which one it is.
 */
function refine(request: PaymentRequestResponse, payment: Payment | undefined, channel: ChannelRecord | undefined): RefusalKind {
  if (request.kind !== "invalid-balance-proof" || !payment || request.problemType) return request.kind;
  if (request.stored && request.stored.balance >= payment.balance) return "stale-balance-proof";
  if (channel && payment.balance > channel.deposit) return "insufficient-deposit";
  return request.kind;
}

/**
 * Fetches `input`, paying for it if the server answers 402: the µRaiden client loop.
 *
 * 1. If this client has an open channel with the site, the request carries its latest proof,
 *    so an article it already paid for comes back at once and free.
 * 2. On a 402, the terms are checked (chain, contract, token), a channel is found (local,
 *    recovered from the site and the chain, or opened), the budget is reserved, and a proof of
 *    `balance + price` is signed and sent.
 * 3. A stale or wrong-amount refusal: the server's stored proof is verified and adopted, and the
 *    proof re-signed on top of it, once. An insufficient deposit: one top-up, then the same
 *    proof again. Too few confirmations: wait and resend. A channel the server no longer
 *    accepts: one new channel.
 *
 * Requests for one site are serialised by the caller (cumulative proofs cannot be pipelined).
 * The request's body must be re-sendable (a string or buffer, not a stream).
 *
 * @throws {BudgetExceededError} before signing anything over budget.
 * @throws {PaymentRefusedError} when the server still refuses after the remedies above.
 * @throws {UntrustedServerProofError} when the server's stored proof does not verify.
 * @example
 * const { response, receipt } = await fetchWithPayment(context, "http://localhost:3000/articles/hello")
 */
export async function fetchWithPayment(ctx: PaymentContext, input: string | URL, init: RequestInit = {}): Promise<PaidResponse> {
  const url = new URL(String(input));
  let channel = await ctx.book.latestForOrigin(url.origin, await ctx.chainId());
  let payment = channel ? ctx.book.proofOf(channel) : undefined;
  /** Whether `payment` raises the balance (buys the article) or only proves earlier payments. */
  let raising = false;
  let probed = payment !== undefined;
  let hold: BudgetReservation | undefined;
  let settled = false;
  let resigned = false;
  let toppedUp = false;
  let reopened = false;
  let waits = 0;
  let terms: PaymentTerms | undefined;
  /** The server's last explanation, for the error if the loop gives up. */
  let lastProblem: { detail?: string | undefined; type?: string | undefined } = {};

  const refused = (status: number, attempts: string) =>
    new PaymentRefusedError({ url: url.toString(), status, detail: lastProblem.detail, type: lastProblem.type, attempts });

  const siteOf = (t: PaymentTerms): Site => ({
    origin: url.origin,
    chainId: t.chainId,
    contract: t.contract,
    token: t.token,
    receiver: t.receiver,
    gatewayPath: t.gatewayPath,
  });

  /** Holds `price` against the budget (throws BudgetExceededError), once per request. */
  function holdBudget(price: bigint): void {
    if (hold && hold.price !== price) {
      hold.release();
      hold = undefined;
    }
    hold ??= ctx.budget.reserve(price);
  }

  /**
   * Signs the channel's balance + price, holding the price against the budget first. A channel
   * without room is topped up, or replaced by one with room when top-ups are off.
   */
  async function pay(): Promise<void> {
    const price = terms!.price;
    holdBudget(price);
    if (channel!.balance + price > channel!.deposit) {
      channel = await ctx.book.ensureRoom(channel!, siteOf(terms!), price);
      toppedUp = true;
    }
    const signed = await ctx.book.sign(channel!, channel!.balance + price);
    channel = signed.record;
    payment = signed.payment;
    raising = true;
  }

  async function finish(response: Response): Promise<PaidResponse> {
    const receipt: Receipt | undefined = response.ok && payment ? decodeReceiptHeaders(response.headers) : undefined;
    if (!receipt || !channel || !payment) return { response };
    const cost = raising ? receipt.cost : 0n;
    hold?.commit(cost);
    settled = true;
    channel = await ctx.book.accepted(channel, payment, receipt);
    const paid: PaymentReceipt = { url: url.toString(), cost: receipt.cost, balance: channel.balance, deposit: channel.deposit, channel };
    ctx.onPayment?.(paid);
    return { response, receipt: paid };
  }

  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const response = await ctx.fetch(url, withPayment(init, payment));

      // The server refuses more proofs on this channel (it signed a closing commitment): use another.
      if (response.status === 409 && payment && channel && !reopened) {
        lastProblem = await readProblem(response);
        reopened = true;
        await ctx.book.retire(channel);
        channel = undefined;
        payment = undefined;
        raising = false;
        continue;
      }
      if (response.status !== 402) return await finish(response);

      const request = await readPaymentRequest(response);
      lastProblem = { detail: request.detail, type: request.problemType };
      // Checked again whenever they change: a later 402 of the same request may name other terms.
      if (!terms || terms.contract !== request.terms.contract || terms.chainId !== request.terms.chainId || terms.token !== request.terms.token) {
        await ctx.checkTerms(request.terms);
      }
      terms = request.terms;
      const kind = refine(request, payment, channel);

      switch (kind) {
        case "payment-required": {
          const existing = await ctx.book.find(siteOf(terms), terms.price);
          const proof = existing && ctx.book.proofOf(existing);
          if (!probed && existing && proof) {
            // A recovered channel may already have paid for this article: show its latest
            // proof first, so a re-read after a restart is not charged twice.
            probed = true;
            channel = existing;
            payment = proof;
            raising = false;
            continue;
          }
          // The budget is checked before a channel is opened: a refused price costs no deposit.
          holdBudget(terms.price);
          channel = existing ?? (await ctx.book.select(siteOf(terms), terms.price));
          await pay();
          continue;
        }
        case "stale-balance-proof":
        case "invalid-amount": {
          if (!channel || !payment) throw refused(402, "It refused a payment this client did not send.");
          if (!request.stored) throw refused(402, "It sent no stored balance to re-sign on.");
          if (raising) {
            if (resigned) throw refused(402, "The proof was re-signed once on the server's stored balance and refused again.");
            resigned = true;
          }
          // Verified against the chain before anything is adopted (UntrustedServerProofError otherwise).
          channel = await ctx.book.adopt(channel, request.stored);
          await pay();
          continue;
        }
        case "insufficient-deposit": {
          if (!channel || !payment) throw refused(402, "It refused a payment this client did not send.");
          if (toppedUp) throw refused(402, "The channel was topped up and the proof is still above its deposit.");
          toppedUp = true;
          if (request.stored && request.stored.balance > channel.balance) channel = await ctx.book.adopt(channel, request.stored);
          channel = await ctx.book.ensureDeposit(channel, payment.balance);
          continue;
        }
        case "insufficient-confirmations": {
          if (!payment || waits >= MAX_CONFIRMATION_WAITS) throw refused(402, `Waited ${waits} times for the channel's confirmations.`);
          waits++;
          await ctx.waitForConfirmations();
          continue;
        }
        case "nonexisting-channel": {
          if (!channel || !payment || reopened) throw refused(402, reopened ? "A new channel was opened and still refused." : "");
          reopened = true;
          const refreshed = await ctx.book.refresh(channel);
          if (refreshed.status === "open") {
            throw refused(402, `The channel opened at block ${channel.openBlock} is open on chain, but the server does not know it.`);
          }
          holdBudget(terms.price);
          channel = await ctx.book.select(siteOf(terms), terms.price);
          await pay();
          continue;
        }
        case "invalid-balance-proof":
          throw refused(402, "It did not accept the signature.");
      }
    }
    throw refused(402, `Gave up after ${MAX_ATTEMPTS} attempts.`);
  } finally {
    if (hold && !settled) hold.release();
  }
}
