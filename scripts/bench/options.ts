/** The benchmark's settings: command-line flags first, then BENCH_* environment variables, then defaults. */
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { root } from "../lib/processes";

const seconds = z.coerce.number().positive().max(3600);

const optionsSchema = z.object({
  /** Timed seconds per scenario. */
  duration: seconds.default(10),
  /** Untimed seconds per scenario before it, to warm the JIT, the caches and the channels. */
  warmup: z.coerce.number().min(0).max(600).default(2),
  connections: z.coerce.number().int().min(1).max(256).default(32),
  /** The timed seconds are split into this many rounds of free, paid, re-read in turn. */
  rounds: z.coerce.number().int().min(1).max(20).default(2),
  /** Where to write the JSON report (default reports/bench.json, or reports/bench.<variant>.json for a variant). */
  out: z.string().min(1).optional(),
  /** When set, the server runs with `--cpu-prof` and writes its profile into this directory on exit. */
  cpuProf: z.string().min(1).optional(),
  /** Experiment: put the benchmark's database in WAL journal mode before the server starts (not the defaults). */
  sqliteWal: z.stringbool().default(false),
});

export type BenchOptions = Omit<z.infer<typeof optionsSchema>, "out"> & { out: string; outPath: string; cpuProfDir?: string };

const usage = `Usage: npm run bench -- [--duration S] [--warmup S] [--connections N] [--rounds N] [--out FILE] [--cpu-prof DIR] [--sqlite-wal]
  --duration     timed seconds per scenario           (BENCH_DURATION, default 10)
  --warmup       untimed warm-up seconds per scenario (BENCH_WARMUP, default 2)
  --connections  concurrent connections               (BENCH_CONNECTIONS, default 32)
  --rounds       split the timed seconds into N rounds
                 of free, paid, re-read in turn       (BENCH_ROUNDS, default 2)
  --out          JSON report                          (BENCH_OUT, default reports/bench.json)
  --cpu-prof     write the server's CPU profile here  (BENCH_CPU_PROF, default off)
  --sqlite-wal   experiment: database in WAL mode     (BENCH_SQLITE_WAL=1, default off)
A --cpu-prof or --sqlite-wal run writes reports/bench.profiled.json or reports/bench.wal.json
unless --out says otherwise, so reports/bench.json only ever holds the plain defaults.
Quick run: npm run bench -- --duration 3 --warmup 1 --rounds 1`;

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      rounds: { type: "string" },
      out: { type: "string" },
      "cpu-prof": { type: "string" },
      "sqlite-wal": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const parsed = optionsSchema.safeParse({
    duration: values.duration ?? env.BENCH_DURATION,
    warmup: values.warmup ?? env.BENCH_WARMUP,
    connections: values.connections ?? env.BENCH_CONNECTIONS,
    rounds: values.rounds ?? env.BENCH_ROUNDS,
    out: values.out ?? env.BENCH_OUT,
    cpuProf: values["cpu-prof"] ?? env.BENCH_CPU_PROF,
    sqliteWal: values["sqlite-wal"] === undefined ? env.BENCH_SQLITE_WAL : String(values["sqlite-wal"]),
  });
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  const options = parsed.data;
  const variant = [options.cpuProf && "profiled", options.sqliteWal && "wal"].filter(Boolean).join("-");
  const out = options.out ?? (variant ? `reports/bench.${variant}.json` : "reports/bench.json");
  return {
    ...options,
    out,
    outPath: path.resolve(root, out),
    cpuProfDir: options.cpuProf && path.resolve(root, options.cpuProf),
  };
}
