// The reader's path when something is off: a new browser (the channel recovered from the site
// and the chain, the session key gone), no wallet extension at all (the development wallet, on
// the local chain), the wallet on the wrong network, and the reader declining in the wallet.
// Same stack as reader.test.ts: Chromium, `next start`, a Hardhat node, the injected test wallet.
import assert from "node:assert/strict";
import { it } from "node:test";
import { sampleArticles } from "../../scripts/db/sampleArticles";
import { devAccount } from "../../scripts/lib/localChain";
import { describeInBrowser, newContext, screenshot } from "./helpers/browser";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { assertNoPrompt, connect, firstParagraph, fund, openChannel, openReader, STEP_MS, stepStatuses, unlock, unlockButton } from "./reader.steps";

const article = (slug: string) => sampleArticles.find((a) => a.slug === slug)!;
const cent = article("micropayment-channels-explained");
const twoCents = article("the-economics-of-a-single-read");
const threeCents = article("disputes-and-the-challenge-period");

describeInBrowser("reader: recovery, the development wallet, and errors a reader can act on", () => {
  const e2e = siteAndBrowser();

  it("recovers the channel and its balance in a fresh browser, where the wallet signs instead of the lost session key", async () => {
    await fund(e2e.site, 11);
    await using first = await openReader(e2e.browser, e2e.site, { account: 11 });
    await first.page.goto(e2e.site.articleUrl(cent.slug));
    await connect(first.page);
    await openChannel(first.page, { method: "permit", deposit: "0.2" });
    await unlock(first.page, cent.body);
    // The first browser moves on to the next article, and stays there.
    await first.page.goto(e2e.site.articleUrl(threeCents.slug));
    await unlockButton(first.page).waitFor();

    // A new browser: no cookies, no localStorage, no session key; the same wallet.
    await using second = await openReader(e2e.browser, e2e.site, { account: 11 });
    const { page, wallet, context } = second;
    await page.goto(`${e2e.site.url}/channel`);
    await connect(page);
    await page.getByTestId("channel-summary").waitFor();
    // The chain gives the channel and its deposit; what it spent and bought is the reader's
    // private history, which the site shows only once this browser signs in (one signature).
    assert.equal(await page.getByTestId("channel-deposit").innerText(), "0.2 TOLL");
    const hidden = page.getByTestId("history-hidden");
    wallet.clearLog();
    await hidden.getByRole("button", { name: "Restore purchases" }).click();
    await hidden.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("channel-spent").innerText(), "0.01 TOLL");
    assert.equal(await page.getByTestId("channel-articles").innerText(), "1");
    assert.match(await page.getByTestId("session-key-missing").innerText(), /does not hold the channel's session key/);
    assert.deepEqual(wallet.prompts().map((p) => p.method), ["personal_sign"]);
    await screenshot(page, "channel-recovered-desktop");

    // What it bought reads free, without a prompt: the sign-in's access token cookie serves it…
    wallet.clearLog();
    const response = await page.goto(e2e.site.articleUrl(cent.slug));
    assert.equal(response?.status(), 200);
    await page.getByText(firstParagraph(cent.body)).waitFor();
    assertNoPrompt(wallet, "re-reading a recovered purchase");
    // …and with the token lost, the stored (public) proof proves nothing: the wallet signs an
    // access request (no session key here), which re-reads it free.
    await context.clearCookies();
    const again = await page.goto(e2e.site.articleUrl(cent.slug));
    assert.equal(again?.status(), 402);
    await unlock(page, cent.body);
    assert.match(await page.getByTestId("unlocked").innerText(), /You already bought this article/);
    assert.deepEqual(wallet.prompts().map((p) => p.method), ["eth_signTypedData_v4"]);

    // A new article is paid on the recovered balance, signed in the wallet.
    wallet.clearLog();
    await page.goto(e2e.site.articleUrl(twoCents.slug));
    assert.match(await page.getByTestId("unlock").innerText(), /you will sign the payment in your wallet/);
    await unlock(page, twoCents.body);
    assert.deepEqual(wallet.prompts().map((p) => p.method), ["eth_signTypedData_v4"]);
    assert.match(await page.getByTestId("unlocked").innerText(), /Paid 0\.02 TOLL from your channel · 0\.17 TOLL left/);
    assert.deepEqual(context.pageErrors, []);

    // Back in the first browser, whose page still thinks 0.01 was spent: the site refuses its
    // stale proof, the page re-syncs on the site's (verified) balance and pays on top, with the
    // session key, in the same click.
    first.wallet.clearLog();
    await unlock(first.page, threeCents.body);
    assertNoPrompt(first.wallet, "paying after a re-sync");
    assert.match(await first.page.getByTestId("unlocked").innerText(), /Paid 0\.03 TOLL from your channel · 0\.14 TOLL left/);
  });

  it("lets a reader without a wallet extension read with the development wallet on the local chain, tokens from the faucet", async () => {
    // No test wallet in this context: nothing injected, as in a browser without an extension.
    await using context = await newContext(e2e.browser, { viewport: "mobile" });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.goto(e2e.site.articleUrl(cent.slug));
    await page.getByRole("button", { name: "Connect a wallet" }).click();
    const option = page.getByRole("dialog").getByRole("button", { name: /Development wallet/ });
    await option.waitFor();
    await screenshot(page, "connect-modal-dev-wallet-mobile");
    await option.click();
    await page.getByTestId("account-button").waitFor();
    const devAddress = devAccount(3).address;
    assert.match(await page.getByTestId("account-button").getAttribute("aria-label") ?? "", new RegExp(devAddress, "i"));

    // Not enough tokens: the local chain offers its faucet.
    const form = page.getByTestId("open-channel");
    await form.getByText(/You hold 0 TOLL, less than this deposit/).waitFor();
    await form.getByRole("button", { name: "Get 100 test TOLL" }).click();
    await form.getByText(/You hold 100 TOLL\./).waitFor();
    await screenshot(page, "paywall-faucet-mobile");
    await openChannel(page, { method: "permit" });
    await unlock(page, cent.body);
    await screenshot(page, "article-unlocked-dev-wallet-mobile");
    assert.deepEqual(context.pageErrors, []);
  });

  it("offers to switch when the wallet is on another network, and wallet actions wait for it", async () => {
    await fund(e2e.site, 12);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 12 });
    const { page, wallet } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    await page.getByTestId("open-channel").waitFor();

    // The reader picks another network in the wallet.
    await wallet.switchChain(1);
    const notice = page.getByTestId("wrong-network");
    await notice.waitFor();
    assert.match(await notice.innerText(), /It is on chain 1; this site takes payments on Local Hardhat \(chain 31337\)/);
    assert.match(await page.getByTestId("account-button").innerText(), /Wrong network/);
    assert.ok(await page.getByRole("button", { name: /^Open with/ }).isDisabled(), "opening is possible on the wrong network");
    await screenshot(page, "paywall-wrong-network-desktop");

    await notice.getByRole("button", { name: "Switch to Local Hardhat" }).click();
    await notice.waitFor({ state: "detached" });
    assert.equal(wallet.chainId, 31337);
    assert.ok(await page.getByRole("button", { name: /^Open with/ }).isEnabled());
  });

  it("says so when the reader declines in the wallet, and lets them try again", async () => {
    await fund(e2e.site, 13);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 13 });
    const { page, wallet } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);

    // A declined transaction while opening: nothing happens, and the step says why.
    wallet.rejectNext("eth_sendTransaction");
    const form = page.getByTestId("open-channel");
    await form.getByRole("radio", { name: /Two transactions/ }).check();
    await form.getByRole("checkbox", { name: /Pay without wallet prompts/ }).uncheck();
    await form.getByRole("button", { name: /^Open with/ }).click();
    const opening = page.getByTestId("error-notice");
    await opening.getByText("You declined in your wallet").waitFor();
    assert.deepEqual(await stepStatuses(page, "open-channel"), ["failed"]);
    await opening.getByRole("button", { name: "Try again" }).click();
    await page.getByTestId("channel-opened").waitFor();

    // A declined signature: no payment, the reason in words, and a retry that works.
    wallet.rejectNext("eth_signTypedData_v4");
    await unlockButton(page).click();
    const declined = page.getByTestId("error-notice");
    await declined.getByText("You declined in your wallet").waitFor();
    assert.match(await declined.innerText(), /Nothing was signed or sent/);
    assert.equal(await page.getByTestId("article-body").count(), 0);
    assert.doesNotMatch(await page.locator("body").innerText(), /at .*\.js:\d+|Error:/, "a stack trace reached the page");
    await screenshot(page, "paywall-signature-declined-desktop");
    await declined.getByRole("button", { name: "Try again" }).click();
    await page.getByText(firstParagraph(cent.body)).waitFor();
  });

  it("says when the chain or the site cannot be reached, and carries on once they answer", async () => {
    await fund(e2e.site, 15);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 15 });
    const { page, context } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    await openChannel(page, { method: "permit" });

    // The chain's RPC stops answering: finding the channel fails, in words, with a retry.
    const rpc = (url: URL) => url.origin === new URL(e2e.site.chain.url).origin;
    await context.route(rpc, (route) => route.abort("connectionrefused"));
    await page.reload();
    const chainDown = page.getByTestId("error-notice");
    await chainDown.getByText("The chain cannot be reached").waitFor();
    await screenshot(page, "paywall-chain-unreachable-desktop");
    await context.unroute(rpc);
    await chainDown.getByRole("button", { name: "Try again" }).click();
    await unlockButton(page).waitFor();

    // The site stops answering the payment: nothing is lost, and the retry pays once.
    const articleJson = (url: URL) => url.pathname === `/articles/${cent.slug}`;
    await page.route(articleJson, (route) => (route.request().headers().accept?.includes("application/json") ? route.abort("connectionrefused") : route.continue()));
    await unlockButton(page).click();
    const siteDown = page.getByTestId("error-notice");
    await siteDown.getByText("The site cannot be reached").waitFor();
    await page.unroute(articleJson);
    await siteDown.getByRole("button", { name: "Try again" }).click();
    await page.getByText(firstParagraph(cent.body)).waitFor();
    assert.match(await page.getByTestId("unlocked").innerText(), /Paid 0\.01 TOLL from your channel · 0\.09 TOLL left/);
  });
});
