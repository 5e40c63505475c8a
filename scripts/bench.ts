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
import { PRICE, ProofBook, openChannels, seedArticles } from "./bench/fixture";
import { freeLane, newTally, paidLane, rereadLane, type Tally } from "./bench/lanes";
import { parseBenchOptions } from "./bench/options";
import { figures, printTable, writeReport, TARGETS, type ScenarioFigures } from "./bench/report";
import { benchUnlock, mergeIntoReport, printReaderFigures } from "./bench/unlock";
import { cpuTimeMs, descriptorsOn, listeningPid, processTitle, readMemory, sampleRss } from "./bench/serverProcess";
import { checkLedger, checkPages, settleInFlight, storedPurchases, waitForQuiet } from "./bench/verify";
import { runLoad, type Lane, type LoadResult } from "./bench/runLoad";
import type { Window } from "./bench/profileSummary";
import { root, stopAll } from "./lib/processes";

const options = parseBenchOptions(process.argv.slice(2), process.env);
const { duration, warmup, connections, rounds } = options;

/** Articles seeded up front; more are added if the paid run could buy more than this per channel. */
const INITIAL_PAID_ARTICLES = 1000;
/** Proofs signed ahead of a paid run: the fastest rate seen so far times this, over the run. */
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
/** The process serving the site (next start's child), once known. */
let serverPid: number | null = null;
await using database = await createTestDatabase("sqlite");
const { db } = database;

try {
  const loadAverage = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  log(
    `${os.cpus().length} CPUs, load average ${loadAverage}; ${connections} connections; per scenario ${warmup} s warm-up, ` +
      `then ${duration} s timed in ${rounds} round${rounds > 1 ? "s" : ""} (scenarios interleaved)`,
  );
  if (os.loadavg()[0] > 0.5) log(`WARNING: the machine is already busy (1-min load ${os.loadavg()[0].toFixed(2)}): figures will be noisy`);

  log("Starting a Hardhat node and deploying the contracts");
  chain = await startTestChain();
  if (options.sqliteWal) {
    // Persistent in the file: every connection the server opens will be in WAL mode.
    await db.$queryRaw`PRAGMA journal_mode=WAL`;
    log("EXPERIMENT: the database is in WAL journal mode, not the embedded defaults' rollback journal");
  }
  await seedArticles(db, { from: 0, to: INITIAL_PAID_ARTICLES }, { free: true });

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
  const pid = (serverPid = listeningPid(port));
  if (pid === null) throw new Error(`no process found listening on ${port}`);
  log(`${site.url} is served by pid ${pid} (${processTitle(pid)})`);

  log(`Opening ${connections} channels, one per connection`);
  const books = await openChannels(chain, connections);

  log("Checking correctness: free page, paywall, paid page, re-read, one purchase row");
  await checkPages(site.url, db, books[0]);

  const url = site.url;
  const dbFile = database.url.replace(/^file:/, "");
  const scenarios = ["free", "paid", "reread"] as const;
  type Scenario = (typeof scenarios)[number];
  const runs: Record<Scenario, LoadResult[]> = { free: [], paid: [], reread: [] };
  const rss: Record<string, number> = {};
  /** The server's CPU milliseconds over each scenario's timed runs, and the 200s they served. */
  const cpu: Record<string, { ms: number; ok: number }> = {};
  /** SQLite connections the server holds open after each timed run (descriptors on the database file). */
  const connectionsOpen: Record<string, number> = { start: descriptorsOn(pid, dbFile) };
  const tallies: Record<Scenario, Tally> = { free: newTally(), paid: newTally(), reread: newTally() };
  let paidArticles = INITIAL_PAID_ARTICLES;
  /** The fastest any scenario has gone so far (200s per second): sizes the next paid run's proofs. */
  let fastest = 0;

  const laneFor = (scenario: Scenario) => (i: number): Lane =>
    scenario === "free" ? freeLane() : scenario === "paid" ? paidLane(books[i], tallies.paid) : rereadLane(books[i], tallies.reread);

  /** Signs (and seeds articles) ahead of a paid run of `seconds`: 1.5× the fastest rate seen, plus a margin. */
  async function provision(seconds: number): Promise<void> {
    const ahead = Math.ceil((fastest * seconds * PROOF_HEADROOM) / connections) + 16;
    const needed = Math.max(...books.map((book) => book.bought)) + ahead;
    if (needed > paidArticles) {
      await seedArticles(db, { from: paidArticles, to: needed });
      paidArticles = needed;
    }
    const start = performance.now();
    for (const book of books) await book.ensure(book.bought + ahead);
    log(`  ${ahead} proofs per channel signed ahead in ${((performance.now() - start) / 1000).toFixed(1)} s, outside any timed run`);
  }

  /**
   * One load of `scenario`, then a pause until the requests it left in flight have finished. A
   * paid run must store exactly one purchase per 200, plus those of the proofs autocannon hung
   * up on that the server accepted anyway.
   */
  async function load(scenario: Scenario, seconds: number, label: string): Promise<LoadResult> {
    if (scenario === "paid") await provision(seconds);
    const before = await storedPurchases(url);
    const sampler = sampleRss(pid!);
    const cpuBefore = cpuTimeMs(pid!);
    const run = await runLoad({ url, connections, seconds, lane: laneFor(scenario) });
    const cpuUsed = cpuTimeMs(pid!) - cpuBefore;
    rss[scenario] = Math.max(rss[scenario] ?? 0, sampler.stop());
    if (!label.endsWith("warm-up")) {
      cpu[scenario] = { ms: (cpu[scenario]?.ms ?? 0) + cpuUsed, ok: (cpu[scenario]?.ok ?? 0) + run.ok };
    }
    connectionsOpen[label] = descriptorsOn(pid!, dbFile);
    flagNon200(label, run);
    const { stored, committed } = await settle(books);
    const charged = scenario === "paid" ? run.ok + committed : 0;
    if (stored - before !== charged) problems.push(`${label}: ${stored - before} purchases stored for ${charged} charged 200s`);
    if (scenario === "paid" && committed > 0) log(`  ${committed} proofs were in flight when autocannon stopped, and accepted after it hung up`);
    fastest = Math.max(fastest, run.ok / run.seconds);
    return run;
  }

  if (warmup > 0) {
    log(`Warming up (untimed): ${scenarios.map((name) => `${name} ${warmup} s`).join(", ")}`);
    for (const scenario of scenarios) await load(scenario, warmup, `${scenario} warm-up`);
  } else {
    fastest = 1000; // no rate seen yet: sign generously
  }
  const segment = duration / rounds;
  for (let round = 1; round <= rounds; round++) {
    log(`Round ${round} of ${rounds}: ${scenarios.map((name) => `${name} ${segment} s`).join(", ")}`);
    for (const scenario of scenarios) {
      const label = rounds > 1 ? `${scenario} #${round}` : scenario;
      runs[scenario].push(timed(scenario, await load(scenario, segment, label)));
    }
  }
  for (const scenario of scenarios) flagTally(scenario, tallies[scenario]);

  log("Checking the ledger: purchases, stored balances and signatures per channel");
  const ledger = await checkLedger(db, books);
  problems.push(...ledger.problems);
  log(`  ${ledger.purchases} purchases on ${books.length} channels, ${ledger.problems.length === 0 ? "all consistent" : "INCONSISTENT"}`);

  if (currentBuild() !== buildId) problems.push("the build (.next) was replaced while the server ran: another process rebuilt it");
  const hwm = readMemory(pid).hwmKb;
  const freeRow = figures("free", merge(runs.free));
  const rows: ScenarioFigures[] = [freeRow, figures("paid", merge(runs.paid), freeRow), figures("reread", merge(runs.reread), freeRow)];
  const server = { name: "server" as const, peak_rss_mb: Number((hwm / 1024).toFixed(1)) };

  console.log();
  printTable(rows, { ...server, detail: `VmHWM of pid ${pid} (${processTitle(pid)}) over the whole run` });
  console.log();
  if (rounds > 1) {
    // The same figures per round: how far the machine drifted while they were taken.
    for (let round = 0; round < rounds; round++) {
      const base = figures("free", runs.free[round]);
      const cells = scenarios.map((name) => {
        const row = figures(name, runs[name][round], base);
        return `${name} ${row.rps.toFixed(1)} req/s p50 ${row.p50_ms.toFixed(1)} ms` + (name === "free" ? "" : ` (×${row.ratio_p50.toFixed(2)} p50, ×${row.ratio_rps.toFixed(2)} rps)`);
      });
      console.log(`Round ${round + 1}: ${cells.join("; ")}.`);
    }
  }
  const cpuPer = (name: string) => cpu[name].ms / cpu[name].ok;
  console.log(
    `Server CPU per 200 (user + system, all threads; robust to a busy machine): ` +
      scenarios.map((name) => `${name} ${cpuPer(name).toFixed(2)} ms` + (name === "free" ? "" : ` (×${(cpuPer(name) / cpuPer("free")).toFixed(2)})`)).join(", ") +
      ".",
  );
  console.log(`Peak RSS sampled per scenario: ${Object.entries(rss).map(([name, kb]) => `${name} ${(kb / 1024).toFixed(1)} MB`).join(", ")}.`);
  console.log(`SQLite connections open in the server after each run: ${Object.entries(connectionsOpen).map(([name, n]) => `${name} ${n}`).join(", ")}.`);
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
  if (serverPid !== null && !existsSync(`/proc/${serverPid}`)) console.error(`The server (pid ${serverPid}) is gone: it exited or crashed mid-run.`);
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

/** Several runs of one scenario as one: their seconds, statuses and latencies added up. */
function merge(parts: LoadResult[]): LoadResult {
  const statuses: Record<number, number> = {};
  for (const part of parts) for (const [status, n] of Object.entries(part.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
  return {
    seconds: parts.reduce((sum, p) => sum + p.seconds, 0),
    ok: parts.reduce((sum, p) => sum + p.ok, 0),
    statuses,
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    timeouts: parts.reduce((sum, p) => sum + p.timeouts, 0),
    latenciesMs: parts.flatMap((p) => p.latenciesMs),
    startUs: parts[0].startUs,
    endUs: parts.at(-1)!.endUs,
  };
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

// The reader's side, in the same run and the same report: click-to-text unlock time in Chromium
// and the JavaScript the article page sends (scripts/bench/unlock.ts, issue #5).
if (process.exitCode !== 1 && !options.cpuProfDir) {
  console.log("\n▸ Reader benchmark: unlock time in headless Chromium and the article page's JavaScript");
  const reader = await benchUnlock();
  printReaderFigures(reader);
  await mergeIntoReport(reader, options.outPath);
  console.log(`Merged the reader's figures into ${options.out}.`);
}
process.exit(process.exitCode ?? 0);
