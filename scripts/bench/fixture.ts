/**
 * What the benchmark runs against: the integration harness's real Hardhat node and `next start`
 * on a fresh SQLite database, a free article and many paid ones of identical shape, and one
 * channel per connection whose balance proofs are signed before any timed run.
 */
import { parseEther } from "viem";
import { toDbAmount } from "../../lib/db/amount";
import { encodePaymentHeaders, type Payment } from "../../lib/protocol/payment";
import { TollgateHeader } from "../../lib/protocol/headers";
import type { Db } from "../../lib/db/Db";
import type { TestChain } from "../../test/helpers/localSite";
import { chainClients, openChannel, type TestChannel } from "../../test/helpers/reader";
import { devAccount } from "../lib/localChain";

/** Every paid article costs the same: 0.001 TOLL. */
export const PRICE = 10n ** 15n;
/** Each channel's deposit: room for a million articles, so no proof ever needs a top-up. */
export const DEPOSIT = parseEther("1000");

export const FREE_SLUG = "bench-free";
export const paidSlug = (k: number) => `bench-paid-${String(k).padStart(6, "0")}`;
/** A word only the article's body contains, to tell a served body from a paywall. */
export const bodyMarker = (slug: string) => `body-of-${slug}`;

/**
 * About 1 KB of body in four paragraphs, like the demo's sample articles, the same length for
 * every slug: the free and the paid pages render the same amount of markup.
 */
function articleRow(slug: string, price: bigint) {
  const filler =
    "A payment channel lets a reader pay for each article with one signature over the running total, " +
    "checked by the server in the same request and settled on chain only when the channel closes.";
  return {
    slug,
    title: `Benchmark article ${slug}`,
    teaser: "An article of ordinary length, for measuring what a read costs the server.",
    body: [`${bodyMarker(slug)}. ${filler}`, filler, filler, filler].join("\n\n"),
    price: toDbAmount(price),
    published: true,
  };
}

/** The free article and paid articles 0 … count − 1. */
export async function seedArticles(db: Db, paid: { from: number; to: number }, { free = false } = {}) {
  const rows = [];
  if (free) rows.push(articleRow(FREE_SLUG, 0n));
  for (let k = paid.from; k < paid.to; k++) rows.push(articleRow(paidSlug(k), PRICE));
  // SQLite caps the bound variables of one statement: insert in slices.
  for (let i = 0; i < rows.length; i += 500) await db.article.createMany({ data: rows.slice(i, i + 500) });
}

/**
 * One channel's balance proofs, signed ahead: proof k raises the balance to (k + 1) × PRICE and
 * buys paid article k. The server has stored proofs 0 … bought − 1.
 */
export class ProofBook {
  readonly proofs: Payment[] = [];
  bought = 0;
  /** The access token the paid answers return: what proves the buyer on a re-read (docs/protocol.md). */
  accessToken: string | undefined;
  /** A request carrying proof `bought` was sent and never answered (its run stopped first). */
  pending = false;

  constructor(readonly channel: TestChannel) {}

  /** Signs proofs until there are `count`. */
  async ensure(count: number): Promise<void> {
    while (this.proofs.length < count) this.proofs.push(await this.channel.sign(BigInt(this.proofs.length + 1) * PRICE));
  }

  /** The balance the server should have stored for this channel. */
  get balance(): bigint {
    return BigInt(this.bought) * PRICE;
  }
}

/** Request headers for a page, as a browser asks for it, with a proof when given. */
export function pageHeaders(payment?: Payment, accessToken?: string): Record<string, string> {
  return {
    accept: "text/html",
    ...(payment ? encodePaymentHeaders(payment) : {}),
    ...(accessToken ? { [TollgateHeader.accessToken]: accessToken } : {}),
  };
}

/**
 * Opens `count` channels, each from its own Hardhat development account (#2 onwards), with
 * {@link DEPOSIT}. Accounts past the node's funded ones get test ether from account #0 first.
 */
export async function openChannels(chain: TestChain, count: number): Promise<ProofBook[]> {
  const indexes = Array.from({ length: count }, (_, i) => i + 2);
  const funder = chainClients(chain, devAccount(0));
  for (const index of indexes) {
    const { address } = devAccount(index);
    if ((await funder.client.getBalance({ address })) >= parseEther("1")) continue;
    const hash = await funder.wallet.sendTransaction({ to: address, value: parseEther("10") });
    await funder.client.waitForTransactionReceipt({ hash });
  }
  const channels = await Promise.all(indexes.map((index) => openChannel(chain, index, { deposit: DEPOSIT })));
  return channels.map((channel) => new ProofBook(channel));
}
