/**
 * The SDK against a real Tollgate: `next start` with its database, and a Hardhat node with the
 * contracts deployed. Nothing is faked. Set `TOLLGATE_E2E_URL` (the site, e.g.
 * http://127.0.0.1:3000) and, if not the default, `TOLLGATE_E2E_RPC` (http://127.0.0.1:8545).
 *
 * Every scenario uses a fresh reader key, funded with gas by Hardhat development account #19
 * and with tokens by the token's faucet, so the suite can run again on the same chain and site
 * without earlier runs' channels or purchases changing what it sees.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, http, parseEther, type Address, type PrivateKeyAccount, type PublicClient } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { TollgateHeader } from "../../lib/protocol/headers";
import {
  BudgetExceededError,
  createMemoryStorage,
  createTollgateClient,
  createViemChannelChain,
  fetchCatalog,
  type Catalog,
  type PaymentReceipt,
  type TollgateClientOptions,
  type TransactionEvent,
} from "../../lib/client";
import { fetchServerChannels } from "../../lib/client/site/fetchServerChannels";
import type { ClientStorage } from "../../lib/client/storage/ClientStorage";
import { seedArticles } from "../../scripts/db/seed";
import { createTestDatabase } from "../db/databases";
import { startSite, startTestChain } from "../helpers/localSite";
import { signInReader } from "../helpers/reader";

// Against a site of your own when TOLLGATE_E2E_URL is set; otherwise against one this suite
// starts: a fresh Hardhat node and `next start` on a fresh, seeded SQLite database.
let SITE = process.env.TOLLGATE_E2E_URL;
let RPC = process.env.TOLLGATE_E2E_RPC || "http://127.0.0.1:8545";
let ownSite: { stop(): Promise<void> } | undefined;

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const funder = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 19 });

let publicClient: PublicClient;
let catalog: Catalog;
let origin: string;
/** The catalog's priced articles, cheapest first. */
let priced: Catalog["articles"];

async function tokenBalance(owner: Address): Promise<bigint> {
  return publicClient.readContract({ address: catalog.token.address, abi: tollgateTokenAbi, functionName: "balanceOf", args: [owner] });
}

/** A fresh reader with 1 ETH for gas and 100 tokens. */
async function newReader(): Promise<PrivateKeyAccount> {
  const account = privateKeyToAccount(generatePrivateKey());
  const transport = http(RPC);
  const fund = createWalletClient({ account: funder, transport });
  await publicClient.waitForTransactionReceipt({ hash: await fund.sendTransaction({ to: account.address, value: parseEther("1"), chain: null }) });
  const wallet = createWalletClient({ account, transport });
  const hash = await wallet.writeContract({ address: catalog.token.address, abi: tollgateTokenAbi, functionName: "faucet", args: [parseEther("100")], chain: null });
  await publicClient.waitForTransactionReceipt({ hash });
  return account;
}

function newClient(account: PrivateKeyAccount, options: Partial<TollgateClientOptions> & { storage?: ClientStorage } = {}) {
  const events: TransactionEvent[] = [];
  const transport = http(RPC);
  const chain = createViemChannelChain({
    publicClient,
    walletClient: createWalletClient({ account, transport }),
    onTransaction: (event) => events.push(event),
  });
  const client = createTollgateClient({
    chain,
    storage: createMemoryStorage(),
    trustedContracts: [catalog.contract],
    deposit: 10n * priced[priced.length - 1]!.price,
    ...options,
  });
  const actions = () => [...new Set(events.map((e) => e.action))];
  return { client, events, actions };
}

/**
 * The channel's balance as the site holds it. The channel API answers only the sender's access
 * token (reading history is private), so the reader signs in for it (EIP-4361), as on a new browser.
 */
const serverBalance = async (reader: PrivateKeyAccount, openBlock: bigint) => {
  const token = await signInReader({ url: origin }, reader, catalog.chainId);
  const channels = await fetchServerChannels((i, init) => fetch(i, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), [TollgateHeader.accessToken]: token } }), origin, reader.address);
  return channels.find((c) => c.openBlock === openBlock)?.balance;
};

describe("the SDK against a real Tollgate site", { timeout: 300_000 }, () => {
  after(async () => ownSite?.stop());
  before(async () => {
    if (!SITE) {
      const chain = await startTestChain();
      const database = await createTestDatabase("sqlite");
      await seedArticles(database.db);
      const site = await startSite({ databaseUrl: database.url, chain });
      ownSite = { stop: async () => (await site.stop(), chain.stop(), await database.dispose()) };
      SITE = site.url;
      RPC = chain.url;
    }
    origin = new URL(SITE!).origin;
    publicClient = createPublicClient({ transport: http(RPC) });
    catalog = await fetchCatalog((i, init) => fetch(i, init), origin);
    priced = catalog.articles.filter((a) => a.price > 0n).sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
    assert.ok(priced.length >= 3, `the site needs at least 3 priced articles for this suite, it has ${priced.length}`);
    assert.equal(await publicClient.getChainId(), catalog.chainId, `${RPC} is not the site's chain ${catalog.chainId}`);
  });

  it("opens with approve + create, pays several articles, and re-reads one for free", async () => {
    const reader = await newReader();
    const { client, events, actions } = newClient(reader, { permit: "never" });
    let expected = 0n;
    let last: PaymentReceipt | undefined;
    for (const article of priced.slice(0, 3)) {
      const { article: got, receipt } = await client.getArticle(article.url);
      last = receipt;
      expected += article.price;
      assert.equal(got.slug, article.slug);
      assert.ok(got.body.length > 0);
      assert.equal(receipt?.cost, article.price);
      assert.equal(receipt?.balance, expected);
    }
    assert.deepEqual(actions(), ["approve", "createChannel"]);
    assert.ok(events.some((e) => e.stage === "pending") && events.some((e) => e.stage === "confirmed"), "progress was reported");

    // The client kept the access token the paid answers handed out: a re-read sends it and no
    // proof, and is answered without a receipt (nothing signed, nothing charged).
    const again = await client.getArticle(priced[0]!.url);
    assert.equal(again.article.slug, priced[0]!.slug);
    assert.ok(again.article.body.length > 0);
    assert.equal(again.receipt, undefined, "a paid article is free to read again");
    assert.equal(client.budget.spent, expected);
    const channel = last!.channel;
    assert.equal(await serverBalance(reader, channel.openBlock), expected);
  });

  it("opens with a single createChannelWithPermit transaction", async () => {
    const reader = await newReader();
    const { client, actions } = newClient(reader, { permit: "always" });
    const { receipt } = await client.getArticle(priced[0]!.url);
    assert.equal(receipt?.cost, priced[0]!.price);
    assert.deepEqual(actions(), ["createChannelWithPermit"]);
  });

  it("stops at the budget before signing, leaving the server's balance where it was", async () => {
    const reader = await newReader();
    const { client } = newClient(reader, { budget: { maxTotal: priced[0]!.price } });
    const { receipt } = await client.getArticle(priced[0]!.url);
    await assert.rejects(client.getArticle(priced[1]!.url), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError, String(error));
      assert.equal(error.limit, "total");
      return true;
    });
    assert.equal(await serverBalance(reader, receipt!.channel.openBlock), priced[0]!.price);

    const cheap = newClient(reader, { budget: { maxPrice: priced[0]!.price - 1n } });
    await assert.rejects(cheap.client.getArticle(priced[2]!.url), (error: unknown) => error instanceof BudgetExceededError && error.limit === "price");
  });

  it("re-signs on the server's stored proof when two clients share one channel's session key", async () => {
    const reader = await newReader();
    const storage = createMemoryStorage();
    const first = newClient(reader, { sessionKey: true, storage });
    const opened = await first.client.getArticle(priced[0]!.url);
    const channel = opened.receipt!.channel;
    assert.ok(channel.delegate, "the channel names a session key");

    const twin = newClient(reader, { sessionKey: true, storage: createMemoryStorage(storage.snapshot()) });
    await first.client.getArticle(priced[1]!.url); // the twin's copy is now one payment behind
    const { receipt } = await twin.client.getArticle(priced[2]!.url);
    const total = priced[0]!.price + priced[1]!.price + priced[2]!.price;
    assert.equal(receipt?.cost, priced[2]!.price);
    assert.equal(receipt?.balance, total, "signed on top of the adopted balance");
    assert.equal(twin.client.budget.spent, priced[2]!.price);
    assert.equal(await serverBalance(reader, channel.openBlock), total);
  });

  it("tops up a channel whose deposit cannot cover the next article", async () => {
    const reader = await newReader();
    const topUp = 2n * priced[1]!.price;
    const { client, actions } = newClient(reader, { deposit: priced[0]!.price, topUp });
    await client.getArticle(priced[0]!.url);
    const { receipt } = await client.getArticle(priced[1]!.url);
    assert.equal(receipt?.balance, priced[0]!.price + priced[1]!.price);
    assert.equal(receipt?.deposit, priced[0]!.price + topUp);
    assert.ok(actions().includes("topUp"));
  });

  it("recovers a channel in a fresh client with empty storage, pays on, and closes cooperatively", async () => {
    const reader = await newReader();
    const { client } = newClient(reader);
    await client.getArticle(priced[0]!.url);
    const { receipt } = await client.getArticle(priced[1]!.url);
    const paid = receipt!.balance;
    const deposit = receipt!.deposit;

    const fresh = newClient(reader).client; // same key, nothing stored: no channel, no access token
    // The site shows a sender's channels only to its token (reading history is private): the
    // chain still tells the channel and its deposit, not what it paid.
    const [recovered] = (await fresh.channels(origin)).filter((c) => c.status === "open");
    assert.equal(recovered?.openBlock, receipt!.channel.openBlock);
    assert.equal(recovered?.deposit, deposit);
    const reread = await fresh.getArticle(priced[0]!.url);
    assert.equal(reread.article.slug, priced[0]!.slug);
    assert.equal(await serverBalance(reader, recovered!.openBlock), paid, "not charged twice after a restart");
    assert.equal(reread.receipt, undefined, "answered to a signed access request: nothing charged, nothing signed above the stored balance");
    const third = await fresh.getArticle(priced[2]!.url);
    const final = paid + priced[2]!.price;
    assert.equal(third.receipt?.balance, final);

    const [readerBefore, receiverBefore] = await Promise.all([tokenBalance(reader.address), tokenBalance(catalog.receiver)]);
    const [closed] = await fresh.close(origin);
    assert.equal(closed?.balance, final);
    assert.equal(closed?.refund, deposit - final);
    assert.equal(await tokenBalance(reader.address), readerBefore + deposit - final, "the rest of the deposit came back");
    assert.equal(await tokenBalance(catalog.receiver), receiverBefore + final, "the receiver got the balance");
    assert.equal((await fresh.channels(origin)).find((c) => c.openBlock === recovered!.openBlock)?.status, "settled");
  });
});
