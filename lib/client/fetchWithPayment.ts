import { isAddressEqual } from "viem";
import { encodeAccessRequest, type AccessRequest } from "../protocol/accessRequest";
import { TollgateHeader } from "../protocol/headers";
import { encodePaymentHeaders, type Payment } from "../protocol/payment";
import type { PaymentTerms } from "../protocol/paymentRequest";
import { decodeReceiptHeaders, type Receipt } from "../protocol/receipt";
import { channelKey, highestSigned, type ChannelRecord } from "./channelStore";
import type { Budget } from "./createBudget";
import type { ChannelBook, Site } from "./createChannelBook";
import { PaymentRefusedError } from "./errors";
import { readPaymentRequest, type PaymentRequestResponse, type RefusalKind } from "./site/readPaymentRequest";
import { readRedirect } from "./site/readRedirect";
import { readProblem, type FetchFunction } from "./site/siteRequest";

/** What one paid (or already-paid) request cost, and where the channel stands after it. */
export type PaymentReceipt = {
  url: string;
  /**
   * What this request cost the reader: how far the proofs it signed raised the highest balance
   * the reader was known to have signed (the price, or 0 for an article already paid for). What
   * the budget counted; the server's `RDN-Cost` plays no part in it.
   */
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
  /** Throws unless the terms suit this client (chain, trusted contract, token). */
  checkTerms(terms: PaymentTerms): Promise<void>;
  /** Whether the client holds an access token for `origin` (then it re-reads without any proof). */
  hasAccessToken(origin: string): Promise<boolean>;
  /** The client's chain id, to pick a channel on the right chain before any 402. */
  chainId(): Promise<number>;
  /** Waits before resending a proof the server found too recent (insufficient confirmations). */
  waitForConfirmations(attempt: number): Promise<void>;
  onPayment?: ((receipt: PaymentReceipt) => void) | undefined;
};

/** Enough for: probe, pay, re-sign, top up, reopen, and a few confirmation waits. */
const MAX_ATTEMPTS = 10;
const MAX_CONFIRMATION_WAITS = 8;
/** As many as fetch itself follows. */
const MAX_REDIRECTS = 20;

function withPayment(init: RequestInit, payment: Payment | undefined, access?: AccessRequest | undefined): RequestInit {
  const headers = new Headers(init.headers);
  if (!headers.has("accept")) headers.set("Accept", "application/json");
  if (payment) for (const [name, value] of Object.entries(encodePaymentHeaders(payment))) headers.set(name, value);
  if (access) headers.set(TollgateHeader.accessRequest, encodeAccessRequest(access));
  // Followed by hand (readRedirect): fetch would carry the payment headers to any origin.
  return { ...init, headers, redirect: "manual" };
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

/** Whether a channel is one the terms name: same chain, channel manager and receiver. */
const underTerms = (channel: ChannelRecord, terms: PaymentTerms) =>
  channel.chainId === terms.chainId && isAddressEqual(channel.contract, terms.contract) && isAddressEqual(channel.receiver, terms.receiver);

/**
 * Fetches `input`, paying for it if the server answers 402: the µRaiden client loop.
 *
 * 1. If this client has an open channel with the site (its origin), the request carries its
 *    latest proof, so an article it already paid for comes back at once and free.
 * 2. On a 402, the terms are checked (chain, trusted contract, token), a channel bound to the
 *    site's origin is found (local, recovered from the site and the chain, or opened), and a
 *    proof of `balance + price` is signed, counted against the budget, and sent.
 * 3. A stale or wrong-amount refusal: the server's stored proof is verified and adopted, and the
 *    proof re-signed on top of it, if that stays within one price of what the reader is known to
 *    have signed: a stored proof this request signed itself is that proof accepted, and shown
 *    once more as a re-read. An insufficient deposit: one top-up, then the same proof again. Too
 *    few confirmations: wait and resend. A channel the server no longer accepts: one new channel,
 *    if nothing was signed on the old one or it is gone from the chain.
 *
 * What one request signs never raises the reader's highest signed balance by more than one price
 * above the highest balance it is known to have signed without this request (a verified proof
 * from the reader's other client raises that). Redirects are followed by hand within the
 * origin; one to another origin is followed without payment headers, and nothing is paid there.
 *
 * Requests for one site are serialised by the caller (cumulative proofs cannot be pipelined).
 * The request's body must be re-sendable (a string or buffer, not a stream).
 *
 * @throws {BudgetExceededError} before signing or depositing anything over budget.
 * @throws {PaymentRefusedError} when the server still refuses after the remedies above.
 * @throws {UntrustedServerProofError} when the server's stored proof does not verify.
 * @example
 * const { response, receipt } = await fetchWithPayment(context, "http://localhost:3000/articles/hello")
 */
export async function fetchWithPayment(ctx: PaymentContext, input: string | URL, init: RequestInit = {}): Promise<PaidResponse> {
  let url = new URL(String(input));
  let request = init;
  let channel = await ctx.book.latestForOrigin(url.origin, await ctx.chainId());
  // The latest proof is shown first. With a token the server answers a re-read by the token, and
  // a 402 means "not bought" but still shows the server's stored proof, so a stale copy of the
  // channel (another client of the reader paid meanwhile) is caught before anything is signed
  // on it. Without one (a new client, lost storage): if the server holds that proof, one access
  // request tells whether it bought this article.
  const holdsToken = await ctx.hasAccessToken(url.origin);
  let payment = channel ? ctx.book.proofOf(channel) : undefined;
  let probed = payment !== undefined || holdsToken;
  /** Balances this request signed on `channel`: the server showing one back is no news. */
  const signedHere = new Set<bigint>();
  /**
   * The most this request may sign on `channel`: one price above the highest balance the reader
   * was known to have signed on it when the request first signed there, raised only by a
   * verified proof the request did not sign itself.
   */
  let ceiling: { channel: string; balance: bigint } | undefined;
  /** How far this request's signatures raised the highest signed balance: what it cost. */
  let cost = 0n;
  let resigned = false;
  /** A signed access request, sent once when the server holds our proof but we hold no token. */
  let access: AccessRequest | undefined;
  let toppedUp = false;
  let reopened = false;
  let waits = 0;
  let redirects = 0;
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

  /** Moving to another channel in this request is fine until a proof was signed on this one. */
  function mayLeaveChannel(why: string, status = 402): void {
    if (signedHere.size > 0) {
      throw refused(status, `${why}, after this request signed a balance of ${[...signedHere].at(-1)} on its channel: one request never pays twice.`);
    }
  }

  /** Throws unless signing `channel.balance + price` stays under this request's ceiling on `channel`. */
  function withinCeiling(record: ChannelRecord, price: bigint): void {
    const key = channelKey(record);
    if (ceiling?.channel !== key) ceiling = { channel: key, balance: highestSigned(record) + price };
    if (record.balance + price > ceiling.balance) {
      throw refused(402, `It wants a balance of ${record.balance + price} signed, more than one price above the ${ceiling.balance - price} the reader is known to have signed without this request.`);
    }
  }

  /**
   * Signs the channel's balance + price, counted against the budget before it is signed. A
   * channel without room is topped up, or replaced by one with room when top-ups are off.
   */
  async function pay(): Promise<void> {
    const price = terms!.price;
    ctx.budget.checkPrice(price);
    withinCeiling(channel!, price);
    if (channel!.balance + price > channel!.deposit) {
      if (!ctx.book.topsUp) mayLeaveChannel("Its channel has no room left");
      channel = await ctx.book.ensureRoom(channel!, siteOf(terms!), price);
      withinCeiling(channel, price);
      toppedUp = true;
    }
    const signed = await ctx.book.sign(channel!, channel!.balance + price, (raise, key) =>
      raise > 0n ? ctx.budget.holdSignature(key, raise, price) : undefined,
    );
    cost += signed.raise;
    signedHere.add(signed.payment.balance);
    channel = signed.record;
    payment = signed.payment;
  }

  async function finish(response: Response): Promise<PaidResponse> {
    const receipt: Receipt | undefined = response.ok && payment ? decodeReceiptHeaders(response.headers) : undefined;
    if (!receipt || !channel || !payment) return { response };
    channel = await ctx.book.accepted(channel, payment, receipt);
    const paid: PaymentReceipt = { url: url.toString(), cost, balance: channel.balance, deposit: channel.deposit, channel };
    ctx.onPayment?.(paid);
    return { response, receipt: paid };
  }

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const response = await ctx.fetch(url, withPayment(request, payment, access));

    const hop = readRedirect(response, url, request);
    if (hop) {
      if (init.redirect === "manual") return { response };
      if (init.redirect === "error") throw new TypeError(`${url} redirected, and the request asked for redirect: "error"`);
      if (++redirects > MAX_REDIRECTS) throw new TypeError(`${input} redirected more than ${MAX_REDIRECTS} times`);
      // Another origin gets the request as a plain fetch would send it, without any payment:
      // paying there would need a channel bound to that origin, and its own request.
      if (hop === "elsewhere") return { response: await ctx.fetch(url, { ...withPayment(request, undefined), redirect: "follow" }) };
      ({ url, init: request } = hop);
      attempt--; // a redirect within the site is no payment attempt
      continue;
    }

    // The server refuses more proofs on this channel (it signed a closing commitment): use another.
    if (response.status === 409 && payment && channel && !reopened) {
      lastProblem = await readProblem(response);
      reopened = true;
      await ctx.book.retire(channel);
      mayLeaveChannel("It takes no more proofs on the channel", 409);
      channel = undefined;
      payment = undefined;
      continue;
    }
    if (response.status !== 402) return await finish(response);

    const paymentRequest = await readPaymentRequest(response);
    lastProblem = { detail: paymentRequest.detail, type: paymentRequest.problemType };
    const next = paymentRequest.terms;
    // Checked again whenever they change: a later 402 of the same request may name other terms.
    if (!terms || terms.contract !== next.contract || terms.chainId !== next.chainId || terms.token !== next.token) await ctx.checkTerms(next);
    terms = next;
    let kind = refine(paymentRequest, payment, channel);
    // A channel under other terms (another manager or receiver) cannot pay these: find one that can.
    if (channel && !underTerms(channel, terms) && kind !== "payment-required") {
      mayLeaveChannel("It named another channel manager or receiver");
      channel = undefined;
      payment = undefined;
      kind = "payment-required";
    }

    switch (kind) {
      case "payment-required": {
        mayLeaveChannel("It asked for a payment again");
        const existing = await ctx.book.find(siteOf(terms), terms.price);
        const proof = existing && ctx.book.proofOf(existing);
        if (!probed && existing && proof) {
          // A recovered channel may already have paid for this article: show its latest
          // proof first, so a re-read after a restart is not charged twice.
          probed = true;
          channel = existing;
          payment = proof;
          continue;
        }
        // The budget is checked before a channel is opened: a refused price costs no deposit.
        ctx.budget.checkPrice(terms.price);
        channel = existing ?? (await ctx.book.select(siteOf(terms), terms.price));
        await pay();
        continue;
      }
      case "stale-balance-proof":
      case "invalid-amount": {
        if (!channel || !payment) throw refused(402, "It refused a payment this client did not send.");
        const stored = paymentRequest.stored;
        if (!stored) throw refused(402, "It sent no stored balance to re-sign on.");
        // Verified against the chain before anything is adopted (UntrustedServerProofError otherwise).
        channel = await ctx.book.adopt(channel, stored);
        if (!access && !holdsToken) {
          // The server holds a proof of the reader's at or above the one sent (this request's, its
          // answer lost; the latest one, shown as a probe; or one a lost storage forgot): perhaps
          // it paid for this article. That proof is public, so it proves nothing by itself: ask
          // once more with a signed access request, which only the sender or its session key can
          // make, before signing any more. (With a token there is nothing to ask: the server
          // knew the buyer, and answered "not bought".)
          access = await ctx.book.signAccessRequest(channel, url.pathname);
          payment = ctx.book.proofOf(channel) ?? payment;
          continue;
        }
        if (signedHere.has(stored.balance)) throw refused(402, `It holds this request's own proof of ${stored.balance} and still refuses the article.`);
        if (ceiling && stored.balance + terms.price > ceiling.balance) {
          // A verified proof above what this client knew, not signed by this request: the
          // reader's other client paid meanwhile, so one price on top of it is still one price.
          // What this request signed below that proof raised nothing the reader had not signed
          // already: it is no cost of this request.
          const covered = stored.balance - (ceiling.balance - terms.price);
          cost = cost > covered ? cost - covered : 0n;
          ceiling = { ...ceiling, balance: stored.balance + terms.price };
        } else if (signedHere.size > 0) {
          if (resigned) throw refused(402, "The proof was re-signed once on the server's stored balance and refused again.");
          resigned = true;
        }
        await pay();
        continue;
      }
      case "insufficient-deposit": {
        if (!channel || !payment) throw refused(402, "It refused a payment this client did not send.");
        if (toppedUp) {
          // The top-up is on chain but the receiver counts it only once its watcher has seen it
          // CONFIRMATIONS deep: wait for that, as for a new channel's confirmations.
          if (channel.deposit < payment.balance) throw refused(402, "The channel was topped up and the proof is still above its deposit.");
          if (waits >= MAX_CONFIRMATION_WAITS) throw refused(402, `Waited ${waits} times for the receiver to count the top-up.`);
          await ctx.waitForConfirmations(waits++);
          continue;
        }
        toppedUp = true;
        if (paymentRequest.stored && paymentRequest.stored.balance > channel.balance) channel = await ctx.book.adopt(channel, paymentRequest.stored);
        channel = await ctx.book.ensureDeposit(channel, payment.balance);
        continue;
      }
      case "insufficient-confirmations": {
        if (!payment || waits >= MAX_CONFIRMATION_WAITS) throw refused(402, `Waited ${waits} times for the channel's confirmations.`);
        await ctx.waitForConfirmations(waits++);
        continue;
      }
      case "nonexisting-channel": {
        if (!channel || !payment || reopened) throw refused(402, reopened ? "A new channel was opened and still refused." : "");
        reopened = true;
        const refreshed = await ctx.book.refresh(channel);
        if (refreshed.status === "open") {
          throw refused(402, `The channel opened at block ${channel.openBlock} is open on chain, but the server does not know it.`);
        }
        // Gone from the chain, the channel can pay out no proof signed on it; closing, it can.
        if (refreshed.status === "settled") signedHere.clear();
        mayLeaveChannel("It no longer takes proofs on the channel, which is closing on chain");
        ctx.budget.checkPrice(terms.price);
        channel = await ctx.book.select(siteOf(terms), terms.price);
        await pay();
        continue;
      }
      case "invalid-balance-proof":
        throw refused(402, "It did not accept the signature.");
    }
  }
  throw refused(402, `Gave up after ${MAX_ATTEMPTS} attempts.`);
}
