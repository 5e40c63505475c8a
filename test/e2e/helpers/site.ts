/**
 * The whole Tollgate for a browser suite: a Hardhat node with the contracts deployed, a fresh
 * SQLite database migrated and seeded with the demo's sample articles, and `next start` (the
 * production build) on it. Nothing is mocked. One per suite: a browser suite gets it, with
 * Chromium, from `siteAndBrowser`. The readers' development accounts (#2 and up) hold ether but
 * no tokens until `fundReader`.
 *
 * @example
 * await using site = await startE2ESite()
 * // …
 * await site.fundReader(2)
 * await page.goto(site.articleUrl(paidArticle.slug))
 * await site.timeTravel(121) // past the local challenge period
 */
import { sampleArticles } from "../../../scripts/db/sampleArticles";
import { seedArticles } from "../../../scripts/db/seed";
import { fundReaders } from "../../../scripts/lib/localChain";
import { createTestDatabase, type TestDatabase } from "../../db/databases";
import { mine, rpc } from "../../helpers/chain";
import { startSite, startTestChain, type TestChain, type TestSite } from "../../helpers/localSite";

export type SampleArticle = (typeof sampleArticles)[number];

/** The first priced and the first free sample article. */
export const paidArticle: SampleArticle = sampleArticles.find((a) => a.price > 0n)!;
export const freeArticle: SampleArticle = sampleArticles.find((a) => a.price === 0n)!;

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
  /** Gives development account `index` tokens from the faucet (1000 by default) to open channels with. */
  fundReader(index: number, amount?: bigint): Promise<void>;
  /** Stops the server and the node, deletes the database. */
  stop(): Promise<void>;
};

export type E2ESiteOptions = {
  /** Adds to the server's environment (e.g. `CONFIRMATIONS`). */
  env?: Record<string, string>;
};

/** Starts chain, database and site. */
export async function startE2ESite({ env }: E2ESiteOptions = {}): Promise<E2ESite> {
  const chain = await startTestChain();
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase("sqlite");
    await seedArticles(database.db);
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
      fundReader: (index, amount) => fundReaders(chain.url, chain.deployment, [index], amount),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    chain.stop();
    await database?.dispose();
    throw error;
  }
}
