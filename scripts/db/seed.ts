/**
 * Puts the sample articles in the database at DATABASE_URL (default: the demo's SQLite file).
 * Idempotent: an article that exists keeps its slug and gets the sample's text and price.
 */
import { createDb } from "../../lib/db/createDb";
import { toDbAmount } from "../../lib/db/amount";
import { sampleArticles } from "./sampleArticles";

const db = createDb();
for (const { price, ...article } of sampleArticles) {
  const data = { ...article, price: toDbAmount(price), published: true };
  await db.article.upsert({ where: { slug: article.slug }, create: data, update: data });
}
console.log(`seeded ${sampleArticles.length} articles`);
await db.$disconnect();
