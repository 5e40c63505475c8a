import "server-only";
import { z } from "zod";
import type { Article } from "../../db/Db";
import { fromDbAmount, toDbAmount } from "../../db/amount";
import { isUniqueViolation } from "../../db/isUniqueViolation";
import { formatAmount, parseAmount } from "../../protocol/amounts";
import { isTollgateError } from "../../protocol/errors";
import { tokenUnit } from "../../token";
import type { Receiver } from "../context";

/** What the article form sends. The price is typed in tokens ("0.05"), checked by parseAmount below. */
export const articleInput = z.object({
  slug: z
    .string()
    .trim()
    .min(1, "Enter a slug: the article's address, e.g. my-first-article")
    .max(100, "Keep the slug under 100 characters")
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lower-case letters, digits and single hyphens, e.g. my-first-article"),
  title: z.string().trim().min(1, "Enter a title").max(200, "Keep the title under 200 characters"),
  teaser: z.string().trim().min(1, "Enter a teaser: the free part readers see before paying").max(1000, "Keep the teaser under 1000 characters"),
  body: z.string().trim().min(1, "Enter the article's text").max(200_000, "The text is too long (200,000 characters at most)"),
  price: z.string().max(100, "Enter a price such as 0.05"),
});
export type ArticleInput = z.infer<typeof articleInput>;
export type ArticleField = keyof ArticleInput;

/** A form's outcome: the message for each field that is wrong, or the saved article's id. */
export type ArticleFormResult = { ok: true; id: number } | { ok: false; fieldErrors: Partial<Record<ArticleField, string>>; formError?: string };

/** The price as the form shows it: tokens, exact. */
export const priceInTokens = (article: Pick<Article, "price">) => formatAmount(fromDbAmount(article.price), tokenUnit.decimals);

function parseArticle(raw: Record<string, unknown>): { ok: true; data: Omit<ArticleInput, "price"> & { price: bigint } } | (ArticleFormResult & { ok: false }) {
  const parsed = articleInput.safeParse(raw);
  const fieldErrors: Partial<Record<ArticleField, string>> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) fieldErrors[issue.path[0] as ArticleField] ??= issue.message;
  let price: bigint | undefined;
  try {
    price = parseAmount(typeof raw.price === "string" ? raw.price : "", tokenUnit.decimals);
  } catch (error) {
    if (!isTollgateError(error)) throw error;
    fieldErrors.price ??= error.shortMessage.replace(/^The amount/, "The price");
  }
  if (!parsed.success || price === undefined) return { ok: false, fieldErrors };
  return { ok: true, data: { ...parsed.data, price } };
}

const slugTaken = (slug: string): ArticleFormResult => ({ ok: false, fieldErrors: { slug: `Another article already has the address /articles/${slug}: pick another slug` } });

/** Creates a draft (unpublished) article. */
export async function createArticle(receiver: Receiver, raw: Record<string, unknown>): Promise<ArticleFormResult> {
  const parsed = parseArticle(raw);
  if (!parsed.ok) return parsed;
  const { price, ...fields } = parsed.data;
  try {
    const article = await receiver.db.article.create({ data: { ...fields, price: toDbAmount(price), published: false } });
    return { ok: true, id: article.id };
  } catch (error) {
    if (isUniqueViolation(error, "Article_slug_key")) return slugTaken(fields.slug);
    throw error;
  }
}

/**
 * Saves an article's fields. A bought article keeps its slug: readers' links and entitlements
 * name it, so a rename would take away what they paid for.
 */
export async function updateArticle(receiver: Receiver, id: number, raw: Record<string, unknown>): Promise<ArticleFormResult> {
  const existing = await receiver.db.article.findUnique({ where: { id }, include: { _count: { select: { purchases: true } } } });
  if (!existing || existing.archivedAt) return { ok: false, fieldErrors: {}, formError: "This article no longer exists (deleted or archived)." };
  const parsed = parseArticle(raw);
  if (!parsed.ok) return parsed;
  const { price, ...fields } = parsed.data;
  if (fields.slug !== existing.slug && existing._count.purchases > 0) {
    return { ok: false, fieldErrors: { slug: "Readers bought this article under its address: it keeps its slug" } };
  }
  try {
    await receiver.db.article.update({ where: { id }, data: { ...fields, price: toDbAmount(price) } });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error, "Article_slug_key")) return slugTaken(fields.slug);
    throw error;
  }
}

/** Every article not archived, newest first, with what it sold. */
export async function listAdminArticles(receiver: Receiver) {
  const articles = await receiver.db.article.findMany({
    where: { archivedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, slug: true, title: true, price: true, published: true, updatedAt: true, _count: { select: { purchases: true } } },
  });
  return articles.map(({ _count, ...a }) => ({ ...a, price: fromDbAmount(a.price), purchases: _count.purchases }));
}

export const findAdminArticle = (receiver: Receiver, id: number) => receiver.db.article.findFirst({ where: { id, archivedAt: null } });

export async function setArticlePublished(receiver: Receiver, id: number, published: boolean): Promise<void> {
  await receiver.db.article.updateMany({ where: { id, archivedAt: null }, data: { published } });
}

/**
 * Deletes an article nobody bought; archives one that was bought (unpublished and hidden from
 * readers, its purchases still pointing at it: Purchase → Article is Restrict on delete).
 * One transaction, so a purchase landing meanwhile makes it an archive, never a failed delete.
 */
export async function deleteArticle(receiver: Receiver, id: number): Promise<"deleted" | "archived" | "missing"> {
  return receiver.db.$transaction(async (tx) => {
    const article = await tx.article.findFirst({ where: { id, archivedAt: null }, include: { _count: { select: { purchases: true } } } });
    if (!article) return "missing";
    if (article._count.purchases > 0) {
      await tx.article.update({ where: { id }, data: { archivedAt: new Date(), published: false } });
      return "archived";
    }
    await tx.article.delete({ where: { id } });
    return "deleted";
  });
}
