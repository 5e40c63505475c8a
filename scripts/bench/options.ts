/** The benchmark's settings: command-line flags first, then BENCH_* environment variables, then defaults. */
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { root } from "../lib/processes";

const seconds = z.coerce.number().positive().max(3600);

/**
 * The benchmark's parts: the gate's scenarios, the acceptance path alone, the receiver's chain
 * work (watcher catch-up, dispute latency, failover, withdrawal gas), and the reader in Chromium.
 */
export const PARTS = ["gate", "acceptance", "receiver", "x402", "reader"] as const;

/** A comma-separated list of some of `values`, without repeats, in the given order. */
const list = <const T extends string>(values: readonly T[]) =>
  z
    .string()
    .transform((text) => [...new Set(text.split(",").map((item) => item.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(values)).min(1));

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
  /** The databases the gate's scenarios and the acceptance path run on, each with its own rows. */
  databases: list(["sqlite", "postgres"]).default(["sqlite", "postgres"]),
  /** Which parts of the benchmark to run. */
  only: list(PARTS).default([...PARTS]),
});

export type BenchPart = (typeof PARTS)[number];
export type BenchOptions = Omit<z.infer<typeof optionsSchema>, "out"> & { out: string; outPath: string; cpuProfDir?: string };

const usage = `Usage: npm run bench -- [--duration S] [--warmup S] [--connections N] [--rounds N] [--databases LIST] [--only LIST] [--out FILE] [--cpu-prof DIR]
  --duration     timed seconds per scenario           (BENCH_DURATION, default 10)
  --warmup       untimed warm-up seconds per scenario (BENCH_WARMUP, default 2)
  --connections  concurrent connections               (BENCH_CONNECTIONS, default 32)
  --rounds       split the timed seconds into N rounds
                 of free, paid, re-read in turn       (BENCH_ROUNDS, default 2)
  --databases    sqlite, postgres or both             (BENCH_DATABASES, default sqlite,postgres)
  --only         parts to run: gate, acceptance,
                 receiver, x402, reader               (BENCH_ONLY, default all)
  --out          JSON report                          (BENCH_OUT, default reports/bench.json)
  --cpu-prof     write the server's CPU profile here  (BENCH_CPU_PROF, default off)
PostgreSQL is the server at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
each run creates a scratch database there and drops it. A --cpu-prof run writes
reports/bench.profiled.json unless --out says otherwise, so reports/bench.json only holds plain runs.
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
      databases: { type: "string" },
      only: { type: "string" },
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
    databases: values.databases ?? env.BENCH_DATABASES,
    only: values.only ?? env.BENCH_ONLY,
  });
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  const options = parsed.data;
  const out = options.out ?? (options.cpuProf ? "reports/bench.profiled.json" : "reports/bench.json");
  return {
    ...options,
    out,
    outPath: path.resolve(root, out),
    cpuProfDir: options.cpuProf && path.resolve(root, options.cpuProf),
  };
}
