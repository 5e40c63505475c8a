/**
 * The site and Chromium a browser suite runs against, set up once per suite: call it in the
 * suite's body and it registers a `before` that starts both (`startE2ESite`, `launchBrowser`) and
 * an `after` that stops whichever of them started. The returned object's fields are set by that
 * `before`: read them in tests and in hooks registered after it, not while the suite is declared.
 *
 * @example
 * describeInBrowser("reading on a site that wants two confirmations", () => {
 *   const e2e = siteAndBrowser({ site: { env: { CONFIRMATIONS: "2" } } })
 *   it("…", async () => {
 *     await using reader = await openReader(e2e.browser, e2e.site, { account: 14 })
 *     await reader.page.goto(e2e.site.articleUrl(paidArticle.slug))
 *   })
 * })
 */
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser";
import { startE2ESite, type E2ESite, type E2ESiteOptions } from "./site";

export type SiteAndBrowser = { readonly site: E2ESite; readonly browser: Browser };

/** Registers the hooks in the enclosing `describe`; `site` goes to `startE2ESite`. */
export function siteAndBrowser({ site: siteOptions }: { site?: E2ESiteOptions } = {}): SiteAndBrowser {
  let site: E2ESite | undefined;
  let browser: Browser | undefined;
  before(async () => {
    // Neither start can be cancelled, so both are waited for even when one fails: whichever
    // started is then set, and the `after` (which node:test runs after a failed `before` too)
    // stops it instead of leaving a server or a browser running.
    const [started, launched] = await Promise.allSettled([startE2ESite(siteOptions), launchBrowser()]);
    if (started.status === "fulfilled") site = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    throwFailures([started, launched], "The site and the browser both failed to start");
  });
  after(async () => {
    const results = await Promise.allSettled([browser?.close(), site?.stop()]);
    throwFailures(results, "The browser and the site both failed to stop");
  });
  return {
    get site() {
      return site ?? notStarted("site");
    },
    get browser() {
      return browser ?? notStarted("browser");
    },
  };
}

function notStarted(what: string): never {
  throw new Error(`siteAndBrowser: the ${what} is not there; it is set by the suite's before hook, so read it in tests and later hooks only`);
}

/** Rethrows a single failure as it is; two at once as one error whose message carries both. */
function throwFailures(results: PromiseSettledResult<unknown>[], bothFailed: string): void {
  const errors = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const messages = errors.map((error) => (error instanceof Error ? error.message : String(error)));
    throw new AggregateError(errors, `${bothFailed}: ${messages.join("; ")}`);
  }
}
