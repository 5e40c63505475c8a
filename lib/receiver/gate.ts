import "server-only";
import type { Article } from "../db/Db";
import { fromDbAmount } from "../db/amount";
import type { PaymentRequired, SettleResponse } from "@x402/core/types";
import { MalformedPaymentError, PaymentRequiredError, X402PaymentInvalidError, isTollgateError, type TollgateError } from "../protocol/errors";
import type { Address } from "viem";
import { decodeAccessRequest } from "../protocol/accessRequest";
import { decodePayment } from "../protocol/payment";
import type { Receipt } from "../protocol/receipt";
import { X402Header, type HeadersLike } from "../protocol/headers";
import type { PaymentTerms } from "../protocol/paymentRequest";
import { decodeX402Payment, x402PaymentRequired, x402Requirements } from "../protocol/x402";
import { acceptPayment } from "./acceptPayment";
import { asServiceUnavailable } from "./asServiceUnavailable";
import { issueAccessToken, readAccessToken, verifyAccessRequestFor } from "./access";
import { hasBought } from "./entitlements";
import { findArticleFor, isFree } from "./articles";
import { articleSlugFromPath } from "./articlePath";
import type { Receiver } from "./context";
import { viewCounterFor, viewCountingEnabled } from "./viewCounter";
import { acceptX402Payment } from "./x402/acceptX402Payment";
import { tokenDomain } from "./x402/tokenDomain";

/** `origin` is the request's, for the URL an x402 offer names (SITE_URL, when set, wins). */
export type GateRequest = { method: string; pathname: string; headers: HeadersLike; origin?: string };

/** The gate's verdict; proxy.ts turns it into a response. */
export type GateDecision =
  | { type: "pass" }
  | { type: "not-found" }
  | { type: "free"; article: Article }
  /**
   * The request may read the article: it paid now (`receipt` says what was charged), or its
   * buyer bought it before. `accessToken` is a fresh token to hand back (the request proved
   * its buyer by a payment or a signed access request), absent when it came with a valid one.
   * `settlement` is the x402 settlement that paid now, for `PAYMENT-RESPONSE`.
   */
  | {
      type: "paid";
      article: Article;
      buyer: Address;
      receipt: Receipt | undefined;
      accessToken: string | undefined;
      settlement?: SettleResponse | undefined;
    }
  /** `x402`: the same offer in x402's terms, for the `PAYMENT-REQUIRED` header of a 402. */
  | { type: "refused"; article: Article; error: TollgateError; terms: PaymentTerms; x402: PaymentRequired };

export function paymentTerms(receiver: Receiver, article: Article): PaymentTerms {
  const { config } = receiver;
  return {
    price: fromDbAmount(article.price),
    receiver: config.receiver.address,
    contract: config.channelManager,
    token: config.token,
    chainId: config.chainId,
    gatewayPath: "/api",
  };
}

/**
 * Decides a request for an article: free articles pass; priced ones are served to their buyer
 * (an access token or a signed access request naming an address that bought the article), or
 * for a balance proof that the receiver accepts (stored before anything is served), or for an
 * x402 payment that settled (`PAYMENT-SIGNATURE`, lib/receiver/x402). Only GET may spend: a
 * HEAD, or any other method, is answered as if the payment bought nothing new.
 */
export async function gate(receiver: Receiver, request: GateRequest): Promise<GateDecision> {
  const decision = await decide(receiver, request);
  if (request.method === "GET" && !isPrefetch(request.headers) && "article" in decision && viewCountingEnabled()) {
    // The funnel's page views and paywall impressions: a Map update here, written later.
    viewCounterFor(receiver.db).count(decision.article.id, decision.type === "refused" && decision.error.status === 402);
  }
  return decision;
}

/**
 * A request a browser makes ahead of a visit that may never happen: Next.js's `<Link>` prefetch
 * (a free article's link is prefetched wherever it is shown) and the browser's own speculative
 * loads. It is served as any other, but it is not a page view.
 */
function isPrefetch(headers: HeadersLike): boolean {
  return headers.get("next-router-prefetch") !== null || /prefetch/i.test(headers.get("sec-purpose") ?? headers.get("purpose") ?? "");
}

async function decide(receiver: Receiver, request: GateRequest): Promise<GateDecision> {
  const slug = articleSlugFromPath(request.pathname);
  if (slug === null) return { type: "pass" };
  // The token first (an HMAC, no query), so that its holder's purchase is looked up with the article.
  const holder = await readAccessToken(receiver, request.headers);
  const found = await unavailableOnOutage(() => findArticleFor(receiver, slug, holder));
  if (!found) return { type: "not-found" };
  const { article } = found;
  if (isFree(article)) return { type: "free", article };

  const terms = paymentTerms(receiver, article);
  const offer = x402Requirements(terms, await unavailableOnOutage(() => tokenDomain(receiver)));
  const resource = { url: new URL(request.pathname, receiver.config.siteUrl ?? request.origin ?? "http://localhost").href, description: article.title };
  try {
    // The re-read path: one HMAC check and the article's own query, no channel, no chain, no recovery.
    if (holder && found.bought) {
      return { type: "paid", article, buyer: holder, receipt: undefined, accessToken: undefined };
    }
    // No token (a paid answer was lost, a new client): a signed access request proves the buyer.
    const access = decodeAccessRequest(request.headers);
    const requester = access ? await verifyAccessRequestFor(receiver, access, request.pathname) : undefined;
    if (requester && (await hasBought(receiver.db, requester, article.id))) {
      return { type: "paid", article, buyer: requester, receipt: undefined, accessToken: await issueAccessToken(receiver, requester) };
    }

    const x402 = decodeX402Payment(request.headers);
    const decoded = decodePayment(request.headers);
    if (x402.type === "x402") {
      // Cookies are a browser's channel payment, sent whatever the page does: ignored here.
      if (decoded.type === "payment" && decoded.source === "headers") {
        throw new MalformedPaymentError({ field: `${X402Header.paymentSignature} header`, reason: "came with a channel payment (RDN-* headers): send one payment, not two" });
      }
      const { buyer, settlement } = await acceptX402Payment(receiver, article, x402.payment, offer, { mayCharge: request.method === "GET" });
      // The buyer proved itself with a fresh signature: the same token as a channel buyer's.
      return { type: "paid", article, buyer, receipt: undefined, accessToken: await issueAccessToken(receiver, buyer), settlement };
    }
    if (decoded.type === "none") throw new PaymentRequiredError({ price: terms.price });
    const acceptance = await acceptPayment(receiver, article, decoded.payment, { mayCharge: request.method === "GET", provenBuyer: requester ?? holder ?? undefined });
    return { type: "paid", article, buyer: acceptance.buyer, receipt: acceptance.receipt, accessToken: await issueAccessToken(receiver, acceptance.buyer) };
  } catch (error) {
    // An unreachable chain or a busy database refuses this request for now: a 503 with the
    // article's page for a browser, never a 500.
    const refusal = isTollgateError(error) ? error : asServiceUnavailable(error);
    if (refusal) {
      const reason = refusal instanceof X402PaymentInvalidError ? refusal.reason : undefined;
      return { type: "refused", article, error: refusal, terms, x402: x402PaymentRequired(offer, resource, reason) };
    }
    throw error;
  }
}

/** The article and the offer are read before there is a page to refuse with: an outage there is a bare 503. */
async function unavailableOnOutage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asServiceUnavailable(error) ?? error;
  }
}
