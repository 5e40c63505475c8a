/**
 * What a reader does in the browser, step by step, for the reader suites and the unlock
 * benchmark: fund an account, open the site with the test wallet, connect through RainbowKit's
 * modal, open a channel, unlock an article. Each step waits for what the reader would see.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { Address } from "viem";
import { parseAmount } from "../../lib/protocol/amounts";
import { devAccount } from "../../scripts/lib/localChain";
import { newContext, type TestContext, type ViewportName } from "./helpers/browser";
import type { E2ESite } from "./helpers/site";
import { installTestWallet, type TestWallet } from "./helpers/testWallet";

/** Generous for a local chain: a step waits for transactions and a few requests. */
export const STEP_MS = 30_000;

/** Gives Hardhat development account `index` test tokens from the demo token's faucet; returns its address. */
export async function fund(site: E2ESite, index: number, tokens = "100"): Promise<Address> {
  await site.fundReader(index, parseAmount(tokens, 18));
  return devAccount(index).address;
}

export type ReaderSession = AsyncDisposable & { context: TestContext; wallet: TestWallet; page: Page };

/** A fresh browser context (no cookies, no storage) with the test wallet holding account `account`. */
export async function openReader(
  browser: Browser,
  site: E2ESite,
  { account, viewport = "desktop", chainId }: { account: number; viewport?: ViewportName; chainId?: number },
): Promise<ReaderSession> {
  const context = await newContext(browser, { viewport });
  const wallet = await installTestWallet(context, { rpcUrl: site.chain.url, account, ...(chainId ? { chainId } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  return { context, wallet, page, [Symbol.asyncDispose]: () => context.close() };
}

/** Opens RainbowKit's wallet list from the first "Connect" button on the page and picks `walletName`. */
export async function connect(page: Page, walletName = "Test Wallet"): Promise<void> {
  await page.getByRole("button", { name: /^Connect (a )?wallet$/ }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: new RegExp(walletName) }).click();
  await page.getByTestId("account-button").waitFor();
}

/** Fills the open-channel form and opens it; resolves when the channel is open (the unlock button or the channel's numbers show). */
export async function openChannel(
  page: Page,
  { deposit, method, sessionKey = true }: { deposit?: string; method: "permit" | "approve"; sessionKey?: boolean },
): Promise<void> {
  const form = page.getByTestId("open-channel");
  await form.waitFor();
  if (deposit !== undefined) await form.getByLabel("Deposit", { exact: true }).fill(deposit);
  await form.getByRole("radio", { name: method === "permit" ? /One transaction/ : /Two transactions/ }).check();
  const box = form.getByRole("checkbox", { name: /Pay without wallet prompts/ });
  if (sessionKey) await box.check();
  else await box.uncheck();
  await form.getByRole("button", { name: /^Open with/ }).click();
  await page.getByTestId("channel-opened").waitFor();
}

/** The unlock button ("Unlock for 0.01 TOLL"). */
export const unlockButton = (page: Page) => page.getByRole("button", { name: /^Unlock for / });

/** Clicks "Unlock for …" and waits for the article's first paragraph. */
export async function unlock(page: Page, body: string): Promise<void> {
  await unlockButton(page).click();
  await page.getByText(firstParagraph(body)).waitFor();
}

export const firstParagraph = (body: string) => body.split("\n\n")[0]!.trim();

/** The transaction steps' statuses, in order, as the page shows them. */
export async function stepStatuses(page: Page, testId = "channel-opened"): Promise<string[]> {
  return page.getByTestId(testId).locator("[data-status]").evaluateAll((items) => items.map((item) => item.getAttribute("data-status") ?? ""));
}

/** Asserts the wallet showed no prompt since `wallet.clearLog()`. */
export function assertNoPrompt(wallet: TestWallet, what: string): void {
  assert.deepEqual(
    wallet.prompts().map((p) => p.method),
    [],
    `${what} prompted the wallet`,
  );
}
