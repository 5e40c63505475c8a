/**
 * The gate's benchmark on one database (issue #4, issue #11): a fresh Hardhat node, a fresh
 * database of `provider`, the production build (`next start`) on it, and the three scenarios
 * (free, paid, re-read) interleaved in rounds. Returns its figures; a run that is void says why in
 * `problems`. docs/benchmarks.md says what each figure means.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DbProvider } from "../../lib/db/databaseUrl";
import { createTestDatabase } from "../../test/db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../../test/helpers/localSite";
import { onShutdown, root } from "../lib/processes";
import { openChannels, seedArticles } from "./fixture";
import { freeLane, newTally, paidLane, rereadLane, type Tally } from "./lanes";
import type { BenchOptions } from "./options";
import type { Window } from "./profileSummary";
import { figures, type GateRow, type RoundFigures, type ServerFigures } from "./report";
import { runLoad, type Lane, type LoadResult } from "./runLoad";
import { cpuTimeMs, descriptorsOn, listeningPid, processTitle, readMemory, sampleRss } from "./serverProcess";
import { checkLedger, checkPages, ensureAccessTokens, settleInFlight, storedPurchases, waitForQuiet } from "./verify";

/** Articles seeded up front; more are added if the paid run could buy more than this per channel. */
const INITIAL_PAID_ARTICLES = 1000;
/** Proofs signed ahead of a paid run: the fastest rate seen so far times this, over the run. */
const PROOF_HEADROOM = 1.5;

export const SCENARIOS = ["free", "paid", "reread"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type GateRun = {
  database: DbProvider;
  rows: GateRow[];
  server: ServerFigures & { detail: string };
  /** Why the figures are void; empty when every request was a correct 200 and the ledger matched. */
  problems: string[];
  /** The timed runs' spans, for slicing the server's CPU profile by scenario. */
  windows: Window[];
  /** Lines printed beside the table (also in the rows: rounds, CPU per 200). */
  notes: string[];
};

export async function benchGate(provider: DbProvider, options: BenchOptions, log: (line: string) => void): Promise<GateRun> {
  const { connections, warmup, duration, rounds } = options;
  const problems: string[] = [];
  const windows: Window[] = [];
  const timed = (name: string, run: LoadResult) => (windows.push({ name, startUs: run.startUs, endUs: run.endUs, requests: run.ok }), run);

  let chain: TestChain | undefined;
  let site: TestSite | undefined;
  /** The process serving the site (next start's child), once known. */
  let serverPid: number | null = null;
  const database = await createTestDatabase(provider);
  // A Ctrl-C must not leave a scratch PostgreSQL database behind (the SQLite file's directory neither).
  const forget = onShutdown(() => database.dispose());
  const { db } = database;
  try {
    log(`[${provider}] Starting a Hardhat node and deploying the contracts`);
    chain = await startTestChain();
    await seedArticles(db, { from: 0, to: INITIAL_PAID_ARTICLES }, { free: true });

    if (options.cpuProfDir) {
      await mkdir(path.join(options.cpuProfDir, provider), { recursive: true });
      // Only the site inherits this (the chain has started): next start and the next-server it spawns.
      process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${path.join(options.cpuProfDir, provider)}`.trim();
    }
    log(`[${provider}] Starting the site (next start, production build; builds first if stale)`);
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
    log(`[${provider}] ${site.url} is served by pid ${pid} (${processTitle(pid)})`);

    log(`[${provider}] Opening ${connections} channels, one per connection`);
    const books = await openChannels(chain, connections);

    log(`[${provider}] Checking correctness: free page, paywall, paid page, re-read, one purchase row`);
    await checkPages(site.url, db, books[0]);

    const url = site.url;
    const dbFile = provider === "sqlite" ? database.url.replace(/^file:/, "") : null;
    const runs: Record<Scenario, LoadResult[]> = { free: [], paid: [], reread: [] };
    const rss: Record<string, number> = {};
    /** The server's CPU milliseconds over each scenario's timed runs, and the 200s they served. */
    const cpu: Record<string, { ms: number; ok: number }> = {};
    /** SQLite connections the server holds open after each timed run (descriptors on the database file). */
    const connectionsOpen: Record<string, number> = dbFile ? { start: descriptorsOn(pid, dbFile) } : {};
    const tallies: Record<Scenario, Tally> = { free: newTally(), paid: newTally(), reread: newTally() };
    let paidArticles = INITIAL_PAID_ARTICLES;
    /** The fastest any scenario has gone so far (200s per second): sizes the next paid run's proofs. */
    let fastest = 0;

    const laneFor = (scenario: Scenario) => (i: number): Lane =>
      scenario === "free" ? freeLane() : scenario === "paid" ? paidLane(books[i], tallies.paid) : rereadLane(books[i], tallies.reread);

    /** Signs (and seeds articles) ahead of a paid run of `seconds`: 1.5× the fastest rate seen, plus a margin. */
    const provision = async (seconds: number): Promise<void> => {
      const ahead = Math.ceil((fastest * seconds * PROOF_HEADROOM) / connections) + 16;
      const needed = Math.max(...books.map((book) => book.bought)) + ahead;
      if (needed > paidArticles) {
        await seedArticles(db, { from: paidArticles, to: needed });
        paidArticles = needed;
      }
      const start = performance.now();
      for (const book of books) await book.ensure(book.bought + ahead);
      log(`  ${ahead} proofs per channel signed ahead in ${((performance.now() - start) / 1000).toFixed(1)} s, outside any timed run`);
    };

    const flagNon200 = (name: string, run: LoadResult): void => {
      const others = Object.entries(run.statuses).filter(([status]) => status !== "200");
      if (others.length > 0) problems.push(`${name}: non-200 responses ${others.map(([s, n]) => `${s}×${n}`).join(", ")}`);
      if (run.errors > 0 || run.timeouts > 0) problems.push(`${name}: ${run.errors} connection errors, ${run.timeouts} timeouts`);
      // A warm-up on a saturated machine may end before its first answer (p50s of seconds): that
      // says nothing wrong, unlike a timed run with nothing to measure.
      if (run.ok === 0 && !name.endsWith("warm-up")) problems.push(`${name}: no 200 at all`);
    };

    /**
     * One load of `scenario`, then a pause until the requests it left in flight have finished. A
     * paid run must store exactly one purchase per 200, plus those of the proofs autocannon hung
     * up on that the server accepted anyway.
     */
    const load = async (scenario: Scenario, seconds: number, label: string): Promise<LoadResult> => {
      if (scenario === "paid") await provision(seconds);
      if (scenario === "reread") await ensureAccessTokens(url, books);
      const before = await storedPurchases(url);
      const sampler = sampleRss(pid);
      const cpuBefore = cpuTimeMs(pid);
      const run = await runLoad({ url, connections, seconds, lane: laneFor(scenario) });
      const cpuUsed = cpuTimeMs(pid) - cpuBefore;
      rss[scenario] = Math.max(rss[scenario] ?? 0, sampler.stop());
      if (!label.endsWith("warm-up")) {
        cpu[scenario] = { ms: (cpu[scenario]?.ms ?? 0) + cpuUsed, ok: (cpu[scenario]?.ok ?? 0) + run.ok };
      }
      if (dbFile) connectionsOpen[label] = descriptorsOn(pid, dbFile);
      flagNon200(`${provider} ${label}`, run);
      const stored = await waitForQuiet(url);
      const committed = await settleInFlight(db, books);
      const charged = scenario === "paid" ? run.ok + committed : 0;
      if (stored - before !== charged) problems.push(`${provider} ${label}: ${stored - before} purchases stored for ${charged} charged 200s`);
      if (scenario === "paid" && committed > 0) log(`  ${committed} proofs were in flight when autocannon stopped, and accepted after it hung up`);
      fastest = Math.max(fastest, run.ok / run.seconds);
      return run;
    };

    if (warmup > 0) {
      log(`[${provider}] Warming up (untimed): ${SCENARIOS.map((name) => `${name} ${warmup} s`).join(", ")}`);
      for (const scenario of SCENARIOS) await load(scenario, warmup, `${scenario} warm-up`);
    } else {
      fastest = 1000; // no rate seen yet: sign generously
    }
    const segment = duration / rounds;
    for (let round = 1; round <= rounds; round++) {
      log(`[${provider}] Round ${round} of ${rounds}: ${SCENARIOS.map((name) => `${name} ${segment} s`).join(", ")}`);
      for (const scenario of SCENARIOS) {
        const label = rounds > 1 ? `${scenario} #${round}` : scenario;
        runs[scenario].push(timed(scenario, await load(scenario, segment, label)));
      }
    }
    for (const scenario of SCENARIOS) {
      const tally = tallies[scenario];
      if (tally.wrongCost > 0) problems.push(`${provider} ${scenario}: ${tally.wrongCost} 200s with the wrong RDN-Cost`);
      if (tally.exhausted > 0) problems.push(`${provider} ${scenario}: ${tally.exhausted} requests found their channel out of pre-signed proofs`);
    }

    log(`[${provider}] Checking the ledger: purchases, stored balances and signatures per channel`);
    const ledger = await checkLedger(db, books);
    problems.push(...ledger.problems.map((p) => `${provider}: ${p}`));
    log(`  ${ledger.purchases} purchases on ${books.length} channels, ${ledger.problems.length === 0 ? "all consistent" : "INCONSISTENT"}`);
    if (currentBuild() !== buildId) problems.push("the build (.next) was replaced while the server ran: another process rebuilt it");

    const cpuPer = (name: Scenario) => Number((cpu[name].ms / cpu[name].ok).toFixed(3));
    // The same figures per round: how far the machine drifted while they were taken.
    const perRound = (name: Scenario): RoundFigures[] =>
      runs[name].map((run, r) => {
        const row = figures(name, run, name === "free" ? undefined : figures("free", runs.free[r]));
        return { rps: row.rps, p50_ms: row.p50_ms, ratio_p50: row.ratio_p50, ratio_rps: row.ratio_rps };
      });
    const freeRow = figures("free", merge(runs.free));
    const rows = SCENARIOS.map((name) => ({
      ...(name === "free" ? freeRow : figures(name, merge(runs[name]), freeRow)),
      database: provider,
      cpu_ms_per_200: cpuPer(name),
      ratio_cpu: Number((cpuPer(name) / cpuPer("free")).toFixed(3)),
      rounds: perRound(name),
    }));
    const hwm = readMemory(pid).hwmKb;
    const notes = [
      `Peak RSS sampled per scenario: ${Object.entries(rss).map(([name, kb]) => `${name} ${(kb / 1024).toFixed(1)} MB`).join(", ")}.`,
      ...(dbFile ? [`SQLite connections open in the server after each run: ${Object.entries(connectionsOpen).map(([name, n]) => `${name} ${n}`).join(", ")}.`] : []),
    ];
    return {
      database: provider,
      rows,
      server: { name: "server", database: provider, peak_rss_mb: Number((hwm / 1024).toFixed(1)), detail: `VmHWM of pid ${pid} (${processTitle(pid)}) over the whole run` },
      problems,
      windows,
      notes,
    };
  } catch (error) {
    if (serverPid !== null && !existsSync(`/proc/${serverPid}`)) log(`The server (pid ${serverPid}) is gone: it exited or crashed mid-run.`);
    throw error;
  } finally {
    await site?.stop();
    chain?.stop();
    forget();
    await database.dispose();
  }
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
