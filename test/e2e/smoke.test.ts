// The browser harness end to end: a real site (Hardhat node, seeded SQLite, `next start`) in
// Debian's Chromium, on a laptop and on a 375 px phone, with the test wallet injected. It checks
// what every browser suite relies on: the pages render without uncaught errors, the wallet is
// there as `window.ethereum` and over EIP-6963, and a paid article shows its paywall and price
// but not a word of its body. Screenshots land in test/e2e/screenshots/.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { Page } from "playwright-core";
import { formatTokenAmount } from "../../lib/protocol/amounts";
import { tokenUnit } from "../../lib/token";
import { sampleArticles } from "../../scripts/db/sampleArticles";
import { devAccount } from "../../scripts/lib/localChain";
import { rpc, tokenBalance } from "../helpers/chain";
import { describeInBrowser, newContext, screenshot, viewports, type ViewportName } from "./helpers/browser";
import { freeArticle, paidArticle } from "./helpers/site";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { installTestWallet } from "./helpers/testWallet";

/** The page is no wider than the viewport: nothing forces a sideways scroll on a phone. */
async function assertNoHorizontalScroll(page: Page, viewport: ViewportName) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewports[viewport].viewport.width, `the page is ${width} px wide in a ${viewports[viewport].viewport.width} px viewport`);
}

const paragraphsOf = (body: string) => body.split("\n\n").map((p) => p.trim()).filter(Boolean);

describeInBrowser("smoke: the site in Chromium with the test wallet", () => {
  const e2e = siteAndBrowser();

  /** A fresh context with the wallet, and a page in it. */
  async function open(viewport: ViewportName) {
    const context = await newContext(e2e.browser, { viewport });
    const wallet = await installTestWallet(context, { rpcUrl: e2e.site.chain.url });
    return { context, wallet, page: await context.newPage(), [Symbol.asyncDispose]: () => context.close() };
  }

  it("announces the test wallet as window.ethereum and over EIP-6963, disconnected until asked", async () => {
    await using session = await open("desktop");
    const { wallet, page } = session;
    await page.goto(e2e.site.url);
    const seen = await page.evaluate(async () => {
      const announced: { info: Record<string, string>; isWindowEthereum: boolean }[] = [];
      window.addEventListener("eip6963:announceProvider", (event) => {
        const { info, provider } = (event as CustomEvent).detail;
        announced.push({ info: { ...info }, isWindowEthereum: provider === (window as unknown as { ethereum: unknown }).ethereum });
      });
      window.dispatchEvent(new Event("eip6963:requestProvider"));
      const ethereum = (window as unknown as { ethereum: { isMetaMask: boolean; request(a: { method: string }): Promise<unknown> } }).ethereum;
      return {
        announced,
        isMetaMask: ethereum.isMetaMask,
        chainId: await ethereum.request({ method: "eth_chainId" }),
        accounts: await ethereum.request({ method: "eth_accounts" }),
      };
    });
    assert.equal(seen.isMetaMask, false);
    assert.equal(seen.chainId, "0x7a69");
    assert.deepEqual(seen.accounts, [], "the wallet must not hand out accounts before eth_requestAccounts, or wagmi auto-connects");
    // The page's own wallet code (RainbowKit, wagmi) may also have asked: find ours among the answers.
    const ours = seen.announced.filter((a) => a.info.rdns === "dev.tollgate.testwallet");
    assert.ok(ours.length >= 1, `no EIP-6963 announcement of the test wallet: ${JSON.stringify(seen.announced)}`);
    const [{ info, isWindowEthereum }] = ours;
    assert.equal(info.name, "Test Wallet");
    assert.match(info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(info.icon, /^data:image\/svg\+xml;base64,/);
    assert.ok(isWindowEthereum, "the announced provider is not window.ethereum");
    assert.deepEqual(wallet.prompts(), [], "opening a page prompted the wallet");
    assert.equal(wallet.connected, false);
  });

  it("lists an extension announced over EIP-6963 once, not also as the generic Browser Wallet", async () => {
    // Two connectors on one provider both take its events: connecting one raced the other (the
    // account button could stay hidden on a loaded machine). RainbowKit's generic entry is for a
    // window.ethereum that does not announce itself.
    await using session = await open("desktop");
    const { page } = session;
    await page.goto(e2e.site.articleUrl(paidArticle.slug));
    await page.getByRole("button", { name: "Connect a wallet" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: /Test Wallet/ }).waitFor();
    await dialog.getByRole("button", { name: /Development wallet/ }).waitFor();
    assert.equal(await dialog.getByRole("button", { name: /Browser Wallet/ }).count(), 0);
  });

  it("lets a page of the site read the node's JSON-RPC, as wagmi's transport does (no Local Network Access block)", async () => {
    await using session = await open("desktop");
    const { page } = session;
    await page.goto(e2e.site.url);
    const answer = await page.evaluate(async (rpcUrl) => {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      return (await response.json()) as { result?: string };
    }, e2e.site.chain.url);
    assert.equal(answer.result, "0x7a69");
  });

  for (const viewport of ["desktop", "mobile"] as const) {
    it(`renders the home page with the catalog (${viewport})`, async () => {
      await using session = await open(viewport);
      const { context, page } = session;
      const response = await page.goto(e2e.site.url);
      assert.equal(response?.status(), 200);
      for (const article of sampleArticles) await page.getByRole("link", { name: article.title }).first().waitFor();
      await screenshot(page, `home-${viewport}`);
      await assertNoHorizontalScroll(page, viewport);
      assert.deepEqual(context.pageErrors, []);
    });

    it(`shows a paid article's paywall with its price and none of its body (${viewport})`, async () => {
      await using session = await open(viewport);
      const { context, page } = session;
      const response = await page.goto(e2e.site.articleUrl(paidArticle.slug));
      assert.equal(response?.status(), 402);
      await page.getByRole("heading", { name: paidArticle.title }).waitFor();
      const paywall = page.getByTestId("paywall");
      await paywall.waitFor();
      const price = formatTokenAmount(paidArticle.price, tokenUnit);
      assert.ok((await paywall.innerText()).includes(price), `the paywall does not show the price ${price}`);
      assert.ok((await page.locator("body").innerText()).includes(paidArticle.teaser), "the teaser is missing");
      // Not in the DOM, nor in the HTML, nor in the RSC payload the HTML carries.
      const html = await page.content();
      for (const paragraph of paragraphsOf(paidArticle.body)) assert.ok(!html.includes(paragraph), `the paid body leaked: "${paragraph.slice(0, 40)}…"`);
      await screenshot(page, `paywall-${viewport}`);
      await assertNoHorizontalScroll(page, viewport);
      assert.deepEqual(context.pageErrors, []);
    });
  }

  it("moves the site's chain: time travel, mining, and tokens for a reader", async () => {
    const latest = () => rpc<{ number: string; timestamp: string }>(e2e.site.chain, "eth_getBlockByNumber", ["latest", false]);
    const before = await latest();
    await e2e.site.timeTravel(3600);
    const after = await latest();
    assert.equal(BigInt(after.number), BigInt(before.number) + 1n);
    assert.ok(BigInt(after.timestamp) - BigInt(before.timestamp) >= 3600n, "the clock did not move an hour");
    await e2e.site.mine(5);
    assert.equal(BigInt((await latest()).number), BigInt(after.number) + 5n);
    const reader = devAccount(9).address;
    const tokens = await tokenBalance(e2e.site.chain, reader);
    await e2e.site.fundReader(9, 7n);
    assert.equal(await tokenBalance(e2e.site.chain, reader), tokens + 7n);
  });

  it("shows a free article's body (so that the paywall check above is not vacuous)", async () => {
    await using session = await open("mobile");
    const { page } = session;
    const response = await page.goto(e2e.site.articleUrl(freeArticle.slug));
    assert.equal(response?.status(), 200);
    const [first] = paragraphsOf(freeArticle.body);
    await page.getByText(first).waitFor();
    assert.equal(await page.getByTestId("paywall").count(), 0);
    await screenshot(page, "free-article-mobile");
  });
  it("shows the site's error page when a page fails to render, and the retry brings the page back once it can", async () => {
    await using session = await open("mobile");
    const { page } = session;
    // The catalog's table taken away under the running site: its query fails as a database fault would.
    const { db } = e2e.site.database;
    await db.$executeRaw`ALTER TABLE "Article" RENAME TO "ArticleAway"`;
    let restored = false;
    try {
      const response = await page.goto(e2e.site.url);
      assert.equal(response?.status(), 500);
      const notice = page.getByTestId("page-error");
      await notice.getByText("Nothing was charged").waitFor();
      assert.match(await notice.innerText(), /Reference for the site's operator: \d+/);
      assert.doesNotMatch(await page.locator("body").innerText(), /ArticleAway|no such table|prisma/i);
      await screenshot(page, "page-error-mobile");
      await db.$executeRaw`ALTER TABLE "ArticleAway" RENAME TO "Article"`;
      restored = true;
      await page.getByRole("button", { name: "Try again" }).click();
      await page.getByText(paidArticle.title).first().waitFor();
      assert.equal(await page.getByTestId("page-error").count(), 0);
    } finally {
      if (!restored) await db.$executeRaw`ALTER TABLE "ArticleAway" RENAME TO "Article"`;
    }
  });
});
