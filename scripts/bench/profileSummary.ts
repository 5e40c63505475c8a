/**
 * Where the server's main thread spends its time, per benchmark scenario, from the profile that
 * `npm run bench -- --cpu-prof DIR` makes the server write.
 *
 * Run: `tsx scripts/bench/profileSummary.ts DIR` (the directory holds the server's `.cpuprofile`
 * and the bench's `windows.json`: the monotonic-clock span of each timed run, V8's profile clock,
 * with its count of 200s). Frames in the production bundle are mapped back to their sources
 * through the build's source maps, so time is attributed to packages (secp256k1, Prisma, the
 * SQLite driver, React…) rather than to chunk files. Frames without a script (native code,
 * builtins) count for the nearest caller that has one. V8 samples the thread's stack whether it
 * computes or waits in a synchronous call, so the time of a blocking SQLite call (its fsync
 * included) lands on the driver: these are milliseconds of a busy main thread, not of CPU alone.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type Window = { name: string; startUs: number; endUs: number; requests: number };

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** First match wins, on the source path relative to the project root (or the frame's URL). */
const CATEGORIES: Array<[string, RegExp]> = [
  ["secp256k1 (signature recovery)", /@noble\/curves/],
  ["keccak-256 and other hashing", /@noble\/hashes/],
  ["viem/ox (typed data, ABI, RPC)", /node_modules\/(viem|ox|abitype)\//],
  ["SQLite driver (libsql, sync I/O)", /@libsql|node_modules\/libsql\/|adapter-libsql|async-mutex/],
  ["Prisma client (query compiler)", /@prisma\/client|prisma\/generated|query_compiler|^wasm:/],
  ["zod", /node_modules\/zod\//],
  ["React (RSC + HTML render)", /react-dom|react-server-dom|node_modules\/(next\/dist\/compiled\/)?react\/|scheduler/],
  ["Next.js (server, routing, proxy)", /node_modules\/next\/|\[turbopack\]|turbopack/],
  ["Tollgate (app, lib, proxy.ts)", /^(lib|app)\/|^proxy\.ts/],
  ["Node.js (http, streams, async hooks)", /^node:/],
];
const SPECIAL = new Map([
  ["(garbage collector)", "garbage collection"],
  ["(idle)", "idle"],
  ["(program)", "native, unattributed"],
]);

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    let map: SourceMap | null = null;
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload);
      } catch {
        map = null;
      }
    }
    maps.set(file, map);
  }
  return maps.get(file)!;
}

const root = process.cwd();

/** A source map's source as a path relative to the project root, whatever scheme the bundler used. */
function normalize(original: string, mapFile: string): string {
  let source = decodeURIComponent(original);
  if (source.startsWith("webpack://")) source = source.replace(/^webpack:\/\/([^/]+)\/(\.\/)?/, "node_modules/$1/");
  else if (source.startsWith("turbopack:///[project]/")) source = source.slice("turbopack:///[project]/".length);
  else if (!/^[a-z]+:/.test(source)) source = path.relative(root, path.resolve(path.dirname(mapFile), source));
  return source;
}

/** The original source of a frame when its script has a source map, else its URL. */
function resolveSource(frame: CallFrame): { source: string; line: number } {
  if (frame.url.startsWith("file://")) {
    const file = fileURLToPath(frame.url);
    const map = sourceMapFor(file);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && "originalSource" in entry && entry.originalSource) {
      return { source: normalize(entry.originalSource, file), line: entry.originalLine + 1 };
    }
    return { source: path.relative(root, file), line: frame.lineNumber + 1 };
  }
  return { source: frame.url, line: frame.lineNumber + 1 };
}

function categorize(source: string): string | null {
  for (const [name, pattern] of CATEGORIES) if (pattern.test(source)) return name;
  return source ? "other" : null;
}

/** A scenario's share of the profile: all its timed spans together (one per round). */
export type Summary = {
  name: string;
  requests: number;
  /** CPU milliseconds per 200, by category (idle excluded). */
  perRequest: Map<string, number>;
  /** Share of the scenario's wall time by category, idle included. */
  share: Map<string, number>;
  topFunctions: Array<{ name: string; ms: number }>;
};

export function summarize(profile: Profile, windows: Window[]): Summary[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const category = new Map<number, string>();
  const label = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const known = category.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const special = SPECIAL.get(node.callFrame.functionName);
    let result: string;
    if (special) result = special;
    else {
      const { source, line } = resolveSource(node.callFrame);
      label.set(id, `${node.callFrame.functionName || "(anonymous)"}  ${source}:${line}`);
      const own = categorize(source);
      const up = parent.get(id);
      result = own ?? (up !== undefined && byId.get(up)!.callFrame.functionName !== "(root)" ? categoryOf(up) : "native, unattributed");
    }
    category.set(id, result);
    return result;
  };

  const names = [...new Set(windows.map((w) => w.name))];
  const selfByName = new Map(names.map((name) => [name, new Map<number, number>()]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    const window = windows.find((w) => t >= w.startUs && t < w.endUs);
    if (!window) continue;
    const self = selfByName.get(window.name)!;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + next);
  }
  return names.map((name) => {
    const spans = windows.filter((w) => w.name === name);
    const wallUs = spans.reduce((sum, w) => sum + (w.endUs - w.startUs), 0);
    const requests = spans.reduce((sum, w) => sum + w.requests, 0);
    const summary: Summary = { name, requests, perRequest: new Map(), share: new Map(), topFunctions: [] };
    const functions = new Map<string, number>();
    for (const [id, us] of selfByName.get(name)!) {
      const kind = categoryOf(id);
      summary.share.set(kind, (summary.share.get(kind) ?? 0) + us / wallUs);
      if (kind !== "idle") summary.perRequest.set(kind, (summary.perRequest.get(kind) ?? 0) + us / 1000 / requests);
      const fn = label.get(id) ?? byId.get(id)!.callFrame.functionName;
      functions.set(fn, (functions.get(fn) ?? 0) + us / 1000);
    }
    summary.topFunctions = [...functions].map(([fn, ms]) => ({ name: fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, 15);
    return summary;
  });
}

function print(summaries: Summary[]): void {
  const names = [...new Set(summaries.flatMap((s) => [...s.perRequest.keys()]))];
  const total = (s: Summary) => [...s.perRequest.values()].reduce((a, b) => a + b, 0);
  names.sort((a, b) => (summaries.at(-1)!.perRequest.get(b) ?? 0) - (summaries.at(-1)!.perRequest.get(a) ?? 0));
  const free = summaries.find((s) => s.name === "free");
  const cols = summaries.map((s) => s.name);
  const width = Math.max(...names.map((n) => n.length), 34);
  const head = ["main-thread ms per 200".padEnd(width), ...cols.map((c) => c.padStart(9)), ...(free ? cols.filter((c) => c !== "free").map((c) => `${c}−free`.padStart(12)) : [])];
  console.log(head.join("  "));
  const row = (name: string, value: (s: Summary) => number) =>
    [
      name.padEnd(width),
      ...summaries.map((s) => value(s).toFixed(2).padStart(9)),
      ...(free ? summaries.filter((s) => s !== free).map((s) => (value(s) - value(free)).toFixed(2).padStart(12)) : []),
    ].join("  ");
  for (const name of names) console.log(row(name, (s) => s.perRequest.get(name) ?? 0));
  console.log(row("total (busy main thread)", total));
  console.log(row("idle share of wall time (%)", (s) => 100 * (s.share.get("idle") ?? 0)));
  for (const summary of summaries) {
    console.log(`\nTop self time in ${summary.name} (${summary.requests} 200s, ms over its timed runs):`);
    for (const { name, ms } of summary.topFunctions) console.log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("profileSummary.ts")) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("Usage: tsx scripts/bench/profileSummary.ts DIR  (DIR from npm run bench -- --cpu-prof DIR)");
    process.exit(2);
  }
  const windows = JSON.parse(readFileSync(path.join(dir, "windows.json"), "utf8")) as Window[];
  // The largest profile is next-server's; the small one is `next start`'s launcher.
  const [largest] = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!largest) throw new Error(`no .cpuprofile in ${dir}`);
  print(summarize(JSON.parse(readFileSync(largest, "utf8")) as Profile, windows));
}
