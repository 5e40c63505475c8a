// Paying once per article and buyer: a re-read with the access token is free, on any channel of
// the buyer and after the buying one closed; the stored (public) proof alone reads nothing; a
// retry of the accepted proof whose answer was lost is answered to a signed access request and
// charged once; whether the proof travels as headers (programs, JSON) or as cookies (browsers,
// the HTML page). Against a real site on SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { createSiweMessage } from "viem/siwe";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { RdnHeader, TollgateHeader } from "../../lib/protocol/headers";
import type { Payment } from "../../lib/protocol/payment";
import { decodeReceiptHeaders } from "../../lib/protocol/receipt";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf } from "../helpers/articles";
import { assertProblem, jsonOf, send, type Answer } from "../helpers/http";
import { assertBooksBalance, purchasesOf, storedBalance } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, domainOf, openChannel, paymentCookieHeader, programHeaders, withAccessToken, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
  { slug: "gamma", price: 3n * PRICE },
];

/** A session key (not a funded account): the delegate some channels name. */
const delegate = privateKeyToAccount(generatePrivateKey());

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

/** The two ways a reader carries a proof, and where the article's body is in each answer. */
const carriers = {
  headers: {
    headers: (_channel: TestChannel, payment: Payment) => programHeaders(payment),
    body: (answer: Answer) => (JSON.parse(answer.text) as { body: string }).body,
  },
  cookies: {
    headers: (channel: TestChannel, payment: Payment) => channel.browserHeaders(payment),
    // The article page: the body is somewhere in the HTML (its markup is the page's business).
    body: (answer: Answer) => {
      assert.match(answer.headers.get("content-type") ?? "", /^text\/html/);
      return answer.text;
    },
  },
} as const;

describeEachDatabase("re-reads and retries", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  for (const [via, carrier] of Object.entries(carriers)) {
    // Each carrier has its own readers: an entitlement is the reader's, whatever carried it.
    const reader = (n: number) => (via === "headers" ? n : n + 8);

    /** Requests `slug` with `headers`; asserts a 200 with the body and the cost (undefined: no receipt). */
    async function readWith(slug: string, headers: Record<string, string>, cost: bigint | undefined) {
      const answer = await send(site, `/articles/${slug}`, { headers });
      assert.equal(answer.status, 200, answer.text.slice(0, 300));
      assert.ok(carrier.body(answer).includes(secretOf(slug)), `the body of ${slug} is missing`);
      const receipt = decodeReceiptHeaders(answer.headers);
      assert.equal(receipt?.cost, cost, `${slug} should have cost ${cost}`);
      assert.equal(answer.headers.get("cache-control"), "no-store");
      return { answer, receipt };
    }
    /** Pays for (or re-reads) `slug` with `payment`; returns the receipt and the access token handed out. */
    async function read(channel: TestChannel, slug: string, payment: Payment, cost: bigint) {
      const { answer, receipt } = await readWith(slug, carrier.headers(channel, payment), cost);
      const token = accessTokenOf(answer);
      const cookie = answer.headers.getSetCookie().find((c) => c.startsWith(`${TollgateHeader.accessToken}=`));
      assert.match(cookie ?? "", new RegExp(`^${TollgateHeader.accessToken}=${token}; Path=/; SameSite=Lax; Max-Age=2592000; HttpOnly$`));
      return { receipt: receipt!, token };
    }
    /** Asserts that `headers` get the 402 for `slug`, without its body. */
    async function refused(slug: string, headers: Record<string, string>) {
      const answer = await send(site, `/articles/${slug}`, { headers });
      assert.equal(answer.status, 402, answer.text.slice(0, 300));
      assert.ok(!answer.text.includes(secretOf(slug)), `the body of ${slug} leaked`);
      return answer;
    }

    it(`re-reads free with the access token the paid answer returned (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, reader(2));
      const first = await channel.sign(PRICE);
      const { token } = await read(channel, "alpha", first, PRICE);
      // The token alone re-reads (no proof, no channel), and with any proof beside it.
      await readWith("alpha", withAccessToken({ accept: carrier.headers(channel, first).accept! }, token), undefined);
      await readWith("alpha", withAccessToken(carrier.headers(channel, first), token), undefined);

      const second = await channel.sign(3n * PRICE);
      const bought = await read(channel, "beta", second, 2n * PRICE);
      assert.equal(bought.receipt.stored.balance, 3n * PRICE);
      // One token covers everything the address bought, earlier and later.
      for (const slug of ["alpha", "beta"]) await readWith(slug, withAccessToken(carrier.headers(channel, second), token), undefined);
      // It is not a key to what the address did not buy.
      await refused("gamma", withAccessToken(carrier.headers(channel, second), token));

      assert.deepEqual(
        (await purchasesOf(db, channel)).map(({ slug, amount }) => ({ slug, amount })),
        [
          { slug: "alpha", amount: PRICE },
          { slug: "beta", amount: 2n * PRICE },
        ],
      );
      assert.equal(await storedBalance(db, channel), 3n * PRICE);
    });

    it(`refuses the stored proof without the buyer's token: the curl attack (${via})`, async () => {
      const channel = await openChannel(chain, reader(3));
      const proof = await channel.sign(3n * PRICE);
      await read(channel, "gamma", proof, 3n * PRICE);
      // The five RDN-* values are public (refusals, the chain after a close): they read nothing.
      const answer = await refused("gamma", carrier.headers(channel, proof));
      if (via === "headers") assertProblem(answer, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
      // Nor with another reader's token, nor with a token that is not the server's.
      const stranger = await openChannel(chain, reader(4));
      const { token: strangers } = await read(stranger, "alpha", await stranger.sign(PRICE), PRICE);
      await refused("gamma", withAccessToken(carrier.headers(channel, proof), strangers));
      await refused("gamma", withAccessToken(carrier.headers(channel, proof), `${strangers.slice(0, -4)}AAAA`));
      assert.equal(await storedBalance(database().db, channel), 3n * PRICE);
    });

    it(`answers a retry of the accepted proof, its answer lost, to a signed access request, charged once (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, reader(5), { delegate: delegate.address });
      const proof = await channel.sign(3n * PRICE, delegate);
      await read(channel, "gamma", proof, 3n * PRICE); // the answer (and its token) "lost"
      await refused("gamma", carrier.headers(channel, proof));
      for (const signer of [channel.account, delegate]) {
        const access = await channel.accessRequest("/articles/gamma", { signer });
        const { answer } = await readWith("gamma", { ...carrier.headers(channel, proof), ...access }, undefined);
        accessTokenOf(answer); // a fresh token, so the next re-read needs no signature
      }
      assert.equal((await purchasesOf(db, channel)).length, 1);
      assert.equal(await storedBalance(db, channel), 3n * PRICE);
    });

    it(`refuses an access request that is stale, for another article, or not the sender's (${via})`, async () => {
      const channel = await openChannel(chain, reader(6));
      const proof = await channel.sign(3n * PRICE);
      await read(channel, "gamma", proof, 3n * PRICE);
      const now = BigInt(Math.floor(Date.now() / 1000));
      const attempts = [
        await channel.accessRequest("/articles/gamma", { issuedAt: now - 600n }),
        await channel.accessRequest("/articles/gamma", { issuedAt: now + 600n }),
        await channel.accessRequest("/articles/alpha"),
        await channel.accessRequest("/articles/gamma", { signer: delegate }), // not this channel's delegate
      ];
      for (const access of attempts) {
        const answer = await send(site, "/articles/gamma", { headers: { ...carrier.headers(channel, proof), ...access } });
        assert.equal(answer.status, 401, answer.text.slice(0, 300));
        assert.ok(!answer.text.includes(secretOf("gamma")));
      }
      const malformed = await send(site, "/articles/gamma", { headers: { ...carrier.headers(channel, proof), [TollgateHeader.accessRequest]: "0x12:7" } });
      assert.equal(malformed.status, 400);
    });

    it(`spends no new proof on an article its sender already bought (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, reader(7));
      const first = await channel.sign(PRICE);
      await read(channel, "alpha", first, PRICE);
      // A client that forgot it bought alpha signs stored + price for it again: a fresh proof
      // only the sender could make, so it proves the buyer, and is not spent.
      const { receipt } = await read(channel, "alpha", await channel.sign(2n * PRICE), 0n);
      assert.deepEqual(receipt.stored, { sender: channel.sender, openBlock: channel.openBlock, balance: PRICE, balanceSignature: first.balanceSignature });
      assert.equal(await storedBalance(db, channel), PRICE);
      assert.equal((await purchasesOf(db, channel)).length, 1);
      // The balance it did not spend is still there for the next article.
      await read(channel, "beta", await channel.sign(3n * PRICE), 2n * PRICE);
    });

    it(`lets the buyer re-read on its next channel and after the buying one closed, and charges it once (${via})`, async () => {
      const { db } = database();
      const first = await openChannel(chain, reader(8));
      const { token } = await read(first, "alpha", await first.sign(PRICE), PRICE);
      const second = await openChannel(chain, reader(8));
      // A fresh proof on the new channel proves the sender: free, and not spent.
      await read(second, "alpha", await second.sign(PRICE), 0n);
      assert.equal(await storedBalance(db, second), 0n);
      await first.requestClose(PRICE);
      await readWith("alpha", withAccessToken({ accept: carrier.headers(first, await first.sign(PRICE)).accept! }, token), undefined);
      assert.equal(await db.purchase.count({ where: { buyer: first.sender.toLowerCase() } }), 1);
      // The new channel still pays for what the sender did not buy.
      await read(second, "beta", await second.sign(2n * PRICE), 2n * PRICE);
    });
  }

  it("keeps an article bought with headers readable with cookies, and the other way round", async () => {
    const channel = await openChannel(chain, 17);
    const first = await channel.sign(PRICE);
    const byHeaders = await send(site, "/articles/alpha", { headers: programHeaders(first) });
    assert.equal(byHeaders.headers.get(RdnHeader.cost), PRICE.toString());
    const token = accessTokenOf(byHeaders);
    const reread = await send(site, "/articles/alpha", { headers: withAccessToken(channel.browserHeaders(first), token) });
    assert.equal(reread.status, 200);
    assert.ok(reread.text.includes(secretOf("alpha")));

    const second = await channel.sign(3n * PRICE);
    const byCookies = await send(site, "/articles/beta", { headers: channel.browserHeaders(second) });
    assert.equal(byCookies.headers.get(RdnHeader.cost), (2n * PRICE).toString());
    const again = await send(site, "/articles/beta", { headers: withAccessToken(programHeaders(second), accessTokenOf(byCookies)) });
    assert.equal(again.status, 200);
    assert.equal(jsonOf<{ body: string }>(again).body.includes(secretOf("beta")), true);
    assert.equal(await storedBalance(database().db, channel), 3n * PRICE);
  });

  it("takes the headers over the cookies when a request carries both", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 18);
    const stale = await channel.sign(0n);
    const fresh = await channel.sign(PRICE);
    // Valid cookies, but the headers are what the program meant: refused, nothing charged.
    const answer = await send(site, "/articles/alpha", {
      headers: { ...programHeaders(stale), cookie: paymentCookieHeader(fresh) },
    });
    assertProblem(answer, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
    assert.equal(await storedBalance(db, channel), 0n);
  });

  // Next.js runs the proxy twice for an RSC request: a proof in the cookies would be accepted by
  // the first run and be the (public) stored proof to the second. The reader's pages pay with a
  // fetch, which sets the token cookie; their client-side navigations carry that cookie.
  it("serves a buyer's client-side navigation (RSC request with the token cookie) with the body", async () => {
    const channel = await openChannel(chain, 19);
    const proof = await channel.sign(PRICE);
    const paid = await send(site, "/articles/alpha", { headers: programHeaders(proof) });
    assert.equal(paid.status, 200);
    const answer = await send(site, "/articles/alpha", { headers: { ...withAccessToken(channel.browserHeaders(proof), accessTokenOf(paid)), rsc: "1" } });
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.match(answer.headers.get("content-type") ?? "", /^text\/x-component/);
    assert.ok(answer.text.includes(secretOf("alpha")));
    assert.equal((await purchasesOf(database().db, channel)).length, 1);
  });

  it("restores a buyer's entitlements on a new client with one EIP-4361 sign-in, once per message", async () => {
    const buyer = await openChannel(chain, 0);
    const proof = await buyer.sign(PRICE);
    assert.equal((await send(site, "/articles/alpha", { headers: programHeaders(proof) })).status, 200);
    // A new browser: no token, only the wallet. One signature signs it in.
    const nonce = jsonOf<{ nonce: string }>(await send(site, "/api/reader/nonce", { method: "POST" })).nonce;
    const message = createSiweMessage({ address: buyer.sender, chainId: chain.deployment.chainId, domain: new URL(site.url).host, nonce, uri: `${site.url}/`, version: "1" });
    const body = JSON.stringify({ message, signature: await buyer.account.signMessage({ message }) });
    const signIn = (payload: string) => send(site, "/api/reader/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: payload });
    const signedIn = await signIn(body);
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.deepEqual(jsonOf(signedIn), { address: buyer.sender });
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${TollgateHeader.accessToken}=`));
    assert.match(cookie ?? "", /; HttpOnly$/);
    const token = accessTokenOf(signedIn);
    const reread = await send(site, "/articles/alpha", { headers: { accept: "text/html", cookie: `${TollgateHeader.accessToken}=${token}` } });
    assert.equal(reread.status, 200);
    assert.ok(reread.text.includes(secretOf("alpha")));
    assert.equal((await send(site, "/articles/beta", { headers: withAccessToken({ accept: "application/json" }, token) })).status, 402);
    // The signed message signs in once; one for another site, or signed by another key, never.
    assertProblem(await signIn(body), { status: 401, type: "unauthenticated" });
    const fresh = jsonOf<{ nonce: string }>(await send(site, "/api/reader/nonce", { method: "POST" })).nonce;
    const elsewhere = createSiweMessage({ address: buyer.sender, chainId: chain.deployment.chainId, domain: "evil.example", nonce: fresh, uri: "https://evil.example/", version: "1" });
    assertProblem(await signIn(JSON.stringify({ message: elsewhere, signature: await buyer.account.signMessage({ message: elsewhere }) })), { status: 401, type: "unauthenticated" });
    const mine = createSiweMessage({ address: buyer.sender, chainId: chain.deployment.chainId, domain: new URL(site.url).host, nonce: fresh, uri: `${site.url}/`, version: "1" });
    const stranger = devAccount(15);
    assertProblem(await signIn(JSON.stringify({ message: mine, signature: await stranger.signMessage({ message: mine }) })), { status: 401, type: "unauthenticated" });
    assertProblem(await signIn("{"), { status: 400, type: "malformed-request" });
  });

  it("leaves the books balanced", async () => {
    await assertBooksBalance(database().db, domainOf(chain));
  });
});
