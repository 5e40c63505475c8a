/**
 * The whole Tollgate for a browser suite: a Hardhat node with the contracts deployed, a fresh
 * SQLite database migrated and seeded with the demo's sample articles, and `next start` (the
 * production build) on it. Nothing is mocked. Start one per suite, in `before`.
 *
 * @example
 * let site: E2ESite
 * before(async () => (site = await startE2ESite()))
 * after(() => site?.stop())
 * // …
 * await page.goto(site.articleUrl(paidArticle.slug))
 * await site.timeTravel(121) // past the local challenge period
 */
import { toDbAmount } from "../../../lib/db/amount";
import type { Db } from "../../../lib/db/Db";
import { sampleArticles } from "../../../scripts/db/sampleArticles";
import { createTestDatabase, type TestDatabase } from "../../db/databases";
import { mine, rpc } from "../../helpers/chain";
import { startSite, startTestChain, type TestChain, type TestSite } from "../../helpers/localSite";

export type SampleArticle = (typeof sampleArticles)[number];

/** The first priced and the first free sample article. */
export const paidArticle: SampleArticle = sampleArticles.find((a) => a.price > 0n)!;
export const freeArticle: SampleArticle = sampleArticles.find((a) => a.price === 0n)!;

/** Inserts the demo's sample articles, published, as `scripts/db/seed.ts` does for the demo. */
export async function seedSampleArticles(db: Db): Promise<void> {
  await db.article.createMany({
    data: sampleArticles.map(({ price, ...article }) => ({ ...article, price: toDbAmount(price), published: true })),
  });
}

export type E2ESite = AsyncDisposable & {
  /** The site's origin, e.g. http://127.0.0.1:41234. */
  url: string;
  /** `url` + `/articles/<slug>`. */
  articleUrl(slug: string): string;
  chain: TestChain;
  database: TestDatabase;
  server: TestSite;
  /** Moves the chain's clock `seconds` forward and mines a block with the new time. */
  timeTravel(seconds: number): Promise<void>;
  /** Mines `blocks` empty blocks (e.g. to confirm a channel). */
  mine(blocks?: number): Promise<void>;
  /** Stops the server and the node, deletes the database. */
  stop(): Promise<void>;
};

/** Starts chain, database and site. `env` adds to the server's environment (e.g. `CONFIRMATIONS`). */
export async function startE2ESite({ env }: { env?: Record<string, string> } = {}): Promise<E2ESite> {
  const chain = await startTestChain();
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase("sqlite");
    await seedSampleArticles(database.db);
    const server = await startSite({ databaseUrl: database.url, chain, env });
    const stop = async () => {
      await server.stop();
      chain.stop();
      await database?.dispose();
    };
    return {
      url: server.url,
      articleUrl: (slug) => `${server.url}/articles/${slug}`,
      chain,
      database,
      server,
      timeTravel: async (seconds) => {
        await rpc(chain, "evm_increaseTime", [seconds]);
        await rpc(chain, "evm_mine");
      },
      mine: (blocks = 1) => mine(chain, blocks),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    chain.stop();
    await database?.dispose();
    throw error;
  }
}
