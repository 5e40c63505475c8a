/**
 * Puts the sample articles in the database at DATABASE_URL (default: the demo's SQLite file).
 * Idempotent: an article that exists keeps its slug and gets the sample's text and price.
 */
import { pathToFileURL } from "node:url";
import { createDb } from "../../lib/db/createDb";
import type { Db } from "../../lib/db/Db";
import { toDbAmount } from "../../lib/db/amount";
import { sampleArticles } from "./sampleArticles";

export async function seedArticles(db: Db): Promise<number> {
  for (const { price, ...article } of sampleArticles) {
    const data = { ...article, price: toDbAmount(price), published: true };
    await db.article.upsert({ where: { slug: article.slug }, create: data, update: data });
  }
  return sampleArticles.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const db = createDb();
  console.log(`seeded ${await seedArticles(db)} articles`);
  await db.$disconnect();
}
