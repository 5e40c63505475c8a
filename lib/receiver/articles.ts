import "server-only";
import type { Address } from "viem";
import type { Article } from "../db/Db";
import { fromDbAmount } from "../db/amount";
import { queryRows, rowBoolean, rowDate, sqlStatement } from "../db/driver";
import { toDbAddress } from "../db/hex";
import type { Receiver } from "./context";
import { boughtSql } from "./entitlements";

/** A published article by slug; drafts and archived articles do not exist for readers. */
export async function findPublishedArticle(receiver: Receiver, slug: string): Promise<Article | null> {
  return (await findArticleFor(receiver, slug, null))?.article ?? null;
}

/**
 * The published article at `slug` and whether `buyer` bought it (the entitlement rule's lookup,
 * lib/receiver/entitlements.ts), in one statement: a re-read costs the database no more round
 * trips than a free read. Straight to the driver (lib/db/driver.ts), as every article request
 * makes it, twice (the gate, then the page).
 */
export async function findArticleFor(receiver: Receiver, slug: string, buyer: Address | null): Promise<{ article: Article; bought: boolean } | null> {
  // A path can spell a NUL (`/articles/a%00b`), which no stored slug holds: PostgreSQL text
  // cannot, and querying with one fails (22021) and would answer a 500 instead of a 404.
  if (slug.includes("\u0000")) return null;
  const { db } = receiver;
  const [row] = await queryRows(await db.driver(), sqlStatement(db.provider, SELECT_ARTICLE, [buyer && toDbAddress(buyer), slug]));
  if (!row) return null;
  const article: Article = {
    id: Number(row.id),
    slug: row.slug as string,
    title: row.title as string,
    teaser: row.teaser as string,
    body: row.body as string,
    price: row.price as string,
    published: rowBoolean(row.published),
    archivedAt: rowDate(row.archivedAt),
    createdAt: rowDate(row.createdAt)!,
    updatedAt: rowDate(row.updatedAt)!,
  };
  return { article, bought: rowBoolean(row.bought) };
}

const SELECT_ARTICLE = `SELECT a.id, a.slug, a.title, a.teaser, a.body, a.price, a.published, a."archivedAt", a."createdAt", a."updatedAt",
  ${boughtSql("?", "a.id")} AS bought
FROM "Article" a
WHERE a.slug = ? AND a.published AND a."archivedAt" IS NULL`;

export const isFree = (article: Article) => fromDbAmount(article.price) === 0n;

/** The catalog: what anyone may see of every published article (never its body). */
export async function listCatalog(receiver: Receiver) {
  const articles = await receiver.db.article.findMany({
    where: { published: true, archivedAt: null },
    orderBy: { createdAt: "desc" },
    select: { slug: true, title: true, teaser: true, price: true },
  });
  return articles.map((a) => ({ ...a, price: fromDbAmount(a.price) }));
}
