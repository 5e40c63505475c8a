// x402 version 2 against a live site, with x402's own stock client from the npm registry
// (`@x402/fetch` with `@x402/evm`'s `exact` client scheme over a viem account): an agent buys a
// priced article, the token moves exactly once, a second fetch is free; and every payment that
// must not pay (a replay, another amount, token, payee or chain, an expired or not yet valid
// authorization, the same authorization twice at once, a malformed header) is refused with a
// clear 4xx and moves nothing. Real Hardhat chain, real `next start`, both databases.
import assert from "node:assert/strict";
import { after, afterEach, before, it } from "node:test";
import { x402Client, wrapFetchWithPayment, decodePaymentResponseHeader } from "@x402/fetch";
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { parseEther, parseGwei, toHex, type Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { cancelAuthorizationTypedData, transferWithAuthorizationTypedData } from "../../lib/chain/eip3009";
import { TollgateHeader, X402Header } from "../../lib/protocol/headers";
import { devAccount, fundReaders } from "../../scripts/lib/localChain";
import { waitFor } from "../../scripts/lib/processes";
import { describeEachDatabase } from "../db/databases";
import { secretOf, seedArticles } from "../helpers/articles";
import { blockNumber, rpc, tokenBalance } from "../helpers/chain";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { chainClients, RECEIVER } from "../helpers/reader";

const PRICE = parseEther("0.01");
const json = { accept: "application/json" };

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

/**
 * An x402 client paying as `account`, as an agent would set it up (docs/x402.md): the site's
 * token is not one of x402's default assets, so it is allowed by name, with a cap per payment.
 */
function x402ClientOf(account: LocalAccount) {
  const allowedAssets = [{ network: `eip155:${chain.deployment.chainId}` as const, asset: chain.deployment.token, maxAmountPerPayment: String(10n * PRICE) }];
  return new x402Client().register("eip155:*", new ExactEvmScheme(account)).setSpendControls({ allowedAssets });
}

/** The stock paying fetch, recording every request it sends (to replay one). */
function payingFetch(account: LocalAccount) {
  const sent: Request[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    return fetch(request);
  };
  return { fetch: wrapFetchWithPayment(recording, x402ClientOf(account)), sent };
}

/** Accounts with tokens, one per test so that balances are each test's own. */
let nextAccount = 4;
async function buyer(): Promise<LocalAccount> {
  const index = nextAccount++;
  await fundReaders(chain.url, chain.deployment, [index], parseEther("1"));
  return devAccount(index);
}
const balances = async (account: LocalAccount) => ({ buyer: await tokenBalance(chain, account.address), receiver: await tokenBalance(chain, RECEIVER) });

/** The site's x402 offer for `slug`, as its 402 makes it. */
async function offerOf(site: TestSite, slug: string): Promise<PaymentRequired> {
  const response = await fetch(`${site.url}/articles/${slug}`, { headers: json });
  assert.equal(response.status, 402);
  return decodePaymentRequiredHeader(response.headers.get(X402Header.paymentRequired)!);
}

/** A payment x402's client signs for `offer` after `change` altered it (the offer the site made is not touched). */
async function payloadFor(account: LocalAccount, offer: PaymentRequired, change: (o: PaymentRequired["accepts"][0]) => void = () => {}) {
  const altered = structuredClone(offer);
  change(altered.accepts[0]!);
  // No spend controls: these payments are wrong on purpose, and the site must refuse them.
  return x402ClientOf(account).setSpendControls(false).createPaymentPayload(altered);
}

const sendTo = (site: TestSite, slug: string, payload: PaymentPayload | string, init: RequestInit = {}) =>
  fetch(`${site.url}/articles/${slug}`, {
    ...init,
    headers: { ...json, [X402Header.paymentSignature]: typeof payload === "string" ? payload : encodePaymentSignatureHeader(payload) },
  });

/** Waits for `probe` while `pending` is still unanswered: an early answer fails at once, with its body. */
async function whilePending(pending: Promise<Response>, what: string, probe: () => Promise<boolean>): Promise<void> {
  const early = pending.then(async (r) => Promise.reject(new Error(`answered ${r.status} before ${what}: ${await r.clone().text()}`)));
  early.catch(() => undefined);
  await Promise.race([waitFor(what, probe), early]);
}

async function assertRefused(response: Response, status: number, type: string) {
  const body = await response.text();
  assert.equal(response.status, status, body);
  assert.equal(JSON.parse(body).type, `urn:tollgate:problem:${type}`, body);
  assert.ok(!body.includes("PAID-BODY-OF"), "no paid content in a refusal");
}

describeEachDatabase("x402: an agent buys an article with x402's own client", (database) => {
  let site: TestSite;
  const url = (slug: string) => `${site.url}/articles/${slug}`;
  const send = (slug: string, payload: PaymentPayload | string, init: RequestInit = {}) => sendTo(site, slug, payload, init);

  before(async () => {
    await seedArticles(database().db, ["buy", "replay", "terms", "window", "twice", "malformed", "head"].map((slug) => ({ slug, price: PRICE })));
    site = await startSite({ databaseUrl: database().url, chain });
    // The site charges only while its watcher is current (it sends the transfers too).
    await chain.synced(await blockNumber(chain));
  });
  after(() => site?.stop());

  it("answers 402 with PAYMENT-REQUIRED beside the RDN-* terms, for programs and browsers", async () => {
    const { accepts, x402Version, resource } = await offerOf(site, "buy");
    assert.equal(x402Version, 2);
    assert.equal(resource.url, url("buy"));
    assert.deepEqual(accepts, [
      {
        scheme: "exact",
        network: `eip155:${chain.deployment.chainId}`,
        asset: chain.deployment.token,
        amount: PRICE.toString(),
        payTo: RECEIVER,
        maxTimeoutSeconds: 300,
        extra: { name: "Tollgate Token", version: "1" },
      },
    ]);
    const page = await fetch(url("buy"), { headers: { accept: "text/html" } });
    assert.equal(page.status, 402);
    assert.equal(page.headers.get("RDN-Price"), PRICE.toString());
    assert.deepEqual(decodePaymentRequiredHeader(page.headers.get(X402Header.paymentRequired)!).accepts, accepts);
  });

  it("sells the article once: 200 with the body and PAYMENT-RESPONSE after the transfer is confirmed, then free", async () => {
    const account = await buyer();
    const before = await balances(account);
    const { fetch: pay } = payingFetch(account);

    const paid = await pay(url("buy"), { headers: json });
    const body = await paid.text();
    assert.equal(paid.status, 200, body);
    assert.ok(body.includes(secretOf("buy")));
    const settlement = decodePaymentResponseHeader(paid.headers.get(X402Header.paymentResponse)!);
    assert.equal(settlement.success, true);
    assert.equal(settlement.payer, account.address);
    assert.equal(settlement.network, `eip155:${chain.deployment.chainId}`);
    // Served after the transfer was mined: its receipt is there, and it moved the price once.
    const receipt = await fetch(chain.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getTransactionReceipt", params: [settlement.transaction] }),
    }).then((r) => r.json());
    assert.equal(receipt.result.status, "0x1");
    assert.deepEqual(await balances(account), { buyer: before.buyer - PRICE, receiver: before.receiver + PRICE });
    const { db } = database();
    assert.equal(await db.purchase.count({ where: { buyer: account.address.toLowerCase() } }), 1);
    const row = await db.x402Payment.findFirstOrThrow({ where: { payer: account.address.toLowerCase() }, include: { transaction: true } });
    assert.equal(row.status, "settled");
    assert.equal(row.transaction?.kind, "x402Transfer");
    assert.equal(row.transaction?.status, "confirmed");
    assert.equal(row.transaction?.hash, settlement.transaction);

    // The paid answer hands the buyer the same access token as a channel buyer's: it re-reads
    // with it alone, no payment.
    const token = paid.headers.get(TollgateHeader.accessToken);
    assert.ok(token, "the paid answer carries an access token");
    const reread = await fetch(url("buy"), { headers: { ...json, [TollgateHeader.accessToken]: token } });
    assert.equal(reread.status, 200);
    assert.ok((await reread.text()).includes(secretOf("buy")));

    // The second fetch signs a fresh authorization (the stock client always does): the buyer
    // proved who it is and owns the article, so nothing is submitted.
    const again = await pay(url("buy"), { headers: json });
    assert.equal(again.status, 200);
    assert.ok((await again.text()).includes(secretOf("buy")));
    assert.equal(again.headers.get(X402Header.paymentResponse), null);
    assert.deepEqual(await balances(account), { buyer: before.buyer - PRICE, receiver: before.receiver + PRICE });
    assert.equal(await db.x402Payment.count({ where: { payer: account.address.toLowerCase() } }), 1);
  });

  it("refuses a replayed PAYMENT-SIGNATURE (409): once settled it is public on chain and proves nothing", async () => {
    const account = await buyer();
    const { fetch: pay, sent } = payingFetch(account);
    assert.equal((await pay(url("replay"), { headers: json })).status, 200);
    const header = sent.at(-1)!.headers.get(X402Header.paymentSignature)!;
    const after = await balances(account);
    await assertRefused(await send("replay", header), 409, "x402-authorization-used");
    // Nor is it any good for another article of the same price.
    await assertRefused(await send("terms", header), 409, "x402-authorization-used");
    assert.deepEqual(await balances(account), after);
  });

  it("refuses an authorization for another amount, token, payee or chain (402), moving nothing", async () => {
    const account = await buyer();
    const start = await balances(account);
    const offer = await offerOf(site, "terms");
    const other = devAccount(9).address;
    const cases: [string, (o: PaymentRequired["accepts"][0]) => void][] = [
      ["amount", (o) => (o.amount = (PRICE - 1n).toString())],
      ["asset", (o) => (o.asset = chain.deployment.channelManager)],
      ["payTo", (o) => (o.payTo = other)],
      ["network", (o) => (o.network = "eip155:1")],
    ];
    for (const [term, change] of cases) {
      // As signed, naming the altered term in `accepted`…
      const honest = await payloadFor(account, offer, change);
      const refused = await send("terms", honest);
      await assertRefused(refused, 402, "x402-payment-invalid");
      assert.equal(decodePaymentRequiredHeader(refused.headers.get(X402Header.paymentRequired)!).error, `${term}_mismatch`);
      // …and claiming the site's own offer over the same signature: x402's facilitator finds
      // that the signed authorization is not for it.
      const lying = { ...honest, accepted: offer.accepts[0]! };
      await assertRefused(await send("terms", lying), 402, "x402-payment-invalid");
    }
    assert.deepEqual(await balances(account), start);
    assert.equal(await database().db.x402Payment.count({ where: { payer: account.address.toLowerCase() } }), 0);
  });

  it("refuses an expired authorization and one not yet valid (402), moving nothing", async () => {
    const account = await buyer();
    const start = await balances(account);
    const offer = await offerOf(site, "window");
    const now = BigInt(Math.floor(Date.now() / 1000));
    const signed = async (validAfter: bigint, validBefore: bigint): Promise<PaymentPayload> => {
      const authorization = { from: account.address, to: RECEIVER, value: PRICE, validAfter, validBefore, nonce: toHex(crypto.getRandomValues(new Uint8Array(32))) };
      const domain = { name: "Tollgate Token", version: "1", chainId: chain.deployment.chainId, verifyingContract: chain.deployment.token };
      const signature = await account.signTypedData(transferWithAuthorizationTypedData(domain, authorization));
      const wire = { ...authorization, value: String(PRICE), validAfter: String(validAfter), validBefore: String(validBefore) };
      return { x402Version: 2, accepted: offer.accepts[0]!, payload: { authorization: wire, signature } };
    };
    const expired = await send("window", await signed(0n, now - 1n));
    await assertRefused(expired, 402, "x402-payment-invalid");
    assert.match(decodePaymentRequiredHeader(expired.headers.get(X402Header.paymentRequired)!).error!, /valid_before/);
    const early = await send("window", await signed(now + 3600n, now + 7200n));
    await assertRefused(early, 402, "x402-payment-invalid");
    assert.match(decodePaymentRequiredHeader(early.headers.get(X402Header.paymentRequired)!).error!, /valid_after/);
    assert.deepEqual(await balances(account), start);
  });

  it("takes the same authorization sent twice at once once: one 200, one 409, one transfer", async () => {
    const account = await buyer();
    const start = await balances(account);
    const payload = await payloadFor(account, await offerOf(site, "twice"));
    const answers = await Promise.all([send("twice", payload), send("twice", payload)]);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409], JSON.stringify(await Promise.all(answers.map((a) => a.text()))));
    assert.deepEqual(await balances(account), { buyer: start.buyer - PRICE, receiver: start.receiver + PRICE });
    assert.equal(await database().db.purchase.count({ where: { buyer: account.address.toLowerCase() } }), 1);
  });

  it("answers a malformed PAYMENT-SIGNATURE with 400, and a HEAD with a valid one charges nothing", async () => {
    const account = await buyer();
    const start = await balances(account);
    const valid = await payloadFor(account, await offerOf(site, "malformed"));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");
    for (const header of [
      "not base64!",
      Buffer.from("{not json").toString("base64"),
      b64({ x402Version: 1, accepted: valid.accepted, payload: valid.payload }),
      b64({ ...valid, payload: { ...valid.payload, signature: "0x1234" } }),
      b64({ ...valid, payload: { permit2Authorization: {} } }),
    ]) {
      await assertRefused(await send("malformed", header), 400, "malformed-payment");
    }
    const head = await send("head", valid, { method: "HEAD" });
    assert.equal(head.status, 402);
    assert.deepEqual(await balances(account), start);
    assert.equal(await database().db.x402Payment.count({ where: { payer: account.address.toLowerCase() } }), 0);
  });
});

describeEachDatabase("x402: served only after the site's confirmations", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, [{ slug: "deep", price: PRICE }, { slug: "front-run", price: PRICE }]);
    site = await startSite({ databaseUrl: database().url, chain, env: { CONFIRMATIONS: "2" } });
    await chain.synced(await blockNumber(chain));
  });
  // A test that failed while blocks were held must not leave the chain without them.
  afterEach(() => rpc(chain, "evm_setAutomine", [true]));
  after(() => site?.stop());

  it("holds the answer until the transfer is 2 blocks deep, and takes no second authorization meanwhile", async () => {
    const { db } = database();
    const account = await buyer();
    const start = await balances(account);
    const offer = await offerOf(site, "deep");
    const [first, second] = [await payloadFor(account, offer), await payloadFor(account, offer)];
    // Blocks come only when this test mines them.
    await rpc(chain, "evm_setAutomine", [false]);
    let answered: Response | undefined;
    const answer = sendTo(site, "deep", first).then((response) => (answered = response));
    const transfer = () => db.receiverTransaction.findFirst({ where: { kind: "x402Transfer", x402Payment: { payer: account.address.toLowerCase() } } });
    await whilePending(answer, "the transfer is sent", async () => (await transfer())?.status === "sent");

    // A second authorization of the same buyer for the same article while the first settles.
    const meanwhile = await sendTo(site, "deep", second);
    assert.equal(meanwhile.headers.get("Retry-After"), "2");
    await assertRefused(meanwhile, 409, "x402-payment-pending");

    await rpc(chain, "evm_mine");
    await whilePending(answer, "the transfer is seen mined", async () => (await transfer())?.status === "mined");
    assert.equal(answered, undefined, "answered before the transfer was 2 blocks deep");
    await rpc(chain, "evm_mine");
    const paid = await answer;
    assert.equal(paid.status, 200, await paid.clone().text());
    assert.ok((await paid.text()).includes(secretOf("deep")));
    assert.equal((await transfer())?.status, "confirmed");

    // Now the second authorization reads for free: the buyer owns the article.
    await rpc(chain, "evm_setAutomine", [true]);
    const free = await sendTo(site, "deep", second);
    assert.equal(free.status, 200);
    assert.equal(free.headers.get(X402Header.paymentResponse), null);
    assert.deepEqual(await balances(account), { buyer: start.buyer - PRICE, receiver: start.receiver + PRICE });
  });

  it("serves nothing and charges nothing when the payer front-runs its transfer with a cancellation", async () => {
    const { db } = database();
    const account = await buyer();
    const start = await balances(account);
    const payload = await payloadFor(account, await offerOf(site, "front-run"));
    const { nonce } = (payload.payload as { authorization: { nonce: Hex } }).authorization;
    await rpc(chain, "evm_setAutomine", [false]);
    const answer = sendTo(site, "front-run", payload);
    const transfer = () => db.receiverTransaction.findFirst({ where: { kind: "x402Transfer", x402Payment: { payer: account.address.toLowerCase() } } });
    await whilePending(answer, "the transfer is sent", async () => (await transfer())?.status === "sent");
    // The payer cancels the authorization with a higher tip: mined first, in the same block.
    const domain = { name: "Tollgate Token", version: "1", chainId: chain.deployment.chainId, verifyingContract: chain.deployment.token };
    const signature = await account.signTypedData(cancelAuthorizationTypedData(domain, { authorizer: account.address, nonce }));
    const { wallet } = chainClients(chain, account);
    await wallet.writeContract({
      address: chain.deployment.token,
      abi: tollgateTokenAbi,
      functionName: "cancelAuthorization",
      args: [account.address, nonce, signature],
      maxPriorityFeePerGas: parseGwei("100"),
      maxFeePerGas: parseGwei("200"),
      gas: 100_000n,
    });
    await rpc(chain, "evm_mine");
    await rpc(chain, "evm_setAutomine", [true]);
    const refused = await answer;
    await assertRefused(refused, 402, "x402-payment-invalid");
    assert.equal((await transfer())?.status, "failed");
    assert.equal((await db.x402Payment.findFirstOrThrow({ where: { payer: account.address.toLowerCase() } })).status, "failed");
    assert.equal(await db.purchase.count({ where: { buyer: account.address.toLowerCase() } }), 0);
    assert.deepEqual(await balances(account), start);
  });
});
