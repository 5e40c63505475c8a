/**
 * The JavaScript each page route loads before it is interactive ("first load"), gzipped, read
 * from the build's own manifests after `next build`:
 *
 * - `build-manifest.json` → `rootMainFiles`: the runtime, React and the router, on every page.
 *   (`polyfillFiles` are `nomodule` scripts that current browsers skip, so they are not counted.)
 * - `server/app/<route>/page_client-reference-manifest.js` → `entryJSFiles`: the chunks of the
 *   route's layouts and page (its client components), which its HTML loads as scripts.
 *
 * Chunks loaded later by `import()` (RainbowKit's modals, the SDK once a wallet is connected)
 * are not first load and are not counted. Each file is gzipped at zlib's default level, as a
 * server would send it; a file shared by several entries counts once.
 *
 * Run: `npm run bundle-size` (builds first when the sources changed). Prints a table, writes
 * `reports/bundle.json` as `{ budget_kb, routes: [{ route, scripts, raw_kb, gzip_kb }] }` and
 * exits non-zero when the article page is over {@link ARTICLE_PAGE_BUDGET_KB}.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { ensureBuild } from "./lib/build";
import { root } from "./lib/processes";

/** The article page's first-load JavaScript may not exceed this (issue 11), gzipped. */
export const ARTICLE_PAGE_BUDGET_KB = 250;
/** The article page's route, as the manifests name it. */
export const ARTICLE_ROUTE = "/articles/[slug]";

export type RouteBundle = { route: string; scripts: number; raw_kb: number; gzip_kb: number; files: string[] };

const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

/** `page_client-reference-manifest.js` is a script that assigns `globalThis.__RSC_MANIFEST[page]`: run it in an empty context and read what it set. */
function entryScripts(distDir: string, page: string): string[] {
  const file = path.join(distDir, "server/app", `${page}_client-reference-manifest.js`);
  const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  runInNewContext(readFileSync(file, "utf8"), { globalThis: sandbox }, { filename: file });
  const manifest = sandbox.__RSC_MANIFEST?.[page];
  if (!manifest?.entryJSFiles) throw new Error(`${file} does not describe ${page}'s scripts: was it built by another Next.js version?`);
  return Object.values(manifest.entryJSFiles).flat();
}

/** First-load JavaScript of every page route of the build in `distDir`, largest first. */
export function measureBundles(distDir = path.join(root, ".next")): RouteBundle[] {
  const build = JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const routes = JSON.parse(readFileSync(path.join(distDir, "app-path-routes-manifest.json"), "utf8")) as Record<string, string>;
  const sizes = new Map<string, { raw: number; gzip: number }>();
  const sizeOf = (file: string) => {
    let size = sizes.get(file);
    if (!size) {
      const body = readFileSync(path.join(distDir, file));
      size = { raw: body.length, gzip: gzipSync(body).length };
      sizes.set(file, size);
    }
    return size;
  };
  const rows: RouteBundle[] = [];
  for (const [page, route] of Object.entries(routes)) {
    // Route handlers (`…/route`) send no JavaScript; `_global-error` is not a page a reader visits.
    if (!page.endsWith("/page") || route === "/_global-error") continue;
    const files = [...new Set([...build.rootMainFiles, ...entryScripts(distDir, page)])];
    const total = files.map(sizeOf).reduce((sum, size) => ({ raw: sum.raw + size.raw, gzip: sum.gzip + size.gzip }), { raw: 0, gzip: 0 });
    rows.push({ route, scripts: files.length, raw_kb: kb(total.raw), gzip_kb: kb(total.gzip), files });
  }
  return rows.sort((a, b) => b.gzip_kb - a.gzip_kb || a.route.localeCompare(b.route));
}

async function main(): Promise<void> {
  ensureBuild();
  const rows = measureBundles();
  const width = Math.max(...rows.map((row) => row.route.length), "route".length);
  console.log(`${"route".padEnd(width)}  scripts   raw kB  gzip kB`);
  for (const row of rows) {
    console.log(`${row.route.padEnd(width)}  ${String(row.scripts).padStart(7)}  ${row.raw_kb.toFixed(1).padStart(7)}  ${row.gzip_kb.toFixed(1).padStart(7)}`);
  }
  await mkdir(path.join(root, "reports"), { recursive: true });
  const report = { budget_kb: ARTICLE_PAGE_BUDGET_KB, routes: rows.map(({ route, scripts, raw_kb, gzip_kb }) => ({ route, scripts, raw_kb, gzip_kb })) };
  await writeFile(path.join(root, "reports/bundle.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log("written to reports/bundle.json");
  const article = rows.find((row) => row.route === ARTICLE_ROUTE);
  if (!article) throw new Error(`the build has no ${ARTICLE_ROUTE} page`);
  if (article.gzip_kb > ARTICLE_PAGE_BUDGET_KB) {
    console.error(`${ARTICLE_ROUTE}: ${article.gzip_kb} kB gzipped, over the ${ARTICLE_PAGE_BUDGET_KB} kB budget`);
    process.exitCode = 1;
  } else {
    console.log(`${ARTICLE_ROUTE}: ${article.gzip_kb} kB gzipped, within the ${ARTICLE_PAGE_BUDGET_KB} kB budget`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
