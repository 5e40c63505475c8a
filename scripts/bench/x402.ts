/**
 * What one purchase takes from the buyer's side, x402 against a channel, on the same site in the
 * same run: the time from the request to the paid article's 200.
 *
 * - `channel_purchase`: a program with an open, confirmed channel signs the next balance proof and
 *   sends it (one request; nothing goes on chain).
 * - `x402_purchase`: x402's stock client (`@x402/fetch`, `@x402/evm`'s `exact` scheme) asks, gets the
 *   402, signs an EIP-3009 authorization and asks again; the site settles it through the receiver's
 *   transaction sender and answers once the transfer is CONFIRMATIONS deep (one on the local chain,
 *   which mines a block per transaction).
 *
 * The two alternate, one purchase each per sample, each buying an article nobody bought yet.
 *
 * `npm run bench` can call {@link benchX402} with its own site and chain; on its own,
 * `tsx --conditions=react-server scripts/bench/x402.ts [--samples N] [--out FILE]` starts a
 * Hardhat node, a SQLite database and `next start`, prints the figures and, with `--out`, writes
 * them as JSON.
 */
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { wrapFetchWithPayment, x402Client } from "@x402/fetch";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { parseEther } from "viem";
import { toDbAmount } from "../../lib/db/amount";
import type { Db } from "../../lib/db/Db";
import { createTestDatabase } from "../../test/db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../../test/helpers/localSite";
import { chainClients, openChannel, programHeaders } from "../../test/helpers/reader";
import { devAccount, fundReaders } from "../lib/localChain";
import { quantile } from "./runLoad";

const PRICE = 10n ** 15n;
/** Accounts of their own, past those the main bench opens channels from (test ether from #0 first). */
const CHANNEL_ACCOUNT = 60;
const X402_ACCOUNT = 61;

export type PurchaseFigures = {
  name: "channel_purchase" | "x402_purchase";
  samples: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
};

export type X402BenchFigures = PurchaseFigures | { name: "x402_vs_channel"; median_ratio: number };

const round = (ms: number) => Number(ms.toFixed(1));

function summary(name: PurchaseFigures["name"], timings: number[]): PurchaseFigures {
  const sorted = [...timings].sort((a, b) => a - b);
  return { name, samples: sorted.length, median_ms: round(quantile(sorted, 0.5)), p90_ms: round(quantile(sorted, 0.9)), min_ms: round(sorted[0]!), max_ms: round(sorted.at(-1)!) };
}

/**
 * Times `samples` channel purchases and `samples` x402 purchases on `site` (after one of each to
 * warm the server's code paths), and returns their figures.
 */
export async function benchX402({
  site,
  chain,
  db,
  samples = 20,
  log = (line: string) => console.log(`▸ ${line}`),
}: {
  site: TestSite;
  chain: TestChain;
  db: Db;
  samples?: number;
  log?: (line: string) => void;
}): Promise<X402BenchFigures[]> {
  const stamp = Date.now().toString(36);
  const slugs = (kind: string) => Array.from({ length: samples + 1 }, (_, i) => `bench-${kind}-${stamp}-${i}`);
  const channelSlugs = slugs("channel");
  const x402Slugs = slugs("x402");
  await db.article.createMany({
    data: [...channelSlugs, ...x402Slugs].map((slug) => ({ slug, title: slug, teaser: "For timing a purchase.", body: `Body of ${slug}.`, price: toDbAmount(PRICE), published: true })),
  });

  log(`Opening a channel and funding an x402 buyer, then timing ${samples} purchases of each kind`);
  const funder = chainClients(chain, devAccount(0));
  for (const index of [CHANNEL_ACCOUNT, X402_ACCOUNT]) {
    const hash = await funder.wallet.sendTransaction({ to: devAccount(index).address, value: parseEther("1") });
    await funder.client.waitForTransactionReceipt({ hash });
  }
  const channel = await openChannel(chain, CHANNEL_ACCOUNT, { deposit: parseEther("1") });
  await chain.synced(channel.openBlock);
  await fundReaders(chain.url, chain.deployment, [X402_ACCOUNT], parseEther("1"));
  const allowedAssets = [{ network: `eip155:${chain.deployment.chainId}` as const, asset: chain.deployment.token, maxAmountPerPayment: String(PRICE) }];
  const pay = wrapFetchWithPayment(fetch, new x402Client().register("eip155:*", new ExactEvmScheme(devAccount(X402_ACCOUNT))).setSpendControls({ allowedAssets }));

  const timed = async (buy: () => Promise<Response>) => {
    const start = performance.now();
    const response = await buy();
    const body = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 200) throw new Error(`a purchase was answered ${response.status}: ${body.slice(0, 300)}`);
    return ms;
  };
  const channelTimes: number[] = [];
  const x402Times: number[] = [];
  let balance = 0n;
  for (let i = 0; i <= samples; i++) {
    const channelMs = await timed(async () => {
      balance += PRICE;
      return fetch(`${site.url}/articles/${channelSlugs[i]}`, { headers: programHeaders(await channel.sign(balance)) });
    });
    const x402Ms = await timed(() => pay(`${site.url}/articles/${x402Slugs[i]}`, { headers: { accept: "application/json" } }));
    // The first of each warms the server's code paths up.
    if (i > 0) {
      channelTimes.push(channelMs);
      x402Times.push(x402Ms);
    }
  }
  const channelRow = summary("channel_purchase", channelTimes);
  const x402Row = summary("x402_purchase", x402Times);
  return [channelRow, x402Row, { name: "x402_vs_channel", median_ratio: Number((x402Row.median_ms / channelRow.median_ms).toFixed(1)) }];
}

/** The figures as a few lines for a terminal. */
export function printX402Figures(figures: X402BenchFigures[]): void {
  for (const row of figures) {
    if (row.name === "x402_vs_channel") console.log(`an x402 purchase takes ${row.median_ratio}× a channel purchase (medians)`);
    else console.log(`${row.name}: median ${row.median_ms} ms, p90 ${row.p90_ms} ms, min ${row.min_ms}, max ${row.max_ms} (${row.samples} samples)`);
  }
}

/** {@link benchX402} on a fresh Hardhat node, SQLite database and `next start`, all stopped again. */
export async function benchX402OnFreshSite(samples: number, log?: (line: string) => void): Promise<X402BenchFigures[]> {
  const chain = await startTestChain();
  const database = await createTestDatabase("sqlite");
  let site: TestSite | undefined;
  try {
    site = await startSite({ databaseUrl: database.url, chain });
    return await benchX402({ site, chain, db: database.db, samples, log });
  } finally {
    await site?.stop();
    await database.dispose();
    chain.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const samples = Number(at("--samples") ?? 20);
  if (!Number.isInteger(samples) || samples < 1) {
    console.error("usage: tsx --conditions=react-server scripts/bench/x402.ts [--samples N] [--out FILE]");
    process.exit(2);
  }
  const figures = await benchX402OnFreshSite(samples);
  printX402Figures(figures);
  const out = at("--out");
  if (out) await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
