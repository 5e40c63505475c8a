import * as z from "zod/mini";
import type { Address } from "viem";
import { addressCodec, chainIdNumber, uint128Codec } from "../../protocol/wire";
import { requestJson, siteUrl, type FetchFunction } from "./siteRequest";

/** Where a Tollgate site lists its articles. */
export const CATALOG_PATH = "/api/articles";

const catalogSchema = z.object({
  chainId: chainIdNumber,
  contract: addressCodec,
  receiver: addressCodec,
  token: z.object({ address: addressCodec, symbol: z.string().check(z.maxLength(32)), decimals: z.number().check(z.int(), z.minimum(0), z.maximum(255)) }),
  articles: z.array(
    z.object({
      slug: z.string(),
      title: z.string(),
      teaser: z.optional(z.string()),
      price: uint128Codec,
      url: z.string(),
    }),
  ),
});

/** A site's catalog: its articles with prices, and the terms common to all of them. */
export type Catalog = {
  chainId: number;
  /** The channel manager. */
  contract: Address;
  receiver: Address;
  token: { address: Address; symbol: string; decimals: number };
  articles: { slug: string; title: string; teaser?: string | undefined; price: bigint; url: string }[];
};

/**
 * Reads a site's catalog (`GET /api/articles`). Article `url`s are made absolute.
 *
 * @example
 * const catalog = await fetchCatalog(fetch, "http://localhost:3000")
 * for (const a of catalog.articles) console.log(a.title, formatTokenAmount(a.price, catalog.token))
 */
export async function fetchCatalog(fetchFn: FetchFunction, origin: string): Promise<Catalog> {
  const catalog = await requestJson(fetchFn, siteUrl(origin, CATALOG_PATH), catalogSchema);
  return { ...catalog, articles: catalog.articles.map((article) => ({ ...article, url: siteUrl(origin, article.url) })) };
}
