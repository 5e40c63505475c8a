// The publisher's admin in Debian's Chromium against `next start`, a Hardhat node and SQLite,
// with the injected test wallet: a non-publisher is refused; the publisher (the receiver,
// development account #1) signs in with Ethereum, creates, prices and publishes an article; a
// reader in another browser context buys it; the publisher sees the purchase in the channels
// table and in the earnings charts, withdraws it and sees the transaction confirmed. Every admin
// screen is saved at 375 px and at desktop width in test/e2e/screenshots/.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { Page } from "playwright-core";
import { devAccount } from "../../scripts/lib/localChain";
import { openChannel as openTestChannel } from "../helpers/reader";
import { describeInBrowser, newContext, screenshot, viewports, type ViewportName } from "./helpers/browser";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { connect, fund, openChannel, openReader, STEP_MS, unlock } from "./reader.steps";

const PUBLISHER = 1;
const READER = 6;
const STRANGER = 8;
const CLOSER = 9;
const article = {
  title: "Notes from the admin",
  slug: "notes-from-the-admin",
  price: "0.05",
  teaser: "What a publisher sees after the first sale.",
  body: "The first paragraph, only for readers who paid: admin-e2e-secret.\n\nA second paragraph.",
};

async function assertNoHorizontalScroll(page: Page, viewport: ViewportName, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewports[viewport].viewport.width, `${what} is ${width} px wide in a ${viewports[viewport].viewport.width} px viewport`);
}

async function signIn(page: Page) {
  await connect(page);
  await page.getByTestId("sign-in").click();
}

describeInBrowser("publisher admin in Chromium", () => {
  const e2e = siteAndBrowser();

  it("refuses a wallet that is not a publisher's", async () => {
    await using visitor = await openReader(e2e.browser, e2e.site, { account: STRANGER, viewport: "mobile" });
    const { page } = visitor;
    const response = await page.goto(`${e2e.site.url}/admin`);
    assert.equal(response?.status(), 401);
    await page.getByRole("heading", { name: "Publisher sign-in" }).waitFor();
    await screenshot(page, "admin-sign-in-mobile");
    await signIn(page);
    await page.getByTestId("sign-in-error").getByText(/is not one of this site's publishers/).waitFor();
    await screenshot(page, "admin-refused-mobile");
    assert.equal((await visitor.context.cookies()).some((c) => c.name === "tollgate-admin"), false);
    await assertNoHorizontalScroll(page, "mobile", "the sign-in");
  });

  it("counts a closing channel's challenge period down on the chain's clock, not the browser's", async () => {
    // A reader closes alone (no closing signature), claiming nothing was paid: nothing to dispute.
    const channel = await openTestChannel(e2e.site.chain, CLOSER);
    await channel.requestClose(0n);
    await using publisher = await openReader(e2e.browser, e2e.site, { account: PUBLISHER });
    const { page } = publisher;
    await page.goto(`${e2e.site.url}/admin`);
    await signIn(page);
    await page.getByTestId("publisher").getByText(devAccount(PUBLISHER).address).waitFor();
    await page.goto(`${e2e.site.url}/admin/channels?state=closing`);
    const countdown = page.locator(`[data-testid="channel-row"][data-sender="${channel.sender}" i] [data-testid="countdown"]`);
    await countdown.getByText(/^0[0-2]:\d\d:\d\d left$/).waitFor();
    await screenshot(page, "admin-channel-closing-desktop");
    // The chain's clock moves past the challenge period (120 s); the browser's does not.
    await e2e.site.timeTravel(121);
    await countdown.getByText("challenge over: the sender may settle").waitFor();
  });

  it("signs the publisher in, creates, prices and publishes an article; a reader buys it; it shows in channels and charts; a withdrawal confirms", async () => {
    await using publisher = await openReader(e2e.browser, e2e.site, { account: PUBLISHER });
    const { page } = publisher;
    await page.goto(`${e2e.site.url}/admin`);
    await screenshot(page, "admin-sign-in-desktop");
    await signIn(page);
    await page.getByTestId("publisher").getByText(devAccount(PUBLISHER).address).waitFor();
    const session = (await publisher.context.cookies()).find((c) => c.name === "tollgate-admin");
    assert.ok(session?.httpOnly, "the session cookie is HTTP-only");
    assert.equal(session?.sameSite, "Strict");

    // Create: a wrong price is refused next to its field, then the draft is saved.
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Articles" }).click();
    await page.getByTestId("new-article").click();
    await page.getByLabel("Title").fill(article.title);
    await page.getByLabel("Slug").fill(article.slug);
    await page.getByLabel("Price").fill("0.05.1");
    await page.getByLabel("Teaser").fill(article.teaser);
    await page.getByLabel("Text").fill(article.body);
    await page.getByTestId("preview").getByText("admin-e2e-secret").waitFor();
    await page.getByTestId("save-article").click();
    await page.getByTestId("error-price").getByText(/is not a plain decimal number/).waitFor();
    await screenshot(page, "admin-article-new-desktop");
    await page.getByLabel("Price").fill(article.price);
    await page.getByTestId("save-article").click();
    await page.getByTestId("created").waitFor();
    assert.equal(await page.getByTestId("preview").locator("[data-testid=article-body] p").count(), 2, "the saved text keeps its two paragraphs");
    assert.equal(await page.getByTestId("article-state").innerText(), "Draft");
    assert.equal((await fetch(e2e.site.articleUrl(article.slug))).status, 404, "a draft does not exist for readers");
    await page.getByTestId("toggle-publish").click();
    await page.getByTestId("article-state").getByText("Published").waitFor();
    const editUrl = page.url();

    // A reader buys it in another context.
    await fund(e2e.site, READER);
    {
      await using reader = await openReader(e2e.browser, e2e.site, { account: READER });
      await reader.page.goto(e2e.site.articleUrl(article.slug));
      await connect(reader.page);
      await openChannel(reader.page, { method: "permit" }).catch(async (error: Error) => {
        await screenshot(reader.page, "admin-reader-failed-desktop");
        throw error;
      });
      await unlock(reader.page, article.body);
    }

    // The channels table shows the reader's channel and what it paid.
    await page.goto(`${e2e.site.url}/admin/channels`);
    const row = page.getByTestId("channel-row").filter({ has: page.locator(`code[title^="${devAccount(READER).address}"]`) });
    await row.getByTestId("received").getByText("0.05 TOLL").waitFor();
    await screenshot(page, "admin-channels-desktop");

    // Earnings: the purchase in the table and the charts; views arrive with the counter's next flush.
    await page.goto(`${e2e.site.url}/admin/earnings`);
    const funnelRow = page.getByTestId("funnel-table").locator(`tr[data-slug="${article.slug}"]`);
    await funnelRow.getByTestId("purchases").getByText("1", { exact: true }).waitFor();
    // Views and paywall impressions are counted by different requests, so one flush of the
    // counter may carry the view and the next the impression: reload until the page shows both.
    const count = async (cell: string) => Number(await funnelRow.getByTestId(cell).innerText());
    for (const deadline = Date.now() + STEP_MS; ; ) {
      if ((await count("views")) >= 1 && (await count("paywalls")) >= 1) break;
      assert.ok(Date.now() < deadline, `no view and paywall impression counted for ${article.slug} (views ${await count("views")}, paywalls ${await count("paywalls")})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
    }
    for (const chart of ["revenue-chart", "article-revenue-chart", "funnel-chart"]) {
      await page.getByTestId(chart).locator(".recharts-bar-rectangle").first().waitFor();
    }
    await screenshot(page, "admin-earnings-desktop");

    // Withdraw from the channel and follow the transaction to its confirmation.
    await page.goto(`${e2e.site.url}/admin/channels`);
    await row.getByRole("button", { name: "Withdraw" }).click();
    // The node mines it at once; its confirmation then needs CONFIRMATIONS more blocks on top.
    // The progress the page polled, or once all is done and the page refreshed, the row's own status.
    const shown = (...statuses: string[]) =>
      row.locator(statuses.flatMap((st) => [`[data-testid="withdraw-progress"] li[data-status="${st}"]`, `[data-testid="withdrawal-status"][data-status="${st}"]`]).join(", ")).first();
    const explain = async (error: Error) => {
      const rows = await e2e.site.database.db.receiverTransaction.findMany({ select: { id: true, status: true, error: true, blockNumber: true } });
      throw new Error(`${error.message}\ntransactions: ${JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\nrow: ${await row.innerText()}`);
    };
    await shown("mined", "confirmed", "failed").waitFor().catch(explain);
    await e2e.site.mine(2);
    await shown("confirmed", "failed").waitFor().catch(explain);
    assert.equal(await shown("confirmed", "failed").getAttribute("data-status"), "confirmed", await row.innerText());
    await screenshot(page, "admin-withdrawn-desktop");

    // Every screen at both widths.
    await using phone = await newContext(e2e.browser, { viewport: "mobile" });
    await phone.addCookies([session!]);
    const mobile = await phone.newPage();
    mobile.setDefaultTimeout(STEP_MS);
    const screens: Array<[string, string]> = [
      ["overview", "/admin"],
      ["articles", "/admin/articles"],
      ["article-edit", new URL(editUrl).pathname],
      ["article-new", "/admin/articles/new"],
      ["channels", "/admin/channels"],
      ["earnings", "/admin/earnings?by=week"],
      ["settings", "/admin/settings"],
    ];
    for (const [name, path] of screens) {
      for (const [viewport, p] of [["desktop", page], ["mobile", mobile]] as const) {
        const response = await p.goto(`${e2e.site.url}${path}`);
        assert.equal(response?.status(), 200, `${path} at ${viewport}`);
        await screenshot(p, `admin-${name}-${viewport}`);
        if (viewport === "mobile") await assertNoHorizontalScroll(p, "mobile", path);
      }
    }
    assert.deepEqual(publisher.context.pageErrors, []);
    assert.deepEqual(phone.pageErrors, []);
  });
});
