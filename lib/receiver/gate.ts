import "server-only";
import { isChainUnreachable } from "../chain/isChainUnreachable";
import type { Article } from "../db/Db";
import { fromDbAmount } from "../db/amount";
import { PaymentRequiredError, ServiceUnavailableError, isTollgateError, type TollgateError } from "../protocol/errors";
import { decodePayment } from "../protocol/payment";
import type { HeadersLike } from "../protocol/headers";
import type { PaymentTerms } from "../protocol/paymentRequest";
import { acceptPayment, type Acceptance } from "./acceptPayment";
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
  | { type: "paid"; article: Article; acceptance: Acceptance }
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
 * Decides a request for an article: free articles pass, priced ones need a balance proof that
 * the receiver accepts (stored before anything is served). Only GET may spend: a HEAD, or any
 * other method, is answered as if the proof bought nothing new.
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
    const decoded = decodePayment(request.headers);
    if (decoded.type === "none") throw new PaymentRequiredError({ price: terms.price });
    const acceptance = await unavailableOnOutage(() =>
      acceptPayment(receiver, article, decoded.payment, { mayCharge: request.method === "GET" }),
    );
    return { type: "paid", article, acceptance };
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
