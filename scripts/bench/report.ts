/** The benchmark's figures: one printed table, and the same figures as reports/bench.json. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { quantile, type LoadResult } from "./runLoad";

/** One scenario's row of reports/bench.json. */
export type ScenarioFigures = {
  name: string;
  /** 200s per second. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** p50 / free's p50. */
  ratio_p50: number;
  /** rps / free's rps. */
  ratio_rps: number;
};

/** One round's figures of a scenario (its ratios are to the same round's free run). */
export type RoundFigures = Pick<ScenarioFigures, "rps" | "p50_ms" | "ratio_p50" | "ratio_rps">;

/** A scenario's row as reports/bench.json holds it: which database, the server's CPU per 200, each round. */
export type GateRow = ScenarioFigures & { database: string; cpu_ms_per_200: number; ratio_cpu: number; rounds: RoundFigures[] };

/** The server's entry of reports/bench.json: the next-server process's peak resident set (VmHWM). */
export type ServerFigures = { name: "server"; database: string; peak_rss_mb: number };

/** Any other benchmark's row (acceptance path, watcher, withdrawals, reader): a name and its figures. */
export type OtherFigures = { name: string } & Record<string, unknown>;

export type BenchReport = Array<GateRow | ServerFigures | OtherFigures>;

/** A target a scenario is held to, against free's figures. */
export type Target = { label: string; met: (row: ScenarioFigures) => boolean };

export const TARGETS: Record<string, Target[]> = {
  paid: [
    { label: "p50 ≤ 1.25× free", met: (row) => row.ratio_p50 <= 1.25 },
    { label: "rps ≥ 0.80× free", met: (row) => row.ratio_rps >= 0.8 },
  ],
  reread: [{ label: "p50 ≤ 1.10× free", met: (row) => row.ratio_p50 <= 1.1 }],
};

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Figures of a run; `baseline` is free's (omit it for free itself). */
export function figures(name: string, run: LoadResult, baseline?: { rps: number; p50_ms: number }): ScenarioFigures {
  const rps = run.ok / run.seconds;
  const p50 = quantile(run.latenciesMs, 0.5);
  const p99 = quantile(run.latenciesMs, 0.99);
  const base = baseline ?? { rps, p50_ms: p50 };
  return {
    name,
    rps: round(rps, 1),
    p50_ms: round(p50, 2),
    p99_ms: round(p99, 2),
    ratio_p50: round(p50 / base.p50_ms, 3),
    ratio_rps: round(rps / base.rps, 3),
  };
}

/** The gate's table: one block of rows per database, each closed by its server's peak memory. */
export function printTable(runs: Array<{ rows: GateRow[]; server: ServerFigures & { detail: string } }>): void {
  const header = ["database", "scenario", "req/s", "p50 ms", "p99 ms", "ratio_p50", "ratio_rps", "CPU/200 ms", "target", ""];
  const lines: string[][] = [header];
  const memory = new Map<string[], string>();
  for (const { rows, server } of runs) {
    for (const row of rows) {
      const targets = TARGETS[row.name] ?? [];
      const cells = [
        row.database,
        row.name,
        row.rps.toFixed(1),
        row.p50_ms.toFixed(2),
        row.p99_ms.toFixed(2),
        row.ratio_p50.toFixed(3),
        row.ratio_rps.toFixed(3),
        `${row.cpu_ms_per_200.toFixed(2)} ×${row.ratio_cpu.toFixed(2)}`,
      ];
      if (targets.length === 0) lines.push([...cells, "baseline", ""]);
      targets.forEach((target, i) => {
        const verdict = target.met(row) ? "met" : "MISSED";
        lines.push(i === 0 ? [...cells, target.label, verdict] : ["", "", "", "", "", "", "", "", target.label, verdict]);
      });
    }
    const line = [server.database, "server"];
    memory.set(line, `peak RSS ${server.peak_rss_mb.toFixed(1)} MB (${server.detail})`);
    lines.push(line);
  }
  const widths = header.map((_, c) => Math.max(...lines.filter((line) => !memory.has(line)).map((line) => [...(line[c] ?? "")].length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const format = (line: string[]) =>
    line
      .map((cell, c) => (numeric.has(c) && line !== header ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const render = (line: string[]) => (memory.has(line) ? `${format(line)}  ${memory.get(line)}` : format(line));
  console.log([format(header), rule, ...lines.slice(1).map(render)].join("\n"));
}

/** A small table of any figures: a header and rows of cells, numbers right-aligned. */
export function printFigures(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const lines = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, c) => Math.max(...lines.map((line) => [...(line[c] ?? "")].length)));
  const format = (line: string[], isHeader: boolean) =>
    line.map((cell, c) => (!isHeader && /^[-+×0-9.,]+$/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  console.log(`\n${title}`);
  console.log([format(header, true), widths.map((w) => "─".repeat(w)).join("  "), ...lines.slice(1).map((line) => format(line, false))].join("\n"));
}

export async function writeReport(file: string, report: BenchReport): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
