/**
 * `npm run bench` (issues #4, #8, #11): what paying costs the server, and what the receiver's
 * chain work costs. Each part starts what it needs (a fresh Hardhat node, a fresh database, the
 * production build through the integration harness) and stops it again:
 *
 * - `gate`: three scenarios with autocannon, 32 connections each, on SQLite and on PostgreSQL
 *   (its own rows): `free` (a free article), `paid` (a paid article bought with a fresh balance
 *   proof per request), `reread` (an article the channel already bought, with its latest proof);
 * - `acceptance`: acceptPayment alone on one core against a real database, beside the rate of
 *   signer recoveries alone with the same library;
 * - `receiver`: the watcher catching up over 10,000 blocks, the latency of a dispute, a leader
 *   failover on PostgreSQL, and the gas of withdrawing N channels one by one;
 * - `x402`: the time of an x402 purchase (x402's stock client, EIP-3009, settled and confirmed)
 *   against a channel purchase on the same site in the same run;
 * - `reader`: click-to-text unlock time in headless Chromium and the article page's JavaScript.
 *
 * Prints every figure as a table and writes the same figures to reports/bench.json. Every process
 * it starts is stopped on success, on failure and on Ctrl-C. Options: `npm run bench -- --help`.
 * docs/benchmarks.md says what the figures mean and what they do not.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { benchAcceptance, printAcceptance } from "./bench/acceptance";
import { benchGate, type GateRun } from "./bench/gateRun";
import { parseBenchOptions } from "./bench/options";
import type { Window } from "./bench/profileSummary";
import { benchReceiver, printReceiver } from "./bench/receiver";
import { TARGETS, printTable, writeReport, type BenchReport } from "./bench/report";
import { benchUnlock, printReaderFigures } from "./bench/unlock";
import { benchX402OnFreshSite, printX402Figures } from "./bench/x402";
import { root, stopAll, stopChildrenOnExit } from "./lib/processes";

stopChildrenOnExit();
const options = parseBenchOptions(process.argv.slice(2), process.env);
const { duration, warmup, connections, rounds, only } = options;
const log = (line: string) => console.log(`▸ ${line}`);

const report: BenchReport = [];
const problems: string[] = [];
/** The timed runs' spans per database, for slicing each server's CPU profile by scenario. */
const windows = new Map<string, Window[]>();

try {
  const loadAverage = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  log(`${os.cpus().length} CPUs, load average ${loadAverage}; parts: ${only.join(", ")}; databases: ${options.databases.join(", ")}`);
  if (os.loadavg()[0] > 0.5) log(`WARNING: the machine is already busy (1-min load ${os.loadavg()[0].toFixed(2)}): figures will be noisy; compare ratios`);

  if (only.includes("gate")) {
    log(
      `The gate: ${connections} connections; per scenario ${warmup} s warm-up, then ${duration} s timed in ${rounds} round${rounds > 1 ? "s" : ""} ` +
        `(scenarios interleaved), on ${options.databases.join(" then ")}`,
    );
    const runs: GateRun[] = [];
    for (const provider of options.databases) {
      const run = await benchGate(provider, options, log);
      runs.push(run);
      problems.push(...run.problems);
      windows.set(provider, run.windows);
      report.push(...run.rows, { name: run.server.name, database: run.server.database, peak_rss_mb: run.server.peak_rss_mb });
    }
    console.log();
    printTable(runs);
    console.log();
    for (const run of runs) {
      for (let r = 0; r < rounds; r++) {
        const cells = run.rows.map(({ name, rounds: each }) => {
          const row = each[r];
          return `${name} ${row.rps.toFixed(1)} req/s p50 ${row.p50_ms.toFixed(1)} ms` + (name === "free" ? "" : ` (×${row.ratio_p50.toFixed(2)} p50, ×${row.ratio_rps.toFixed(2)} rps)`);
        });
        if (rounds > 1) console.log(`[${run.database}] round ${r + 1}: ${cells.join("; ")}.`);
      }
      for (const note of run.notes) console.log(`[${run.database}] ${note}`);
    }
    const missed = runs.flatMap((run) => run.rows.flatMap((row) => (TARGETS[row.name] ?? []).filter((t) => !t.met(row)).map((t) => `${run.database} ${row.name} ${t.label}`)));
    console.log(missed.length > 0 ? `Targets missed: ${missed.join("; ")}.` : "Every target met.");
  }

  if (only.includes("acceptance")) {
    log("The acceptance path alone: acceptPayment on one core against a real database, beside signer recoveries alone");
    const rows = [];
    for (const provider of options.databases) rows.push(await benchAcceptance(provider, log));
    printAcceptance(rows);
    report.push(...rows);
  }

  if (only.includes("receiver")) {
    log("The receiver's chain work: catch-up, dispute latency, failover, withdrawals");
    const rows = await benchReceiver(log);
    printReceiver(rows);
    report.push(...rows);
  }

  if (only.includes("x402")) {
    log("x402: one purchase with x402's stock client against one through a channel, alternating, on one site");
    const rows = await benchX402OnFreshSite(20, log);
    printX402Figures(rows);
    report.push(...rows);
  }

  if (only.includes("reader") && !options.cpuProfDir) {
    // Installs Chromium as `npm test` does (apt-get when root), or says in one line how to get it.
    const chromium = spawnSync("bash", [path.join(root, "scripts/ensure-chromium.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    process.stdout.write(chromium.stdout);
    if (chromium.status !== 0) {
      log(`Reader benchmark skipped: ${chromium.stdout.trim().split("\n").slice(-2).join(" ").replace(/\s+/g, " ")}`);
    } else {
      log("Reader benchmark: unlock time in headless Chromium and the article page's JavaScript");
      const reader = await benchUnlock();
      printReaderFigures(reader);
      report.push(...reader);
    }
  }

  if (problems.length > 0) {
    console.error(`\n${"!".repeat(78)}\n!! THE FIGURES ARE VOID: not every request was a correct 200, or the ledger or the build moved\n${problems.map((p) => `!!   ${p}`).join("\n")}\n${"!".repeat(78)}`);
    console.error(`${options.out} was left as it was.`);
    process.exitCode = 1;
  } else {
    await writeReport(options.outPath, report);
    console.log(`\nWrote ${options.out}.`);
  }
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  // Each part stops what it started; this is for a part that threw before it could.
  stopAll();
  if (options.cpuProfDir) await reportProfiles(options.cpuProfDir, windows);
}
process.exit(process.exitCode ?? 0);

async function reportProfiles(dir: string, windows: Map<string, Window[]>): Promise<void> {
  const profiles = (sub: string) => (existsSync(sub) ? readdirSync(sub).filter((f) => f.endsWith(".cpuprofile")) : []);
  for (const [provider, spans] of windows) {
    const sub = path.join(dir, provider);
    await writeFile(path.join(sub, "windows.json"), `${JSON.stringify(spans, null, 2)}\n`);
    // next-server writes its profile as it exits, after the parent may already be gone.
    for (let i = 0; i < 50 && profiles(sub).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const files = profiles(sub);
    log(files.length ? `CPU profiles in ${sub}: ${files.join(", ")}` : `no CPU profile was written to ${sub}`);
    if (files.length) log(`Summarize them by scenario: tsx scripts/bench/profileSummary.ts ${path.relative(process.cwd(), sub)}`);
  }
}
