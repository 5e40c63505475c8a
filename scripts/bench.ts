/**
 * `npm run bench` (issue #4): what a paid read costs the server, against a free read of the same
 * page. Starts a fresh Hardhat node with the contracts deployed and the production build
 * (`next start`) on SQLite, through the integration harness, and measures three scenarios with
 * autocannon, 32 connections each:
 *
 * - `free`:   a free article;
 * - `paid`:   a paid article bought with a fresh balance proof per request (one channel per
 *             connection, proofs signed before the timed run);
 * - `reread`: an article the channel already bought, with its latest proof.
 *
 * Prints one table (requests/s, p50 and p99 latency, ratios to free, the targets) and writes the
 * same figures to reports/bench.json as an array: one object per scenario, then
 * `{ name: "server", peak_rss_mb }`. Options: `npm run bench -- --help`. docs/benchmarks.md says
 * what the figures mean and what they do not.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "../test/db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../test/helpers/localSite";
import { FREE_SLUG, PRICE, ProofBook, openChannels, paidSlug, seedArticles } from "./bench/fixture";
import { freeLane, newTally, paidLane, rereadLane, type Tally } from "./bench/lanes";
import { parseBenchOptions } from "./bench/options";
import { figures, printTable, writeReport, TARGETS, type ScenarioFigures } from "./bench/report";
import { descriptorsOn, listeningPid, processTitle, readMemory, sampleRss } from "./bench/serverProcess";
import { checkLedger, checkPages, settleInFlight, storedPurchases, waitForQuiet } from "./bench/verify";
import { runLoad, type Lane, type LoadResult } from "./bench/runLoad";
import type { Window } from "./bench/profileSummary";
import { root, stopAll } from "./lib/processes";

const options = parseBenchOptions(process.argv.slice(2), process.env);
const { duration, warmup, connections } = options;

/** Articles seeded up front; more are added if the paid run could buy more than this per channel. */
const INITIAL_PAID_ARTICLES = 1000;
/** Pre-signed proofs per channel: free's rate times this, over warm-up plus timed seconds. */
const PROOF_HEADROOM = 1.5;

const log = (line: string) => console.log(`▸ ${line}`);
const problems: string[] = [];
/** The timed runs' spans, for slicing the server's CPU profile by scenario. */
const windows: Window[] = [];
const timed = (name: string, run: LoadResult) => (windows.push({ name, startUs: run.startUs, endUs: run.endUs, requests: run.ok }), run);

process.on("SIGINT", () => (stopAll(), process.exit(130)));
process.on("SIGTERM", () => (stopAll(), process.exit(143)));

let chain: TestChain | undefined;
let site: TestSite | undefined;
await using database = await createTestDatabase("sqlite");
const { db } = database;

try {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  log(`${os.cpus().length} CPUs, load average ${load}; ${connections} connections, ${warmup} s warm-up + ${duration} s per scenario`);
  if (os.loadavg()[0] > 0.5) log(`WARNING: the machine is already busy (1-min load ${os.loadavg()[0].toFixed(2)}): figures will be noisy`);

  log("Starting a Hardhat node and deploying the contracts");
  chain = await startTestChain();
  if (options.sqliteWal) {
    // Persistent in the file: every connection the server opens will be in WAL mode.
    await db.$queryRaw`PRAGMA journal_mode=WAL`;
    log("EXPERIMENT: the database is in WAL journal mode, not the embedded defaults' rollback journal");
  }
  await seedArticles(db, { from: 0, to: INITIAL_PAID_ARTICLES }, { free: true });
  let paidArticles = INITIAL_PAID_ARTICLES;

  if (options.cpuProfDir) {
    // Only the site inherits this (the chain has started): next start and the next-server it spawns.
    await mkdir(options.cpuProfDir, { recursive: true });
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${options.cpuProfDir}`.trim();
  }
  log("Starting the site (next start, production build; builds first if stale)");
  site = await startSite({ databaseUrl: database.url, chain });
  delete process.env.NODE_OPTIONS;
  // Another process's `next build` (a test run after a source change) rewrites .next under the
  // running server, which then answers 500s: such a run is void, and this tells why.
  const buildIdFile = path.join(root, ".next/BUILD_ID");
  const currentBuild = () => (existsSync(buildIdFile) ? readFileSync(buildIdFile, "utf8") : "(being rebuilt)");
  const buildId = currentBuild();
  const port = Number(new URL(site.url).port);
  const pid = listeningPid(port);
  if (pid === null) throw new Error(`no process found listening on ${port}`);
  log(`${site.url} is served by pid ${pid} (${processTitle(pid)})`);

  log(`Opening ${connections} channels, one per connection`);
  const books = await openChannels(chain, connections);

  log("Checking correctness: free page, paywall, paid page, re-read, one purchase row");
  await checkPages(site.url, db, books[0]);

  const url = site.url;
  const rss: Record<string, number> = {};
  const dbFile = database.url.replace(/^file:/, "");
  /** SQLite connections the server holds open after each timed run (descriptors on the database file). */
  const connectionsOpen: Record<string, number> = { start: descriptorsOn(pid, dbFile) };

  /** Warm-up (untimed) then the timed run, each followed by letting in-flight requests finish. */
  async function measure(name: string, lane: (index: number) => Lane): Promise<LoadResult> {
    if (warmup > 0) {
      const warm = await runLoad({ url, connections, seconds: warmup, lane });
      await settle(books);
      flagNon200(`${name} warm-up`, warm);
    }
    const sampler = sampleRss(pid!);
    const run = timed(name, await runLoad({ url, connections, seconds: duration, lane }));
    rss[name] = sampler.stop();
    connectionsOpen[name] = descriptorsOn(pid!, dbFile);
    flagNon200(name, run);
    return run;
  }

  log(`free: ${FREE_SLUG}`);
  const free = await measure("free", () => freeLane());
  await settle(books);
  const freeRow = figures("free", free);

  // Size the paid run from free's rate: a paid read does strictly more work than a free one.
  const perChannel = Math.ceil((freeRow.rps * (warmup + duration) * PROOF_HEADROOM) / connections) + 16;
  if (perChannel > paidArticles) {
    await seedArticles(db, { from: paidArticles, to: perChannel });
    paidArticles = perChannel;
  }
  log(`Pre-signing ${perChannel} proofs per channel (${perChannel * connections} in all)`);
  const signStart = performance.now();
  for (const book of books) await book.ensure(perChannel);
  log(`  signed in ${((performance.now() - signStart) / 1000).toFixed(1)} s, outside any timed run`);

  log(`paid: ${paidSlug(0)} … ${paidSlug(perChannel - 1)}, a fresh proof per request`);
  const paidTally = newTally();
  const beforeWarm = await storedPurchases(url);
  if (warmup > 0) {
    const warm = await runLoad({ url, connections, seconds: warmup, lane: (i) => paidLane(books[i], paidTally) });
    flagNon200("paid warm-up", warm);
    const { stored, committed } = await settle(books);
    if (stored - beforeWarm !== warm.ok + committed) {
      problems.push(`paid warm-up: ${stored - beforeWarm} purchases stored for ${warm.ok} 200s (+${committed} in flight)`);
    }
  }
  const before = await storedPurchases(url);
  const sampler = sampleRss(pid);
  const paid = timed("paid", await runLoad({ url, connections, seconds: duration, lane: (i) => paidLane(books[i], paidTally) }));
  rss.paid = sampler.stop();
  connectionsOpen.paid = descriptorsOn(pid, dbFile);
  flagNon200("paid", paid);
  const { stored: after, committed: inFlight } = await settle(books);
  log(
    `  purchases stored during the timed run: ${after - before} = ${paid.ok} answered 200` +
      (inFlight ? ` + ${inFlight} in flight when autocannon stopped (accepted after it hung up)` : ""),
  );
  if (after - before !== paid.ok + inFlight) problems.push(`paid: ${after - before} purchases stored for ${paid.ok} 200s (+${inFlight} in flight)`);
  flagTally("paid", paidTally);

  log("reread: bought articles, with each channel's latest proof");
  const rereadTally = newTally();
  const rereadBefore = await storedPurchases(url);
  const reread = await measure("reread", (i) => rereadLane(books[i], rereadTally));
  await settle(books);
  if ((await storedPurchases(url)) !== rereadBefore) problems.push("reread: a re-read stored a purchase");
  flagTally("reread", rereadTally);

  log("Checking the ledger: purchases, stored balances and signatures per channel");
  const ledger = await checkLedger(db, books);
  problems.push(...ledger.problems);
  log(`  ${ledger.purchases} purchases on ${books.length} channels, ${ledger.problems.length === 0 ? "all consistent" : "INCONSISTENT"}`);

  log("free again, to see how much the machine drifted meanwhile");
  const again = timed("free-again", await runLoad({ url, connections, seconds: duration, lane: () => freeLane() }));
  flagNon200("free (again)", again);
  const againRow = figures("free", again);

  if (currentBuild() !== buildId) problems.push("the build (.next) was replaced while the server ran: another process rebuilt it");
  const hwm = readMemory(pid).hwmKb;
  const rows: ScenarioFigures[] = [freeRow, figures("paid", paid, freeRow), figures("reread", reread, freeRow)];
  const server = { name: "server" as const, peak_rss_mb: Number((hwm / 1024).toFixed(1)) };

  console.log();
  printTable(rows, { ...server, detail: `VmHWM of pid ${pid} (${processTitle(pid)}) over the whole run` });
  console.log();
  console.log(
    `Peak RSS sampled per timed run: ${Object.entries(rss).map(([name, kb]) => `${name} ${(kb / 1024).toFixed(1)} MB`).join(", ")}.`,
  );
  console.log(
    `SQLite connections open in the server after each run: ${Object.entries(connectionsOpen).map(([name, n]) => `${name} ${n}`).join(", ")}.`,
  );
  console.log(
    `free re-measured at the end: ${againRow.rps.toFixed(1)} req/s, p50 ${againRow.p50_ms.toFixed(2)} ms ` +
      `(${pct(againRow.rps / freeRow.rps - 1)} rps, ${pct(againRow.p50_ms / freeRow.p50_ms - 1)} p50 against the first).`,
  );
  console.log(`Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}. Price ${PRICE} per paid article.`);

  if (problems.length > 0) {
    console.error(`\n${"!".repeat(78)}\n!! THE FIGURES ARE VOID: not every request was a correct 200, or the ledger or the build moved\n${problems.map((p) => `!!   ${p}`).join("\n")}\n${"!".repeat(78)}`);
    console.error(`${options.out} was left as it was.`);
    process.exitCode = 1;
  } else {
    await writeReport(options.outPath, [...rows, server]);
    console.log(`Wrote ${options.out}.`);
    const missed = rows.flatMap((row) => (TARGETS[row.name] ?? []).filter((t) => !t.met(row)).map((t) => `${row.name} ${t.label}`));
    if (missed.length > 0) console.log(`Targets missed: ${missed.join("; ")}.`);
  }
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  await site?.stop();
  chain?.stop();
  if (options.cpuProfDir) await reportProfiles(options.cpuProfDir, windows);
}

/**
 * Lets requests left in flight finish; returns the purchases stored by then and how many of the
 * proofs autocannon hung up on the server accepted anyway.
 */
async function settle(books: ProofBook[]): Promise<{ stored: number; committed: number }> {
  const stored = await waitForQuiet(site!.url);
  return { stored, committed: await settleInFlight(db, books) };
}

function flagNon200(name: string, run: LoadResult): void {
  const others = Object.entries(run.statuses).filter(([status]) => status !== "200");
  if (others.length > 0) problems.push(`${name}: non-200 responses ${others.map(([s, n]) => `${s}×${n}`).join(", ")}`);
  if (run.errors > 0 || run.timeouts > 0) problems.push(`${name}: ${run.errors} connection errors, ${run.timeouts} timeouts`);
  if (run.ok === 0) problems.push(`${name}: no 200 at all`);
}

function flagTally(name: string, tally: Tally): void {
  if (tally.wrongCost > 0) problems.push(`${name}: ${tally.wrongCost} 200s with the wrong RDN-Cost`);
  if (tally.exhausted > 0) problems.push(`${name}: ${tally.exhausted} requests found their channel out of pre-signed proofs`);
}

function pct(change: number): string {
  return `${change >= 0 ? "+" : ""}${(change * 100).toFixed(1)}%`;
}

async function reportProfiles(dir: string, windows: Window[]): Promise<void> {
  await writeFile(path.join(dir, "windows.json"), `${JSON.stringify(windows, null, 2)}\n`);
  // next-server writes its profile as it exits, after the parent may already be gone.
  for (let i = 0; i < 50 && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".cpuprofile"))); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  log(files.length ? `CPU profiles in ${dir}: ${files.join(", ")}` : `no CPU profile was written to ${dir}`);
  if (files.length) log(`Summarize them by scenario: tsx scripts/bench/profileSummary.ts ${path.relative(process.cwd(), dir)}`);
}
