/**
 * Chromium for the browser suites: Debian's build at /usr/bin/chromium driven by playwright-core
 * (which ships no browser; `scripts/ensure-chromium.sh` installs it). One browser per suite, a
 * fresh context (cookies, storage, wallet) per test, a phone or a desktop viewport.
 *
 * @example
 * const browser = await launchBrowser()
 * await using context = await newContext(browser, { viewport: "mobile" })
 * const page = await context.newPage()
 * await page.goto(site.url)
 * await screenshot(page, "home-mobile")
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags verified with Debian's Chromium in a container (TOOLCHAIN.md, "Browser tests"). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why the browser suites cannot run here, or null when Chromium is installed. `npm test` passes
 * the install script's own message in TOLLGATE_CHROMIUM_MISSING. Asked when needed, not when this
 * module loads: `npm run bench` installs Chromium after importing it.
 */
export function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return (
    process.env.TOLLGATE_CHROMIUM_MISSING ||
    `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. Install it with: sudo apt-get update && sudo apt-get install -y chromium`
  );
}

/**
 * `describe` for a browser suite: skipped with the reason when Chromium is missing, except under
 * CI=true, where the suite fails instead (CI must never pass by skipping the browser tests).
 */
export function describeInBrowser(name: string, body: () => void): void {
  const unavailable = chromiumUnavailable();
  const skip = unavailable && process.env.CI !== "true" ? `${unavailable} (set CI=true to fail instead)` : false;
  describe(name, { skip }, () => {
    if (unavailable) {
      // Under CI=true: one failing test that says why, instead of the suite's tests.
      it(`needs Chromium: ${unavailable}`, () => {
        throw new Error(`${unavailable}; CI=true requires the browser tests to run`);
      });
      return;
    }
    body();
  });
}
export async function launchBrowser(): Promise<Browser> {
  const unavailable = chromiumUnavailable();
  if (unavailable) throw new Error(unavailable);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A reader's phone (the narrowest layout the pages must hold) and a laptop. */
export const viewports = {
  mobile: { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
} as const satisfies Record<string, BrowserContextOptions>;
export type ViewportName = keyof typeof viewports;

export type TestContext = BrowserContext & AsyncDisposable & {
  /** Uncaught exceptions in any of the context's pages (hydration errors among them). */
  pageErrors: Error[];
};

const isLocal = (url: URL) => url.protocol === "data:" || url.hostname === "127.0.0.1" || url.hostname === "localhost";

/**
 * A fresh context: no cookies, no storage, the given viewport. Requests that leave the machine (WalletConnect,
 * analytics, fonts) are aborted at once, so that a page never waits on a network it cannot
 * reach and a test never depends on one.
 */
export async function newContext(
  browser: Browser,
  { viewport = "desktop", ...options }: { viewport?: ViewportName } & Omit<BrowserContextOptions, "viewport"> = {},
): Promise<TestContext> {
  const context = await browser.newContext({ ...viewports[viewport], ...options });
  // tsx (esbuild) keeps function names through a `__name(fn, "name")` helper that exists only in
  // Node: a function given to page.evaluate that declares a named function inside would throw
  // "__name is not defined" in the page. An identity stand-in makes it harmless.
  await context.addInitScript({ content: "globalThis.__name ??= (target) => target;" });
  await context.route((url) => !isLocal(url), (route) => route.abort("blockedbyclient"));
  await context.routeWebSocket((url) => !isLocal(url), (ws) => ws.close());
  const pageErrors: Error[] = [];
  context.on("weberror", (error) => pageErrors.push(error.error()));
  return Object.assign(context, { pageErrors, [Symbol.asyncDispose]: () => context.close() });
}

export const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, "../screenshots");

/**
 * Waits until the page has painted with its fonts. Not `waitForLoadState("networkidle")`: the
 * router's prefetches keep the network busy (a prefetch of a paid article answered 402 stays
 * open in Chromium), so a Next.js page may never be idle.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/** Saves a full-page PNG as test/e2e/screenshots/<name>.png (ignored by git) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await settled(page);
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
