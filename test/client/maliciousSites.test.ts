/**
 * The SDK against sites that lie (DESIGN.md: "The client never signs more than the reader
 * allowed, whatever a site answers"). Each site is a real HTTP server (maliciousSite.ts) that
 * checks proofs against a real Hardhat node, with the real contracts deployed, and lies in one
 * way a site could profit from. What the reader signed is read from the liar's own records of
 * the proofs it received (what it could close with), and what left the reader's wallet from the
 * chain.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, http, parseEther, type Address, type PrivateKeyAccount, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import type { Deployment } from "../../lib/chain/deployment";
import {
  BudgetExceededError,
  ChannelUnavailableError,
  PaymentRefusedError,
  SiteRequestError,
  UntrustedTermsError,
  createMemoryStorage,
  createTollgateClient,
  createViemChannelChain,
  type TollgateClientOptions,
} from "../../lib/client";
import { deployContracts } from "../../scripts/deploy/deployContracts";
import { devAccount } from "../../scripts/lib/localChain";
import { startTestChain, type TestChain } from "../helpers/localSite";
import { startMaliciousSite, type Lies, type MaliciousSite } from "./maliciousSite";

const PRICE = 10n ** 16n; // 0.01 TOLL
const prices = { a: PRICE, b: PRICE, c: PRICE, d: PRICE, e: PRICE, f: PRICE };

let chain: TestChain;
let deployment: Deployment;
let publicClient: PublicClient;
/** A second ChannelManager over the same token, deployed by someone else and recorded nowhere. */
let attackerManager: Address;
const sites: MaliciousSite[] = [];

before(async () => {
  chain = await startTestChain();
  deployment = chain.deployment;
  publicClient = createPublicClient({ transport: http(chain.url) });
  const attacker = createWalletClient({ account: devAccount(5), chain: { ...hardhat, rpcUrls: { default: { http: [chain.url] } } }, transport: http(chain.url) });
  ({ channelManager: attackerManager } = await deployContracts(attacker, publicClient, { token: deployment.token, challengePeriod: 120, confirmations: 1, quiet: true }));
});
after(async () => {
  await Promise.all(sites.map((site) => site.close()));
  chain?.stop();
});

async function site(lies: Lies = {}): Promise<MaliciousSite> {
  const started = await startMaliciousSite({ publicClient, chainId: deployment.chainId, contract: deployment.channelManager, token: deployment.token, prices, lies });
  sites.push(started);
  return started;
}

const token = (functionName: "balanceOf" | "nonces", owner: Address) =>
  publicClient.readContract({ address: deployment.token, abi: tollgateTokenAbi, functionName, args: [owner] });
const allowance = (owner: Address, spender: Address) =>
  publicClient.readContract({ address: deployment.token, abi: tollgateTokenAbi, functionName: "allowance", args: [owner, spender] });

/** A fresh reader with 1 ETH for gas and 100 tokens, so no test sees another's channels. */
async function newReader(): Promise<PrivateKeyAccount> {
  const account = privateKeyToAccount(generatePrivateKey());
  const funder = createWalletClient({ account: devAccount(19), transport: http(chain.url) });
  await publicClient.waitForTransactionReceipt({ hash: await funder.sendTransaction({ to: account.address, value: parseEther("1"), chain: null }) });
  const wallet = createWalletClient({ account, transport: http(chain.url) });
  const hash = await wallet.writeContract({ address: deployment.token, abi: tollgateTokenAbi, functionName: "faucet", args: [parseEther("100")], chain: null });
  await publicClient.waitForTransactionReceipt({ hash });
  return account;
}

function clientFor(account: PrivateKeyAccount, options: Partial<TollgateClientOptions> = {}) {
  const chainPort = createViemChannelChain({ publicClient, walletClient: createWalletClient({ account, transport: http(chain.url) }) });
  return createTollgateClient({
    chain: chainPort,
    storage: createMemoryStorage(),
    trustedContracts: [deployment.channelManager],
    warn: () => undefined,
    confirmationWaitMs: 10,
    ...options,
  });
}

/** Every channel `sender` opened on the honest manager, as the chain's logs have them. */
async function channelsOnChain(sender: Address, manager: Address = deployment.channelManager) {
  return publicClient.getContractEvents({ address: manager, abi: channelManagerAbi, eventName: "ChannelCreated", args: { sender }, fromBlock: 0n, strict: true });
}

describe("sites that lie to the SDK", { timeout: 240_000 }, () => {
  it("a site answering every proof with RDN-Cost: 0 is stopped by the budget: it counts what was signed", async () => {
    const liar = await site({ costZero: true });
    const reader = await newReader();
    const maxTotal = 3n * PRICE;
    const client = clientFor(reader, { budget: { maxTotal } });
    const before = await token("balanceOf", reader.address);
    let read = 0;
    for (const slug of Object.keys(prices)) {
      try {
        await client.getArticle(liar.articleUrl(slug));
        read++;
      } catch (error) {
        assert.ok(error instanceof BudgetExceededError, String(error));
        break;
      }
    }
    assert.equal(read, 3, "three articles fit the budget, the fourth does not");
    assert.ok(liar.totalSigned() <= maxTotal, `the liar holds proofs of ${liar.totalSigned()}, more than the budget of ${maxTotal}`);
    assert.equal(client.budget.spent, 3n * PRICE);
    assert.ok(before - (await token("balanceOf", reader.address)) <= maxTotal, "the deposit counts against the budget too");
  });

  it("a stale 402 echoing the proof just sent is that proof accepted: never a second price in one request", async () => {
    const liar = await site({ echoStale: true });
    const reader = await newReader();
    const client = clientFor(reader, { deposit: 10n * PRICE });
    for (const [n, slug] of ["a", "b"].entries()) {
      await assert.rejects(client.getArticle(liar.articleUrl(slug)), (error: unknown) => {
        assert.ok(error instanceof PaymentRefusedError, String(error));
        assert.match(error.shortMessage, /holds this request's own proof/);
        return true;
      });
      assert.equal(liar.totalSigned(), BigInt(n + 1) * PRICE, "one price per request, however often the site calls it stale");
    }
    assert.equal(client.budget.spent, 2n * PRICE);
  });

  it("no deposit, approval or permit reaches a channel manager the client does not trust", async () => {
    const liar = await site({ contract: attackerManager });
    const reader = await newReader();
    // The default trusts only the recorded deployments (lib/chain/deployments.generated.ts): the
    // attacker's contract is in none of them, whatever a site says about it.
    const byDefault = clientFor(reader, { trustedContracts: undefined, permit: "auto" });
    await assert.rejects(byDefault.getArticle(liar.articleUrl("a")), (error: unknown) => {
      assert.ok(error instanceof UntrustedTermsError, String(error));
      assert.match(error.shortMessage, new RegExp(`${attackerManager} is not one this client trusts`));
      return true;
    });
    const pinned = clientFor(reader, { permit: "never" });
    await assert.rejects(pinned.getArticle(liar.articleUrl("a")), UntrustedTermsError);
    await assert.rejects(pinned.getCatalog(liar.origin), UntrustedTermsError);

    assert.equal(await token("balanceOf", attackerManager), 0n, "no deposit reached the attacker's contract");
    assert.equal(await allowance(reader.address, attackerManager), 0n, "no approval for it");
    assert.equal(await token("nonces", reader.address), 0n, "no permit was used");
    assert.deepEqual(await channelsOnChain(reader.address, attackerManager), []);
    assert.equal(liar.received.length, 0, "nothing was signed for it");
  });

  it("deposits count against the budget: a site that refuses every channel cannot make the client lock more", async () => {
    const liar = await site({ closing: true });
    const reader = await newReader();
    const maxTotal = 8n * PRICE;
    const client = clientFor(reader, { budget: { maxTotal }, deposit: 5n * PRICE });
    const before = await token("balanceOf", reader.address);
    const outcomes: string[] = [];
    for (const slug of ["a", "b", "c", "d", "e"]) {
      outcomes.push(await client.getArticle(liar.articleUrl(slug)).then(() => "read", (error: Error) => error.name));
    }
    const locked = before - (await token("balanceOf", reader.address));
    assert.ok(locked <= maxTotal, `${locked} left the reader's wallet, more than the budget of ${maxTotal} (${outcomes.join(", ")})`);
    assert.ok(liar.totalSigned() <= maxTotal);
    assert.equal((await channelsOnChain(reader.address)).length, 2, "a full deposit, then what was left of the budget");
    assert.equal(outcomes.at(-1), "BudgetExceededError", outcomes.join(", "));
  });

  it("site A cannot present site B's terms and spend the reader's channel with B", async () => {
    const b = await site();
    const a = await site({ relayTo: b.origin }); // every request passed to B, its 402s shown in A's name
    const reader = await newReader();
    const storage = createMemoryStorage();
    const client = clientFor(reader, { deposit: 10n * PRICE, storage });
    const paid = await client.getArticle(b.articleUrl("a"));
    const withB = paid.receipt!.channel;

    // The reader's only channel with B's receiver was opened for B: it does not pay A.
    const noOpening = clientFor(reader, { autoOpen: false, storage });
    await assert.rejects(noOpening.getArticle(a.articleUrl("b")), ChannelUnavailableError);
    // Allowed to open one, the client opens a channel for A (A's terms name B's receiver: A's business).
    const viaA = await client.getArticle(a.articleUrl("c"));
    assert.notEqual(viaA.receipt?.channel.openBlock, withB.openBlock, "a channel opened for A's origin paid A's request");
    assert.equal(viaA.receipt?.channel.origin, a.origin);
    const spentOnB = a.received.filter((p) => p.openBlock === withB.openBlock);
    assert.deepEqual(spentOnB, [], "A never saw a proof on the channel opened for B");
    assert.equal(b.highestProof(withB), PRICE, "B's channel paid for B's article only");
  });

  it("payment headers never follow a redirect to another origin, and nothing is paid there", async () => {
    const elsewhere = await site();
    const a = await site();
    a.lie({ redirects: { "/articles/b": elsewhere.articleUrl("b"), "/articles/moved": `${a.origin}/articles/c` } });
    const reader = await newReader();
    const client = clientFor(reader, { deposit: 10n * PRICE });
    await client.getArticle(a.articleUrl("a")); // a channel with A: later requests carry its latest proof

    await assert.rejects(client.getArticle(a.articleUrl("b")), (error: unknown) => error instanceof SiteRequestError && error.serverStatus === 402);
    // A fresh reader's first request carries no proof; the 402 it ends at is another site's.
    const fresh = await newReader();
    await assert.rejects(clientFor(fresh).getArticle(a.articleUrl("b")), (error: unknown) => error instanceof SiteRequestError && error.serverStatus === 402);
    assert.deepEqual(elsewhere.requests.filter((r) => r.paid), [], "the other origin never saw a payment header");
    assert.deepEqual(elsewhere.received, []);
    for (const who of [reader, fresh]) {
      const opened = await channelsOnChain(who.address);
      assert.ok(opened.every((log) => log.args.receiver !== elsewhere.receiver), "no channel to the other origin's receiver");
    }

    // A redirect within the site is followed with the payment.
    const moved = await client.getArticle(a.articleUrl("moved"));
    assert.equal(moved.article.slug, "c");
    assert.equal(moved.receipt?.cost, PRICE);
  });
});
