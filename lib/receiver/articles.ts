import "server-only";
import type { Article } from "../db/Db";
import { fromDbAmount } from "../db/amount";
import type { Receiver } from "./context";

/** A published article by slug; drafts and archived articles do not exist for readers. */
export async function findPublishedArticle(receiver: Receiver, slug: string): Promise<Article | null> {
  // A path can spell a NUL (`/articles/a%00b`), which no stored slug holds: PostgreSQL text
  // cannot, and querying with one fails (22021) and would answer a 500 instead of a 404.
  if (slug.includes("\u0000")) return null;
  const article = await receiver.db.article.findUnique({ where: { slug } });
  return article?.published && !article.archivedAt ? article : null;
}

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
