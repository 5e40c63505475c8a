import "server-only";
import type { Address } from "viem";
import { fromDbAmount } from "../db/amount";
import type { Db } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { queryRows, rowBoolean, sqlStatement } from "../db/driver";
import { isUniqueViolation } from "../db/isUniqueViolation";

/**
 * The entitlement rule, in one place (DESIGN.md, "Receiver rules"): an address may read a paid
 * article once it bought it, on whichever of its channels (open or closed) or other payment path
 * paid, and for ever after; nobody else may. An article is bought at most once per buyer
 * (Purchase @@unique([buyer, articleId])), so every check is one indexed lookup.
 *
 * Who the buyer is must be proven by the caller (an access token, a signed access request or a
 * fresh balance proof, lib/receiver/gate.ts): a balance proof alone proves nothing, it is public.
 */

/** The unique key Purchase's (buyer, article) rule violates, as lib/db/isUniqueViolation names it. */
export const PURCHASE_KEY = "Purchase_buyer_articleId_key";

/**
 * Whether `buyer` bought the article with id `articleId`.
 *
 * @example
 * if (await hasBought(receiver.db, claims.sub, article.id)) return { type: "paid", … }
 */
export async function hasBought(db: Db, buyer: Address, articleId: number): Promise<boolean> {
  // Straight to the driver (lib/db/driver.ts): every re-read asks, and Prisma's findUnique costs
  // eight times the CPU of this statement.
  const [row] = await queryRows(await db.driver(), sqlStatement(db.provider, `SELECT ${boughtSql("?", "?")} AS bought`, [toDbAddress(buyer), articleId]));
  return rowBoolean(row.bought);
}

/**
 * The rule's lookup as an SQL expression, for statements that read it beside something else (a
 * request's article, a payment's channel): true when the address `buyer` bought the article
 * `articleId`, each an SQL expression (a `?` or a column).
 */
export const boughtSql = (buyer: string, articleId: string) => `EXISTS (SELECT 1 FROM "Purchase" p WHERE p.buyer = ${buyer} AND p."articleId" = ${articleId})`;

/**
 * The slugs `buyer` bought, oldest first: what the reader's pages mark as bought. Only for a
 * caller that proved it is `buyer` (its access token), or the publisher: reading history is private.
 */
export async function boughtSlugs(db: Db, buyer: Address): Promise<string[]> {
  const rows = await db.purchase.findMany({
    where: { buyer: toDbAddress(buyer) },
    select: { article: { select: { slug: true } } },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => row.article.slug);
}

/**
 * Every purchase, newest first, with its buyer: the publisher's view (for /admin, behind its own
 * session check). Never expose it to a reader.
 */
export async function listAllPurchases(db: Db, { take = 100, skip = 0 }: { take?: number; skip?: number } = {}) {
  const rows = await db.purchase.findMany({
    select: { buyer: true, amount: true, createdAt: true, article: { select: { slug: true, title: true } }, channel: { select: { openBlock: true } } },
    orderBy: { id: "desc" },
    take,
    skip,
  });
  return rows.map((row) => ({
    buyer: row.buyer as Address,
    slug: row.article.slug,
    title: row.article.title,
    amount: fromDbAmount(row.amount),
    channelOpenBlock: row.channel?.openBlock ?? null,
    boughtAt: row.createdAt,
  }));
}

/** True when `error` says the buyer already owns the article (a concurrent purchase won). */
export function isAlreadyBought(error: unknown): boolean {
  return isUniqueViolation(error, PURCHASE_KEY);
}
