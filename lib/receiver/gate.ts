import "server-only";
import { isChainUnreachable } from "../chain/isChainUnreachable";
import type { Article } from "../db/Db";
import { fromDbAmount } from "../db/amount";
import { PaymentRequiredError, ServiceUnavailableError, isTollgateError, type TollgateError } from "../protocol/errors";
import type { Address } from "viem";
import { decodeAccessRequest } from "../protocol/accessRequest";
import { decodePayment } from "../protocol/payment";
import type { Receipt } from "../protocol/receipt";
import type { HeadersLike } from "../protocol/headers";
import type { PaymentTerms } from "../protocol/paymentRequest";
import { acceptPayment } from "./acceptPayment";
import { issueAccessToken, readAccessToken, verifyAccessRequestFor } from "./access";
import { hasBought } from "./entitlements";
import { findPublishedArticle, isFree } from "./articles";
import { articleSlugFromPath } from "./articlePath";
import type { Receiver } from "./context";
import { viewCounterFor, viewCountingEnabled } from "./viewCounter";

export type GateRequest = { method: string; pathname: string; headers: HeadersLike };

/** The gate's verdict; proxy.ts turns it into a response. */
export type GateDecision =
  | { type: "pass" }
  | { type: "not-found" }
  | { type: "free"; article: Article }
  /**
   * The request may read the article: it paid now (`receipt` says what was charged), or its
   * buyer bought it before. `accessToken` is a fresh token to hand back (the request proved
   * its buyer by a payment or a signed access request), absent when it came with a valid one.
   */
  | { type: "paid"; article: Article; buyer: Address; receipt: Receipt | undefined; accessToken: string | undefined }
  | { type: "refused"; article: Article; error: TollgateError; terms: PaymentTerms };

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
 * for a balance proof that the receiver accepts (stored before anything is served). Only GET
 * may spend: a HEAD, or any other method, is answered as if the proof bought nothing new.
 */
export async function gate(receiver: Receiver, request: GateRequest): Promise<GateDecision> {
  const decision = await decide(receiver, request);
  if (request.method === "GET" && "article" in decision && viewCountingEnabled()) {
    // The funnel's page views and paywall impressions: a Map update here, written later.
    viewCounterFor(receiver.db).count(decision.article.id, decision.type === "refused" && decision.error.status === 402);
  }
  return decision;
}

async function decide(receiver: Receiver, request: GateRequest): Promise<GateDecision> {
  const slug = articleSlugFromPath(request.pathname);
  if (slug === null) return { type: "pass" };
  const article = await unavailableOnOutage(() => findPublishedArticle(receiver, slug));
  if (!article) return { type: "not-found" };
  if (isFree(article)) return { type: "free", article };

  const terms = paymentTerms(receiver, article);
  try {
    // The re-read path: one HMAC check and one indexed query, no channel, no chain, no recovery.
    const holder = await readAccessToken(receiver, request.headers);
    if (holder && (await hasBought(receiver.db, holder, article.id))) {
      return { type: "paid", article, buyer: holder, receipt: undefined, accessToken: undefined };
    }
    // No token (a paid answer was lost, a new client): a signed access request proves the buyer.
    const access = decodeAccessRequest(request.headers);
    const requester = access ? await verifyAccessRequestFor(receiver, access, request.pathname) : undefined;
    if (requester && (await hasBought(receiver.db, requester, article.id))) {
      return { type: "paid", article, buyer: requester, receipt: undefined, accessToken: await issueAccessToken(receiver, requester) };
    }

    const decoded = decodePayment(request.headers);
    if (decoded.type === "none") throw new PaymentRequiredError({ price: terms.price });
    const acceptance = await unavailableOnOutage(() =>
      acceptPayment(receiver, article, decoded.payment, { mayCharge: request.method === "GET", provenBuyer: requester ?? holder ?? undefined }),
    );
    return { type: "paid", article, buyer: acceptance.buyer, receipt: acceptance.receipt, accessToken: await issueAccessToken(receiver, acceptance.buyer) };
  } catch (error) {
    if (isTollgateError(error)) return { type: "refused", article, error, terms };
    throw error;
  }
}

/** Maps an unreachable chain RPC to a 503 the client can retry, instead of a 500. */
async function unavailableOnOutage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isChainUnreachable(error)) {
      throw new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: 5, cause: error });
    }
    throw error;
  }
}
