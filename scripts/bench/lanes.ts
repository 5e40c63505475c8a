/**
 * What each connection sends in each scenario. Every request asks for the article page as a
 * browser does (`Accept: text/html`), so all three scenarios go through the same route, the same
 * gate (proxy.ts) and the same rendering; only the payment differs.
 */
import { RdnHeader, TollgateHeader } from "../../lib/protocol/headers";
import { FREE_SLUG, PRICE, pageHeaders, paidSlug, type ProofBook } from "./fixture";
import { header, type Lane } from "./runLoad";

/** What the lanes noticed that a status code alone does not show. */
export type Tally = {
  /** 200s whose receipt (RDN-Cost) was not what the scenario must cost: a paid read not charged, or a re-read charged. */
  wrongCost: number;
  /** Requests sent without a proof because the channel had used up its pre-signed ones. */
  exhausted: number;
};

export const newTally = (): Tally => ({ wrongCost: 0, exhausted: 0 });

/** `free`: the free article, over and over. */
export function freeLane(): Lane {
  const request = { path: `/articles/${FREE_SLUG}`, headers: pageHeaders() };
  return { next: () => request, answered: () => {} };
}

/**
 * `paid`: every request buys the next article this channel has not bought, with the next
 * pre-signed proof, which raises the stored balance by exactly the price. The channel advances
 * only on a 200, so a refused proof is offered again rather than skipped.
 */
export function paidLane(book: ProofBook, tally: Tally): Lane {
  return {
    next() {
      const path = `/articles/${paidSlug(book.bought)}`;
      if (book.bought >= book.proofs.length) {
        // Out of proofs: ask without one. The 402 voids the run, which is the point.
        tally.exhausted++;
        return { path, headers: pageHeaders() };
      }
      book.pending = true;
      return { path, headers: pageHeaders(book.proofs[book.bought]) };
    },
    answered(status, headers) {
      if (!book.pending) return;
      book.pending = false;
      if (status !== 200) return;
      if (header(headers, RdnHeader.cost) !== PRICE.toString()) tally.wrongCost++;
      book.accessToken = header(headers, TollgateHeader.accessToken) ?? book.accessToken;
      book.bought++;
    },
  };
}

/**
 * `reread`: what a browser's cookies hold (the channel's latest proof and the buyer's access
 * token) for articles it has already bought, in turn. Each must be served free of charge.
 */
export function rereadLane(book: ProofBook, tally: Tally): Lane {
  if (book.bought === 0 || !book.accessToken) throw new Error("a re-read needs a channel that bought something, and its access token");
  const latest = pageHeaders(book.proofs[book.bought - 1], book.accessToken);
  const bought = book.bought;
  let turn = 0;
  return {
    next: () => ({ path: `/articles/${paidSlug(turn++ % bought)}`, headers: latest }),
    answered(status, headers) {
      const cost = header(headers, RdnHeader.cost);
      if (status === 200 && cost !== undefined && cost !== "0") tally.wrongCost++;
    },
  };
}
