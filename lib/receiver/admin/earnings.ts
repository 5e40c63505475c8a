import "server-only";
import { fromDbAmount } from "../../db/amount";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

export type Bucket = "day" | "week";
const DAY_MS = 86_400_000;

/** The UTC day, or the Monday of the UTC week, a moment falls in, as YYYY-MM-DD. */
export function bucketOf(at: Date, bucket: Bucket): string {
  const day = at.getTime() - (at.getTime() % DAY_MS);
  const start = bucket === "day" ? day : day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(start).toISOString().slice(0, 10);
}

/**
 * The publisher's earnings: revenue per day or week, per article, and each article's funnel
 * (page views and paywall impressions from ArticleDailyStats, purchases, and conversion: the
 * share of paywalls shown that ended in a purchase). Amounts are summed as bigints in
 * TypeScript: they are text in the database (lib/db/amount.ts), so SQL cannot sum them.
 */
export async function earnings(receiver: Receiver, { bucket, since }: { bucket: Bucket; since?: Date }) {
  const { db, config } = receiver;
  const channel = { chainId: config.chainId, contract: toDbAddress(config.channelManager), receiver: toDbAddress(config.receiver.address) };
  const [purchases, articles, stats] = await Promise.all([
    db.purchase.findMany({ where: { channel, ...(since ? { createdAt: { gte: since } } : {}) }, select: { articleId: true, amount: true, createdAt: true } }),
    db.article.findMany({ select: { id: true, slug: true, title: true, archivedAt: true } }),
    db.articleDailyStats.findMany({ where: since ? { day: { gte: since } } : {}, select: { articleId: true, views: true, paywalls: true } }),
  ]);

  const revenue = new Map<string, { revenue: bigint; purchases: number }>();
  const byArticle = new Map<number, { revenue: bigint; purchases: number; views: number; paywalls: number }>();
  const article = (id: number) => byArticle.get(id) ?? byArticle.set(id, { revenue: 0n, purchases: 0, views: 0, paywalls: 0 }).get(id)!;
  for (const p of purchases) {
    const key = bucketOf(p.createdAt, bucket);
    const period = revenue.get(key) ?? revenue.set(key, { revenue: 0n, purchases: 0 }).get(key)!;
    period.revenue += fromDbAmount(p.amount);
    period.purchases += 1;
    const a = article(p.articleId);
    a.revenue += fromDbAmount(p.amount);
    a.purchases += 1;
  }
  for (const s of stats) {
    const a = article(s.articleId);
    a.views += s.views;
    a.paywalls += s.paywalls;
  }

  return {
    total: purchases.reduce((sum, p) => sum + fromDbAmount(p.amount), 0n),
    periods: [...revenue].sort(([a], [b]) => a.localeCompare(b)).map(([period, v]) => ({ period, ...v })),
    articles: articles
      .filter((a) => byArticle.has(a.id))
      .map((a) => {
        const f = byArticle.get(a.id)!;
        return { id: a.id, slug: a.slug, title: a.title, archived: a.archivedAt !== null, ...f, conversion: f.paywalls > 0 ? f.purchases / f.paywalls : null };
      })
      .sort((a, b) => (b.revenue > a.revenue ? 1 : b.revenue < a.revenue ? -1 : b.views - a.views)),
  };
}
