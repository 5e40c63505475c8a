/**
 * The reader's side of the benchmark (issue #5), in headless Chromium against `next start`, a
 * Hardhat node and SQLite (the browser suites' harness):
 *
 * - `unlock`: from the click on "Unlock for <price>" to the article's text on screen, paying
 *   with the session key, median of 20 (each a different article, each page freshly loaded and
 *   ready). Timed inside the page: the click is dispatched there, and the clock stops at the
 *   first frame after the body is in the DOM, so no browser-automation round trip is counted.
 * - `article_page_js`: the JavaScript a paid article's page loads (sum of the gzip sizes of its
 *   script responses), for a first visit (no wallet connected) and for a connected reader with a
 *   channel; and `wallet_modal_js`, what the first click on "Connect" loads on top (RainbowKit's
 *   modals, loaded on demand).
 *
 * `npm run bench` calls {@link benchUnlock} and appends its figures to reports/bench.json. Alone:
 * `node --import tsx scripts/bench/unlock.ts [--samples 20] [--write]` prints them (and with
 * `--write`, merges them into reports/bench.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { toDbAmount } from "../../lib/db/amount";
import { parseAmount } from "../../lib/protocol/amounts";
import { launchBrowser, newContext } from "../../test/e2e/helpers/browser";
import { startE2ESite, type E2ESite } from "../../test/e2e/helpers/site";
import { connect, fund, openChannel, openReader, unlockButton } from "../../test/e2e/reader.steps";
import { root } from "../lib/processes";

/** reports/bench.json rows of this benchmark. */
export type UnlockFigures = {
  name: "unlock";
  samples: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  target_ms: number;
  met: boolean;
};
export type PageJsFigures = { name: "article_page_js"; reader: "first-visit" | "connected"; gzip_kb: number; raw_kb: number; scripts: number };
export type ModalJsFigures = { name: "wallet_modal_js"; gzip_kb: number; raw_kb: number; scripts: number };
export type ReaderBenchFigures = UnlockFigures | PageJsFigures | ModalJsFigures;

export const UNLOCK_TARGET_MS = 300;
/** Hardhat account that reads in the benchmark (0 deploys, 1 receives, 2–3 are the demo's readers). */
const BENCH_ACCOUNT = 19;
const PRICE = parseAmount("0.01", 18);

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

/** Collects the script responses of everything `action` makes the page load, with the browser cache off. */
async function scriptsLoadedBy(page: Page, action: () => Promise<void>): Promise<{ gzip_kb: number; raw_kb: number; scripts: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const bodies: Promise<Buffer | undefined>[] = [];
  const onResponse = (response: import("playwright-core").Response) => {
    if (response.request().resourceType() === "script") bodies.push(response.body().catch(() => undefined));
  };
  page.on("response", onResponse);
  try {
    await action();
    // Chunks loaded right after the page is ready (lazy components) count too.
    await page.waitForTimeout(750);
  } finally {
    page.off("response", onResponse);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    await cdp.detach();
  }
  const loaded = (await Promise.all(bodies)).filter((body): body is Buffer => body !== undefined);
  return {
    gzip_kb: round(loaded.reduce((sum, body) => sum + gzipSync(body).length, 0) / 1024),
    raw_kb: round(loaded.reduce((sum, body) => sum + body.length, 0) / 1024),
    scripts: loaded.length,
  };
}

/** One timed unlock, measured inside the page: click → first frame with the body in the DOM. */
function timeUnlockInPage(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Unlock for"));
        if (!button) return reject(new Error("no Unlock button"));
        const timeout = setTimeout(() => reject(new Error("the article's text did not appear within 30 s")), 30_000);
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!document.querySelector('[data-testid="article-body"]')) return;
          observer.disconnect();
          clearTimeout(timeout);
          requestAnimationFrame(() => resolve(performance.now() - start));
        });
        observer.observe(document.body, { childList: true, subtree: true });
        button.click();
      }),
  );
}

/**
 * Runs the reader benchmark on `site` (or on a fresh one it starts and stops), and returns its
 * figures for reports/bench.json.
 */
export async function benchUnlock({
  samples = 20,
  site: given,
  browser: givenBrowser,
  log = (line: string) => console.log(`▸ ${line}`),
}: { samples?: number; site?: E2ESite; browser?: Browser; log?: (line: string) => void } = {}): Promise<ReaderBenchFigures[]> {
  const site = given ?? (log("Starting a Hardhat node, a seeded database and the site (next start)"), await startE2ESite());
  const browser = givenBrowser ?? (await launchBrowser());
  try {
    // A paid article per sample (and one to warm up): each unlock buys something new.
    const slugs = Array.from({ length: samples + 1 }, (_, i) => `bench-unlock-${Date.now().toString(36)}-${i}`);
    await site.database.db.article.createMany({
      data: slugs.map((slug, i) => ({
        slug,
        title: `Benchmark article ${i}`,
        teaser: "An article for timing unlocks.",
        body: `Benchmark body ${i}.\n\nA second paragraph.`,
        price: toDbAmount(PRICE),
        published: true,
      })),
    });
    await fund(site, BENCH_ACCOUNT);

    log("Measuring the article page's JavaScript on a first visit (no wallet connected)");
    const figures: ReaderBenchFigures[] = [];
    {
      await using visitor = await newContext(browser, { viewport: "desktop" });
      const page = await visitor.newPage();
      const firstVisit = await scriptsLoadedBy(page, async () => {
        await page.goto(site.articleUrl(slugs[0]!));
        await page.getByRole("button", { name: "Connect a wallet" }).waitFor();
      });
      figures.push({ name: "article_page_js", reader: "first-visit", ...firstVisit });
      const modal = await scriptsLoadedBy(page, async () => {
        await page.getByRole("button", { name: "Connect a wallet" }).click();
        await page.getByRole("dialog").waitFor();
      });
      figures.push({ name: "wallet_modal_js", ...modal });
    }

    log(`Opening a channel with a session key, then timing ${samples} unlocks`);
    await using reader = await openReader(browser, site, { account: BENCH_ACCOUNT });
    const { page, wallet } = reader;
    await page.goto(`${site.url}/channel`);
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "1" });

    const timings: number[] = [];
    for (const [i, slug] of slugs.entries()) {
      const load = async () => {
        await page.goto(site.articleUrl(slug));
        await unlockButton(page).waitFor();
      };
      if (i === slugs.length - 1) {
        const connected = await scriptsLoadedBy(page, load);
        figures.splice(1, 0, { name: "article_page_js", reader: "connected", ...connected });
      } else {
        await load();
      }
      wallet.clearLog();
      const ms = await timeUnlockInPage(page);
      if (wallet.prompts().length > 0) throw new Error(`an unlock prompted the wallet: ${wallet.prompts().map((p) => p.method).join(", ")}`);
      if (i > 0) timings.push(ms); // the first one warms the server's code paths up
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    figures.unshift({
      name: "unlock",
      samples: sorted.length,
      median_ms: round(median),
      p90_ms: round(quantile(sorted, 0.9)),
      min_ms: round(sorted[0]!),
      max_ms: round(sorted.at(-1)!),
      target_ms: UNLOCK_TARGET_MS,
      met: median < UNLOCK_TARGET_MS,
    });
    return figures;
  } finally {
    if (!givenBrowser) await browser.close();
    if (!given) await site.stop();
  }
}

/** The figures as a few lines for a terminal. */
export function printReaderFigures(figures: ReaderBenchFigures[]): void {
  for (const row of figures) {
    if (row.name === "unlock") {
      console.log(
        `unlock (session key, click → text): median ${row.median_ms} ms, p90 ${row.p90_ms} ms, min ${row.min_ms}, max ${row.max_ms} ` +
          `(${row.samples} samples; target < ${row.target_ms} ms: ${row.met ? "met" : "NOT met"})`,
      );
    } else if (row.name === "article_page_js") {
      console.log(`article page JavaScript (${row.reader}): ${row.gzip_kb} kB gzipped, ${row.raw_kb} kB raw, ${row.scripts} scripts`);
    } else {
      console.log(`wallet modal JavaScript (loaded on first "Connect"): ${row.gzip_kb} kB gzipped, ${row.raw_kb} kB raw, ${row.scripts} scripts`);
    }
  }
}

/** Replaces this benchmark's rows in reports/bench.json (keeping everyone else's), or creates it. */
export async function mergeIntoReport(figures: ReaderBenchFigures[], file = path.join(root, "reports/bench.json")): Promise<void> {
  const ours = new Set(["unlock", "article_page_js", "wallet_modal_js"]);
  const existing: { name: string }[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify([...existing.filter((row) => !ours.has(row.name)), ...figures], null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--samples");
  const samples = at >= 0 ? Number(args[at + 1]) : 20;
  if (!Number.isInteger(samples) || samples < 1) {
    console.error("usage: node --import tsx scripts/bench/unlock.ts [--samples N] [--write]");
    process.exit(2);
  }
  const figures = await benchUnlock({ samples });
  printReaderFigures(figures);
  console.log(JSON.stringify(figures, null, 2));
  if (args.includes("--write")) {
    await mergeIntoReport(figures);
    console.log("merged into reports/bench.json");
  }
  process.exit(0);
}
