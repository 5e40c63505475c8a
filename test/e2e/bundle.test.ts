// The article page's JavaScript budget (issue 11): its first load, read from the build's
// manifests by scripts/bundle-size.ts, stays within ARTICLE_PAGE_BUDGET_KB gzipped. And the
// manifests tell the truth: Chromium, opening a paid article as a new reader, loads exactly the
// scripts they list before the page is interactive.
import assert from "node:assert/strict";
import path from "node:path";
import { it } from "node:test";
import type { Page } from "playwright-core";
import { ARTICLE_PAGE_BUDGET_KB, ARTICLE_ROUTE, measureBundles } from "../../scripts/bundle-size";
import { root } from "../../scripts/lib/processes";
import { describeInBrowser } from "./helpers/browser";
import { paidArticle } from "./helpers/site";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { openReader } from "./reader.steps";

/** The `/_next/static/…` scripts the page has requested so far, as manifest paths (`static/chunks/…`). */
function scriptsOf(page: Page): Set<string> {
  const loaded = new Set<string>();
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (request.resourceType() === "script" && pathname.startsWith("/_next/")) loaded.add(pathname.slice("/_next/".length));
  });
  return loaded;
}

describeInBrowser("bundle: the article page's first-load JavaScript", () => {
  // The site is built (by startE2ESite) when its sources changed, so the manifests are this build's.
  const e2e = siteAndBrowser();

  it(`is at most ${ARTICLE_PAGE_BUDGET_KB} kB gzipped`, () => {
    const article = measureBundles(path.join(root, ".next")).find((row) => row.route === ARTICLE_ROUTE);
    assert.ok(article, `the build has no ${ARTICLE_ROUTE} page`);
    assert.ok(article.gzip_kb <= ARTICLE_PAGE_BUDGET_KB, `${ARTICLE_ROUTE} loads ${article.gzip_kb} kB of JavaScript gzipped, over ${ARTICLE_PAGE_BUDGET_KB} kB`);
  });

  it("is what Chromium loads for a new reader before the page is interactive", async () => {
    const manifest = new Set(measureBundles(path.join(root, ".next")).find((row) => row.route === ARTICLE_ROUTE)!.files);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 16 });
    const { page } = reader;
    const loaded = scriptsOf(page);
    await page.goto(e2e.site.articleUrl(paidArticle.slug));
    // Interactive: the paywall's connect button exists only after hydration.
    await page.getByRole("button", { name: "Connect a wallet" }).waitFor();
    assert.deepEqual([...manifest].filter((file) => !loaded.has(file)), [], "scripts the manifests list that the page did not load");
    assert.deepEqual([...loaded].filter((file) => !manifest.has(file)), [], "scripts the page loaded before it was interactive that the manifests do not list");
  });
});
