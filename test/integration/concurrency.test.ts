// Concurrent payments on one channel (DESIGN.md: "concurrent requests on one channel never both
// spend the same balance; the loser gets a 402 with the server's current balance and proof").
// Real clients race on a real site over SQLite and PostgreSQL; afterwards the books must balance.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { RdnHeader } from "../../lib/protocol/headers";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf } from "../helpers/articles";
import { assertProblem, send } from "../helpers/http";
import { assertBooksBalance, purchasesOf, storedBalance } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { buy } from "../helpers/payingClient";
import { domainOf, openChannel, programHeaders } from "../helpers/reader";

const UNIT = parseEther("0.001");
/** Eight articles with eight different prices, so that any mix-up shows in the sums. */
const articles = Array.from({ length: 8 }, (_, i) => ({ slug: `article-${i}`, price: BigInt(i + 1) * UNIT }));
/** Two articles of one price: one proof of stored + price is good for either, but only once. */
const twins = [
  { slug: "twin-a", price: 5n * UNIT },
  { slug: "twin-b", price: 5n * UNIT },
];
const sum = (amounts: bigint[]) => amounts.reduce((a, b) => a + b, 0n);

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("concurrent payments on one channel", (database, provider) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, [...articles, ...twins]);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  it("lets 8 clients buy 8 articles on one channel at once, each re-signing on the stored proof until served", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 2);
    // Every client starts from the balance it knows (0) and signs on top of it: only one of them
    // can win the first round, the others must recover from the 402's stored proof.
    const results = await Promise.all(articles.map((article) => buy(chain, site, channel, article, { balance: 0n })));

    for (const result of results) assert.ok(result.body.includes(secretOf(result.slug)), `${result.slug} was served without its body`);
    assert.ok(results.filter((r) => r.attempts > 1).length >= articles.length - 1, "the clients did not actually race");

    const charged = results.filter((r) => r.cost > 0n);
    const priceOf = (slug: string) => articles.find((a) => a.slug === slug)!.price;
    const balance = await storedBalance(db, channel);
    assert.equal(balance, sum(charged.map((r) => priceOf(r.slug))), "the balance is not the sum of what was served for a charge");

    const purchases = await purchasesOf(db, channel);
    assert.deepEqual(purchases.map((p) => p.slug).sort(), results.map((r) => r.slug).sort(), "an article was served without its purchase");
    for (const result of charged) assert.equal(purchases.filter((p) => p.slug === result.slug).length, 1);
    assert.equal(sum(purchases.map((p) => p.amount)), balance);
    await assertBooksBalance(db, domainOf(chain));
  });

  // DESIGN.md scales out on PostgreSQL only; SQLite is the single-instance default.
  const scaleOut = provider === "postgres" ? {} : { skip: "several instances share PostgreSQL, not SQLite" };
  it("keeps one channel's books across two instances of the site on one database (scale-out)", scaleOut, async () => {
    const { db, url } = database();
    const second = await startSite({ databaseUrl: url, chain });
    try {
      const channel = await openChannel(chain, 5);
      const results = await Promise.all(
        articles.map((article, i) => buy(chain, i % 2 === 0 ? site : second, channel, article, { balance: 0n })),
      );
      for (const result of results) assert.ok(result.body.includes(secretOf(result.slug)));
      const purchases = await purchasesOf(db, channel);
      assert.deepEqual(purchases.map((p) => p.slug).sort(), articles.map((a) => a.slug).sort());
      assert.equal(await storedBalance(db, channel), sum(articles.map((a) => a.price)));
      await assertBooksBalance(db, domainOf(chain));
    } finally {
      await second.stop();
    }
  });

  it("spends one proof once when it is sent for two articles of the same price at once", async () => {
    const { db } = database();
    // A reader per round: a buyer who owns one twin would be served it free on any channel.
    for (const [round, reader] of [4, 6, 7].entries()) {
      const twinChannel = await openChannel(chain, reader);
      const proof = await twinChannel.sign(5n * UNIT);
      const answers = await Promise.all(twins.map((twin) => send(site, `/articles/${twin.slug}`, { headers: programHeaders(proof) })));
      const served = answers.filter((a) => a.status === 200);
      assert.equal(served.length, 1, `round ${round}: ${answers.map((a) => a.status).join(", ")}`);
      const loser = answers.find((a) => a.status !== 200)!;
      assertProblem(loser, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
      assert.equal(loser.headers.get(RdnHeader.senderBalance), (5n * UNIT).toString());
      assert.equal(await storedBalance(db, twinChannel), 5n * UNIT);
      assert.equal((await purchasesOf(db, twinChannel)).length, 1);
      for (const twin of twins) {
        const leaked = answers[twins.indexOf(twin)].text.includes(secretOf(twin.slug));
        assert.equal(leaked, answers[twins.indexOf(twin)].status === 200);
      }
    }
    await assertBooksBalance(db, domainOf(chain));
  });

  it("charges the same proof sent for the same article at once once, and serves each copy, or its access request", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 3);
    let balance = 0n;
    for (const article of articles.slice(0, 5)) {
      balance += article.price;
      const proof = await channel.sign(balance);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => send(site, `/articles/${article.slug}`, { headers: programHeaders(proof) })),
      );
      // A copy that read the channel before the first one committed is served free (its proof was
      // fresh, so its sender's); one that read it after sees the stored proof, which proves
      // nothing: the stale 402, echoing the very proof its client holds, and no body.
      for (const answer of answers) {
        if (answer.status === 200) {
          assert.ok(answer.text.includes(secretOf(article.slug)));
          continue;
        }
        assertProblem(answer, { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
        assert.equal(answer.headers.get(RdnHeader.balanceSignature), proof.balanceSignature);
        assert.ok(!answer.text.includes(secretOf(article.slug)));
        // Its client recovers with a signed access request: served, not charged.
        const path = `/articles/${article.slug}`;
        const again = await send(site, path, { headers: { ...programHeaders(proof), ...(await channel.accessRequest(path)) } });
        assert.equal(again.status, 200, again.text);
        assert.ok(again.text.includes(secretOf(article.slug)));
      }
      const costs = answers.filter((a) => a.status === 200).map((a) => BigInt(a.headers.get(RdnHeader.cost) ?? "-1"));
      assert.equal(costs.filter((c) => c === article.price).length, 1, `${article.slug} was charged ${costs.join(", ")}`);
      assert.ok(costs.every((c) => c === article.price || c === 0n));
    }
    assert.equal(await storedBalance(db, channel), balance);
    assert.equal((await purchasesOf(db, channel)).length, 5);
    await assertBooksBalance(db, domainOf(chain));
  });

  it("charges a sender buying one article on two of its channels at once once", async () => {
    const { db } = database();
    for (const reader of [8, 9, 10]) {
      const [first, second] = [await openChannel(chain, reader), await openChannel(chain, reader)];
      const answers = await Promise.all(
        [first, second].map(async (channel) => send(site, "/articles/article-7", { headers: programHeaders(await channel.sign(articles[7]!.price)) })),
      );
      // Both fresh proofs are the sender's: both are served, one is charged, the other's balance
      // update rolled back with its purchase (Purchase's (buyer, article) key).
      for (const answer of answers) {
        assert.equal(answer.status, 200, answer.text);
        assert.ok(answer.text.includes(secretOf("article-7")));
      }
      assert.deepEqual(answers.map((a) => a.headers.get(RdnHeader.cost)).sort(), ["0", articles[7]!.price.toString()].sort());
      assert.deepEqual([await storedBalance(db, first), await storedBalance(db, second)].sort(), [0n, articles[7]!.price].sort());
      assert.equal(await db.purchase.count({ where: { buyer: first.sender.toLowerCase() } }), 1);
    }
    await assertBooksBalance(db, domainOf(chain));
  });
});
