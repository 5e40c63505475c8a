// Paying once per article and channel: a re-read is free, a retry of the accepted proof is
// answered and charged once, whether the proof travels as headers (programs, JSON) or as
// cookies (browsers, the HTML page). Against a real site on SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { RdnHeader } from "../../lib/protocol/headers";
import type { Payment } from "../../lib/protocol/payment";
import { decodeReceiptHeaders } from "../../lib/protocol/receipt";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf } from "../helpers/articles";
import { assertProblem, send, type Answer } from "../helpers/http";
import { assertBooksBalance, purchasesOf, storedBalance } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { domainOf, openChannel, paymentCookieHeader, programHeaders, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
  { slug: "gamma", price: 3n * PRICE },
];

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
    /** Requests `slug` with `payment` as `via` carries it; asserts a 200 with the body and the cost. */
    async function read(channel: TestChannel, slug: string, payment: Payment, cost: bigint) {
      const answer = await send(site, `/articles/${slug}`, { headers: carrier.headers(channel, payment) });
      assert.equal(answer.status, 200, answer.text.slice(0, 300));
      assert.ok(carrier.body(answer).includes(secretOf(slug)), `the body of ${slug} is missing`);
      const receipt = decodeReceiptHeaders(answer.headers);
      assert.equal(receipt?.cost, cost, `${slug} should have cost ${cost}`);
      assert.equal(answer.headers.get("cache-control"), "no-store");
      return receipt!;
    }

    it(`makes a re-read free, with the proof that paid or any later one (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, 2);
      const first = await channel.sign(PRICE);
      await read(channel, "alpha", first, PRICE);
      await read(channel, "alpha", first, 0n);

      const second = await channel.sign(3n * PRICE);
      const receipt = await read(channel, "beta", second, 2n * PRICE);
      assert.equal(receipt.stored.balance, 3n * PRICE);
      await read(channel, "alpha", second, 0n); // the latest proof re-reads what an earlier one bought
      await read(channel, "alpha", first, 0n);
      await read(channel, "beta", second, 0n);

      assert.deepEqual(
        (await purchasesOf(db, channel)).map(({ slug, amount }) => ({ slug, amount })),
        [
          { slug: "alpha", amount: PRICE },
          { slug: "beta", amount: 2n * PRICE },
        ],
      );
      assert.equal(await storedBalance(db, channel), 3n * PRICE);
    });

    it(`answers a retry of the accepted proof with the article, charged once (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, 3);
      const proof = await channel.sign(3n * PRICE);
      await read(channel, "gamma", proof, 3n * PRICE);
      for (let retry = 0; retry < 3; retry++) {
        const receipt = await read(channel, "gamma", proof, 0n);
        assert.deepEqual(receipt.stored, { sender: channel.sender, openBlock: channel.openBlock, balance: 3n * PRICE, balanceSignature: proof.balanceSignature });
      }
      assert.equal((await purchasesOf(db, channel)).length, 1);
      assert.equal(await storedBalance(db, channel), 3n * PRICE);
    });

    it(`spends no new proof on an article the channel already bought (${via})`, async () => {
      const { db } = database();
      const channel = await openChannel(chain, 8);
      const first = await channel.sign(PRICE);
      await read(channel, "alpha", first, PRICE);
      // A client that forgot it bought alpha signs stored + price for it again.
      const receipt = await read(channel, "alpha", await channel.sign(2n * PRICE), 0n);
      assert.deepEqual(receipt.stored, { sender: channel.sender, openBlock: channel.openBlock, balance: PRICE, balanceSignature: first.balanceSignature });
      assert.equal(await storedBalance(db, channel), PRICE);
      assert.equal((await purchasesOf(db, channel)).length, 1);
      // The balance it did not spend is still there for the next article.
      await read(channel, "beta", await channel.sign(3n * PRICE), 2n * PRICE);
    });

    it(`does not let the proof that bought one article read another (${via})`, async () => {
      const channel = await openChannel(chain, 4);
      const proof = await channel.sign(PRICE);
      await read(channel, "alpha", proof, PRICE);
      const answer = await send(site, `/articles/beta`, { headers: { ...carrier.headers(channel, proof), accept: "application/json" } });
      assertProblem(answer, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
      assert.ok(!answer.text.includes(secretOf("beta")));
    });
  }

  it("keeps an article bought with headers readable with cookies, and the other way round", async () => {
    const channel = await openChannel(chain, 5);
    const first = await channel.sign(PRICE);
    const byHeaders = await send(site, "/articles/alpha", { headers: programHeaders(first) });
    assert.equal(byHeaders.headers.get(RdnHeader.cost), PRICE.toString());
    const reread = await send(site, "/articles/alpha", { headers: channel.browserHeaders(first) });
    assert.equal(reread.headers.get(RdnHeader.cost), "0");
    assert.ok(reread.text.includes(secretOf("alpha")));

    const second = await channel.sign(3n * PRICE);
    const byCookies = await send(site, "/articles/beta", { headers: channel.browserHeaders(second) });
    assert.equal(byCookies.headers.get(RdnHeader.cost), (2n * PRICE).toString());
    const again = await send(site, "/articles/beta", { headers: programHeaders(second) });
    assert.equal(again.headers.get(RdnHeader.cost), "0");
    assert.equal(await storedBalance(database().db, channel), 3n * PRICE);
  });

  it("takes the headers over the cookies when a request carries both", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 6);
    const stale = await channel.sign(0n);
    const fresh = await channel.sign(PRICE);
    // Valid cookies, but the headers are what the program meant: refused, nothing charged.
    const answer = await send(site, "/articles/alpha", {
      headers: { ...programHeaders(stale), cookie: paymentCookieHeader(fresh) },
    });
    assertProblem(answer, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
    assert.equal(await storedBalance(db, channel), 0n);
  });

  it("serves a paying browser's client-side navigation (RSC request with cookies) with the body", async () => {
    const channel = await openChannel(chain, 7);
    const proof = await channel.sign(PRICE);
    const answer = await send(site, "/articles/alpha", { headers: { ...channel.browserHeaders(proof), rsc: "1" } });
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.match(answer.headers.get("content-type") ?? "", /^text\/x-component/);
    assert.ok(answer.text.includes(secretOf("alpha")));
    assert.equal((await purchasesOf(database().db, channel)).length, 1);
  });

  it("leaves the books balanced", async () => {
    await assertBooksBalance(database().db, domainOf(chain));
  });
});
