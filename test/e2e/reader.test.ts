// The reader's path in a real browser: Debian's Chromium against `next start`, a Hardhat node
// and a seeded SQLite database, with the injected test wallet standing in for an extension
// (wagmi's injected connector, RainbowKit's modal). Each test is one reader (its own Hardhat
// account, a fresh browser context) and asserts what the reader sees. Screenshots of each main
// screen land in test/e2e/screenshots/.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { Page } from "playwright-core";
import { createPublicClient, http } from "viem";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { sampleArticles } from "../../scripts/db/sampleArticles";
import { describeInBrowser, screenshot, viewports, type ViewportName } from "./helpers/browser";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { assertNoPrompt, connect, firstParagraph, fund, openChannel, openReader, stepStatuses, unlock, unlockButton } from "./reader.steps";

const article = (slug: string) => sampleArticles.find((a) => a.slug === slug)!;
/** Paid sample articles by price: 0.01, 0.02, 0.03 and 0.05 TOLL. */
const cent = article("micropayment-channels-explained");
const twoCents = article("the-economics-of-a-single-read");
const threeCents = article("disputes-and-the-challenge-period");
const fiveCents = article("session-keys-without-fear");

async function assertNoHorizontalScroll(page: Page, viewport: ViewportName) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewports[viewport].viewport.width, `the page is ${width} px wide in a ${viewports[viewport].viewport.width} px viewport`);
}

describeInBrowser("reader: from the paywall to reading, in Chromium", () => {
  const e2e = siteAndBrowser();

  async function tokenBalance(address: `0x${string}`): Promise<bigint> {
    const client = createPublicClient({ transport: http(e2e.site.chain.url) });
    return client.readContract({ address: e2e.site.chain.deployment.token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [address] });
  }

  it("connects a wallet through RainbowKit's modal, and the paywall moves on to opening a channel", async () => {
    await using reader = await openReader(e2e.browser, e2e.site, { account: 4, viewport: "mobile" });
    const { page, wallet, context } = reader;
    const response = await page.goto(e2e.site.articleUrl(cent.slug));
    assert.equal(response?.status(), 402);
    await page.getByRole("button", { name: "Connect a wallet" }).waitFor();
    await screenshot(page, "paywall-connect-mobile");
    // Keyboard only: Tab reaches the paywall's button (after the skip link, the header, the
    // back link), and Enter opens RainbowKit's wallet list.
    for (let tabs = 0; tabs < 12 && (await page.evaluate(() => document.activeElement?.textContent)) !== "Connect a wallet"; tabs++) {
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Connect a wallet", "the paywall's button is not reachable with Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").getByRole("button", { name: /Test Wallet/ }).waitFor();
    await screenshot(page, "connect-modal-mobile");
    await page.getByRole("dialog").getByRole("button", { name: /Test Wallet/ }).click();
    await page.getByTestId("account-button").waitFor();
    assert.ok(wallet.connected);
    assert.match(await page.getByTestId("account-button").innerText(), new RegExp(`${wallet.address.slice(0, 6)}`, "i"));
    await page.getByTestId("open-channel").waitFor();
    assert.equal(await page.getByRole("listitem").filter({ hasText: "Open a channel once" }).getAttribute("aria-current"), "step");
    // The suggested deposit reads ten of this article.
    assert.equal(await page.getByLabel("Deposit", { exact: true }).inputValue(), "0.1");
    await screenshot(page, "paywall-open-channel-mobile");
    await assertNoHorizontalScroll(page, "mobile");
    assert.deepEqual(context.pageErrors, []);
  });

  it("opens a channel in one transaction with a permit, unlocks with the session key (no prompt), and re-reads free after a reload", async () => {
    await fund(e2e.site, 5);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 5 });
    const { page, wallet, context } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    await page.getByTestId("open-channel").waitFor();
    await screenshot(page, "paywall-open-channel-desktop");
    await openChannel(page, { method: "permit" });
    // A permit signature, then one transaction: nothing else.
    assert.deepEqual(await stepStatuses(page), ["signed", "confirmed"]);
    assert.deepEqual(
      wallet.prompts().filter((p) => p.method !== "eth_requestAccounts" && p.method !== "wallet_requestPermissions").map((p) => p.method),
      ["eth_signTypedData_v4", "eth_sendTransaction"],
    );
    assert.match(await page.getByTestId("channel-opened").innerText(), /Sign the permit[\s\S]*Open the channel \(one transaction, with the permit\)[\s\S]*Confirmed in block/);
    await screenshot(page, "paywall-channel-opened-desktop");

    wallet.clearLog();
    await unlock(page, cent.body);
    assertNoPrompt(wallet, "unlocking with the session key");
    assert.match(await page.getByTestId("unlocked").innerText(), /Paid 0\.01 TOLL from your channel · 0\.09 TOLL left/);
    assert.equal(await page.getByTestId("paywall").count(), 0);
    await screenshot(page, "article-unlocked-desktop");

    // The paid answer set the access token cookie: a reload goes through the gate, which serves it free.
    const reloaded = await page.reload();
    assert.equal(reloaded?.status(), 200);
    await page.getByText(firstParagraph(cent.body)).waitFor();
    assert.equal(await page.getByTestId("paywall").count(), 0);
    assertNoPrompt(wallet, "re-reading");

    // Another article is still behind the paywall: the token re-reads only what was bought.
    const other = await page.goto(e2e.site.articleUrl(twoCents.slug));
    assert.equal(other?.status(), 402);
    await unlockButton(page).waitFor();

    // The catalog marks the bought article, and only it.
    await page.goto(e2e.site.url);
    const bought = page.locator(`[data-slug="${cent.slug}"]`).getByTestId("bought-mark");
    await bought.waitFor();
    assert.equal(await page.getByTestId("bought-mark").count(), 1);
    assert.match(await page.locator(`[data-slug="${cent.slug}"]`).innerText(), /0\.01 TOLL/);
    await screenshot(page, "home-bought-desktop");
    assert.deepEqual(context.pageErrors, []);
  });

  it("opens a channel with approve + create and signs each article in the wallet", async () => {
    await fund(e2e.site, 6);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 6 });
    const { page, wallet } = reader;
    await page.goto(e2e.site.articleUrl(twoCents.slug));
    await connect(page);
    await openChannel(page, { method: "approve", sessionKey: false, deposit: "0.5" });
    assert.deepEqual(await stepStatuses(page), ["confirmed", "confirmed"]);
    assert.match(await page.getByTestId("channel-opened").innerText(), /Allow the channel contract to take the deposit[\s\S]*Open the channel/);
    assert.match(await page.getByTestId("unlock").innerText(), /you will sign the payment in your wallet/);

    wallet.clearLog();
    await unlockButton(page).click();
    await page.getByText(firstParagraph(twoCents.body)).waitFor();
    const signatures = wallet.calls("eth_signTypedData_v4");
    assert.equal(signatures.length, 1, "one signature per article");
    const typedData = JSON.parse(signatures[0]!.params[1] as string) as { primaryType: string; message: Record<string, string> };
    assert.equal(typedData.primaryType, "BalanceProof");
    assert.equal(typedData.message.balance, twoCents.price.toString());
    assert.equal(wallet.calls("eth_sendTransaction").length, 0, "paying sent a transaction");
  });

  it("auto-pays articles within its limits without a click, and stops at the budget", async () => {
    await fund(e2e.site, 7);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 7 });
    const { page, wallet } = reader;
    await page.goto(`${e2e.site.url}/channel`);
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "1" });
    const form = page.getByTestId("auto-pay");
    await form.getByRole("checkbox", { name: "Unlock articles automatically" }).check();
    await form.getByLabel("Up to this price per article").fill("0.05");
    await form.getByLabel("Total budget").fill("0.03");
    await form.getByRole("button", { name: "Save auto-pay" }).click();
    await form.getByText("Auto-pay is on.").waitFor();
    await screenshot(page, "channel-auto-pay-desktop");

    wallet.clearLog();
    for (const paid of [cent, twoCents]) {
      await page.goto(e2e.site.articleUrl(paid.slug));
      await page.getByText(firstParagraph(paid.body)).waitFor();
      assert.match(await page.getByTestId("unlocked").innerText(), /^Auto-paid/);
    }
    assertNoPrompt(wallet, "auto-pay");

    // 0.03 more would take auto-pay past its 0.03 budget: the paywall waits for a click.
    await page.goto(e2e.site.articleUrl(threeCents.slug));
    await page.getByTestId("auto-pay-stopped").waitFor();
    assert.match(await page.getByTestId("auto-pay-stopped").innerText(), /past its budget \(0\.03 TOLL of 0\.03 TOLL spent\)/);
    assert.equal(await page.getByTestId("article-body").count(), 0);
    await screenshot(page, "paywall-auto-pay-stopped-desktop");
    // A click still unlocks it.
    await unlock(page, threeCents.body);

    // Above the price limit: skipped, with the reason.
    await page.goto(e2e.site.articleUrl(fiveCents.slug));
    await unlockButton(page).waitFor();
    assert.equal(await page.getByTestId("article-body").count(), 0);
  });

  it("tops up a channel whose deposit ran out, from the paywall and from the channel page", async () => {
    await fund(e2e.site, 8);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 8 });
    const { page } = reader;
    await page.goto(e2e.site.articleUrl(twoCents.slug));
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "0.02" });
    await unlock(page, twoCents.body);

    await page.goto(e2e.site.articleUrl(cent.slug));
    const topUp = page.getByTestId("top-up");
    await topUp.waitFor();
    assert.match(await page.getByTestId("unlock").innerText(), /Your channel has 0 TOLL left, not enough for this article/);
    await topUp.getByLabel("Add to the deposit").fill("0.1");
    await topUp.getByRole("button", { name: "Top up by 0.1 TOLL" }).click();
    await unlockButton(page).waitFor();
    await unlock(page, cent.body);

    await page.goto(`${e2e.site.url}/channel`);
    await page.getByTestId("channel-summary").waitFor();
    assert.equal(await page.getByTestId("channel-deposit").innerText(), "0.12 TOLL");
    assert.equal(await page.getByTestId("channel-spent").innerText(), "0.03 TOLL");
    const pageTopUp = page.getByTestId("top-up");
    await pageTopUp.getByLabel("Add to the deposit").fill("0.5");
    await pageTopUp.getByRole("button", { name: "Top up by 0.5 TOLL" }).click();
    await pageTopUp.getByText("Topped up: the deposit is now 0.62 TOLL.").waitFor();
    assert.deepEqual(await stepStatuses(page, "top-up"), ["confirmed", "confirmed"]);
    assert.equal(await page.getByTestId("channel-deposit").innerText(), "0.62 TOLL");
    await screenshot(page, "channel-top-up-desktop");
  });

  it("closes cooperatively: the site's closing signature, one transaction, the rest back at once", async () => {
    const address = await fund(e2e.site, 9);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 9, viewport: "mobile" });
    const { page } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    await openChannel(page, { method: "permit", deposit: "0.1" });
    await unlock(page, cent.body);
    const before = await tokenBalance(address);

    await page.goto(`${e2e.site.url}/channel`);
    await page.getByTestId("channel-summary").waitFor();
    assert.equal(await page.getByTestId("channel-articles").innerText(), "1");
    assert.equal(await page.getByTestId("channel-remaining").innerText(), "0.09 TOLL");
    await screenshot(page, "channel-mobile");
    await assertNoHorizontalScroll(page, "mobile");
    await page.getByRole("button", { name: "Close with the site" }).click();
    await page.getByRole("button", { name: "Close and get 0.09 TOLL back" }).click();
    await page.getByRole("heading", { name: "No open channel" }).waitFor();
    assert.match(await page.getByTestId("channel-closed").innerText(), /Your channel is closed[\s\S]*Close the channel[\s\S]*Confirmed in block/);
    assert.match(await page.getByTestId("closed-channels").innerText(), /paid 0\.01 TOLL for 1 article, the rest of 0\.1 TOLL returned/);
    assert.equal(await tokenBalance(address), before + 90_000_000_000_000_000n);
    await screenshot(page, "channel-closed-mobile");
  });

  it("closes alone: counts down the challenge period, and settles after it (time travel)", async () => {
    const address = await fund(e2e.site, 10);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 10 });
    const { page } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    await openChannel(page, { method: "approve", deposit: "0.1" });
    await unlock(page, cent.body);
    const before = await tokenBalance(address);

    await page.goto(`${e2e.site.url}/channel`);
    await page.getByRole("button", { name: "Close without the site" }).click();
    await page.getByText(/starts a challenge period of 2 min 00 s/).waitFor();
    await page.getByRole("button", { name: "Start closing alone" }).click();
    await page.getByTestId("channel-closed").getByText("Closing started: settle when the challenge period ends.").waitFor();
    assert.deepEqual(await stepStatuses(page, "channel-closed"), ["confirmed"]);
    const countdown = page.getByTestId("countdown");
    await countdown.getByText(/Challenge period ends in \d+ min \d+ s/).waitFor();
    // It ticks: wait for the text to change (as often as the page's clock says), not for a time.
    const first = await countdown.textContent();
    await page.waitForFunction((before) => document.querySelector('[data-testid="countdown"]')?.textContent !== before, first);
    assert.ok(await page.getByRole("button", { name: "Settle" }).isDisabled());
    await screenshot(page, "channel-closing-countdown-desktop");

    await e2e.site.timeTravel(125);
    await countdown.getByText("The challenge period is over: you can settle now.").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Settle" }).click();
    await page.getByTestId("settle-panel").waitFor({ state: "detached" });
    assert.match(await page.getByTestId("channel-closed").innerText(), /Your channel is closed[\s\S]*Settle the channel[\s\S]*Confirmed in block/);
    assert.equal(await tokenBalance(address), before + 90_000_000_000_000_000n);
    await screenshot(page, "channel-settled-desktop");
  });
});
