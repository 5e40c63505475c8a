/**
 * Articles for the integration suites. Every body carries a distinctive marker (`bodyOf`) that
 * appears nowhere else, so a suite can assert that a response did, or did not, leak it.
 */
import { toDbAmount } from "../../lib/db/amount";
import type { Db } from "../../lib/db/Db";

export type TestArticle = { slug: string; price: bigint; published?: boolean };

/** The marker in `slug`'s body (and only there). */
export const secretOf = (slug: string) => `PAID-BODY-OF-${slug}-7f3a9c`;
/** `slug`'s teaser: public, shown on the paywall and in the metadata. */
export const teaserOf = (slug: string) => `Teaser of ${slug}: free to read.`;
export const bodyOf = (slug: string) => `First paragraph: ${secretOf(slug)}.\n\nSecond paragraph, also paid.`;

/** Inserts the articles, published unless told otherwise. */
export async function seedArticles(db: Db, articles: readonly TestArticle[]): Promise<void> {
  await db.article.createMany({
    data: articles.map(({ slug, price, published = true }) => ({
      slug,
      title: `Title of ${slug}`,
      teaser: teaserOf(slug),
      body: bodyOf(slug),
      price: toDbAmount(price),
      published,
    })),
  });
}
