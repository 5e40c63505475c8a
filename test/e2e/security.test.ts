// The pages' security headers and auto-pay's navigation rule, against the real site (Hardhat
// node, seeded SQLite, `next start`) in Chromium. Another site is a real HTTP server on another
// host name (localhost, where the site is 127.0.0.1: cross-site to the browser) that links to,
// or frames, the site's articles.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, it } from "node:test";
import type { Page } from "playwright-core";
import type { Address } from "viem";
import { fromDbAmount } from "../../lib/db/amount";
import { sampleArticles } from "../../scripts/db/sampleArticles";
import { describeInBrowser } from "./helpers/browser";
import { freeArticle, paidArticle } from "./helpers/site";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { connect, firstParagraph, fund, openChannel, openReader } from "./reader.steps";

const cent = sampleArticles.find((a) => a.slug === "micropayment-channels-explained")!;
const twoCents = sampleArticles.find((a) => a.slug === "the-economics-of-a-single-read")!;

/** Records every CSP violation a page reports, from before its first script. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`));
  });
  return () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

describeInBrowser("security headers, and auto-pay only on the reader's own navigations", () => {
  const e2e = siteAndBrowser();
  /** Another site: pages that link to, script a navigation to, or frame one of the site's URLs. */
  let elsewhere: { url: string; close(): Promise<void> };
  /** What `sender` spent on all its channels, from the receiver's database: the channel API shows it only to the sender's token. */
  const spentBy = async (sender: Address) =>
    (await e2e.site.database.db.channel.findMany({ where: { sender: sender.toLowerCase() } })).reduce((sum, c) => sum + fromDbAmount(c.balance), 0n);
  before(async () => {
    const server = http.createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const target = url.searchParams.get("to") ?? "";
      const pages: Record<string, string> = {
        "/link": `<a id="go" href="${target}">Read this</a>`,
        "/script": `<script>location.href = ${JSON.stringify(target)}</script>`,
        "/frame": `<iframe id="frame" src="${target}" width="800" height="600"></iframe>`,
      };
      const body = pages[url.pathname];
      response.writeHead(body ? 200 : 404, { "Content-Type": "text/html" });
      response.end(body ? `<!doctype html><title>Elsewhere</title>${body}` : "not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    elsewhere = {
      url: `http://localhost:${(server.address() as { port: number }).port}`,
      close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    };
  });
  after(async () => {
    await elsewhere?.close();
  });

  it("puts a CSP with a fresh nonce and frame-ancestors 'none', Referrer-Policy and nosniff on every page and API response", async () => {
    const pages = ["/", "/channel", `/articles/${freeArticle.slug}`, `/articles/${paidArticle.slug}`, "/no-such-page"];
    const api = ["/api/articles", "/api/stats", `/api/channels/${"0x".padEnd(42, "1")}`, `/articles/${paidArticle.slug}`, "/articles/%E0%A4%A"];
    const nonces = new Set<string>();
    for (const [path, accept] of [...pages.map((p) => [p, "text/html"]), ...api.map((p) => [p, "application/json"])] as const) {
      const response = await fetch(`${e2e.site.url}${path}`, { headers: { Accept: accept } });
      const what = `${accept} ${path} (${response.status})`;
      const csp = response.headers.get("content-security-policy") ?? "";
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, what);
      assert.match(csp, /(^|; )object-src 'none'(;|$)/, what);
      const nonce = csp.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/)?.[1];
      assert.ok(nonce, `${what}: ${csp}`);
      nonces.add(nonce);
      assert.match(csp, new RegExp(`connect-src 'self' ${e2e.site.chain.url.replace(/[.]/g, "\\.")}`), what);
      assert.equal(response.headers.get("referrer-policy"), "same-origin", what);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", what);
      assert.equal(response.headers.get("x-frame-options"), "DENY", what);
      const body = await response.text();
      if (accept === "text/html" && response.headers.get("content-type")?.startsWith("text/html")) {
        // Next.js put the response's nonce on every script it wrote (it reads it from the request's policy).
        const scripts = body.match(/<script\b[^>]*>/g) ?? [];
        assert.ok(scripts.length > 0, what);
        for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `${what}: ${tag}`);
      }
    }
    assert.equal(nonces.size, pages.length + api.length, "a new nonce for every response");
  });

  it("a link or a script on another site opens the article without auto-paying it; the reader's own visit pays", async () => {
    const account = 4;
    const reader = await fund(e2e.site, account);
    await using session = await openReader(e2e.browser, e2e.site, { account });
    const { page } = session;
    const violations = await watchViolations(page);
    await page.goto(`${e2e.site.url}/channel`);
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "1" });
    const form = page.getByTestId("auto-pay");
    await form.getByRole("checkbox", { name: "Unlock articles automatically" }).check();
    await form.getByLabel("Up to this price per article").fill("0.05");
    await form.getByLabel("Total budget").fill("0.5");
    await form.getByRole("button", { name: "Save auto-pay" }).click();
    await form.getByText("Auto-pay is on.").waitFor();
    const paid = () => spentBy(reader);

    // A link another site shows, followed by the reader's click.
    await page.goto(`${elsewhere.url}/link?to=${encodeURIComponent(e2e.site.articleUrl(cent.slug))}`);
    await page.locator("#go").click();
    await page.getByTestId("auto-pay-held").waitFor();
    assert.equal(await page.getByTestId("article-body").count(), 0);
    assert.equal(await paid(), 0n, "the link spent nothing");

    // A navigation another site's script starts, without any click.
    await page.goto(`${elsewhere.url}/script?to=${encodeURIComponent(e2e.site.articleUrl(twoCents.slug))}`);
    await page.waitForURL(e2e.site.articleUrl(twoCents.slug));
    await page.getByTestId("auto-pay-held").waitFor();
    assert.equal(await paid(), 0n, "the script spent nothing");

    // The reader's own visit (typed, bookmarked: Sec-Fetch-Site none) auto-pays as before.
    await page.goto(e2e.site.articleUrl(cent.slug));
    await page.getByText(firstParagraph(cent.body)).waitFor();
    assert.match(await page.getByTestId("unlocked").innerText(), /^Auto-paid/);
    assert.equal(await paid(), cent.price);
    assert.deepEqual(await violations(), [], "the pages ran under their policy without a violation");
  });

  it("another site cannot frame an article: the browser refuses it, and nothing is paid", async () => {
    const account = 5;
    const reader = await fund(e2e.site, account);
    await using session = await openReader(e2e.browser, e2e.site, { account });
    const { page } = session;
    await page.goto(`${e2e.site.url}/channel`);
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "1" });
    const form = page.getByTestId("auto-pay");
    await form.getByRole("checkbox", { name: "Unlock articles automatically" }).check();
    await form.getByRole("button", { name: "Save auto-pay" }).click();
    await form.getByText("Auto-pay is on.").waitFor();

    const framed = page.waitForEvent("response", (response) => response.url() === e2e.site.articleUrl(cent.slug));
    await page.goto(`${elsewhere.url}/frame?to=${encodeURIComponent(e2e.site.articleUrl(cent.slug))}`);
    const answer = await framed;
    assert.match((await answer.allHeaders())["content-security-policy"] ?? "", /frame-ancestors 'none'/);
    const frame = (await (await page.locator("#frame").elementHandle())!.contentFrame())!;
    await frame.waitForLoadState("load");
    assert.notEqual(frame.url(), e2e.site.articleUrl(cent.slug), `the framed article loaded (${frame.url()})`);
    assert.equal(await frame.locator("[data-testid=paywall]").count(), 0);
    assert.equal(await spentBy(reader), 0n, "the frame spent nothing");
  });
});
