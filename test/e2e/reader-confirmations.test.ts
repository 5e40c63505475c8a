// A site that wants its channels buried under two blocks (CONFIRMATIONS=2): the page shows a
// transaction confirming 1/2 until the next block, then confirmed, and the channel pays. The
// Hardhat node mines only on transactions, so the test mines the second block itself.
import assert from "node:assert/strict";
import { it } from "node:test";
import { sampleArticles } from "../../scripts/db/sampleArticles";
import { describeInBrowser, screenshot } from "./helpers/browser";
import { siteAndBrowser } from "./helpers/siteAndBrowser";
import { connect, fund, openReader, stepStatuses, unlock } from "./reader.steps";

const cent = sampleArticles.find((a) => a.slug === "micropayment-channels-explained")!;

describeInBrowser("reader: transaction progress on a site that wants two confirmations", () => {
  const e2e = siteAndBrowser({ site: { env: { CONFIRMATIONS: "2" } } });

  it("shows 'confirming 1/2' until the next block, then 'confirmed', and the channel pays", async () => {
    await fund(e2e.site, 14);
    await using reader = await openReader(e2e.browser, e2e.site, { account: 14 });
    const { page } = reader;
    await page.goto(e2e.site.articleUrl(cent.slug));
    await connect(page);
    const form = page.getByTestId("open-channel");
    await form.getByRole("radio", { name: /One transaction/ }).check();
    await form.getByRole("button", { name: /^Open with/ }).click();
    await form.getByText("Confirming 1/2…").waitFor();
    assert.deepEqual(await stepStatuses(page, "open-channel"), ["signed", "confirming"]);
    await screenshot(page, "paywall-confirming-desktop");

    await e2e.site.mine(1);
    await page.getByTestId("channel-opened").waitFor();
    assert.deepEqual(await stepStatuses(page), ["signed", "confirmed"]);
    await unlock(page, cent.body);
  });
});
