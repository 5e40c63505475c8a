// A crash in the middle of paying: the server is killed (SIGKILL) while clients are paying, then
// restarted, and the clients carry on. A request without an answer has an unknown outcome, so
// the client sends the same proof again: it must be charged once or refused as stale with the
// true state. Afterwards the books must balance and every article a client got must be paid for
// (DESIGN.md: "an article is served only after its proof is durably stored").
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { RdnHeader } from "../../lib/protocol/headers";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf } from "../helpers/articles";
import { jsonOf, send } from "../helpers/http";
import { assertBooksBalance, purchasesOf, storedBalance } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { buy, type Book, type Bought } from "../helpers/payingClient";
import { domainOf, openChannel, withAccessToken } from "../helpers/reader";

const UNIT = parseEther("0.001");
const CLIENTS = 4;
const articles = Array.from({ length: 6 * CLIENTS }, (_, i) => ({ slug: `story-${i}`, price: BigInt((i % 7) + 1) * UNIT }));
/** Kill the server once this many articles were served. */
const KILL_AFTER = 6;
const sum = (amounts: bigint[]) => amounts.reduce((a, b) => a + b, 0n);

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("a server crash while clients pay", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  it("keeps the books balanced and every served article paid once across a kill -9 and a restart", async (t) => {
    const { db } = database();
    // Two channels, two clients on each: the clients of a channel also race each other.
    const channels = [await openChannel(chain, 2), await openChannel(chain, 3)];
    const clients = Array.from({ length: CLIENTS }, (_, i) => ({
      channel: channels[i % 2],
      book: { balance: 0n } as Book,
      articles: articles.filter((_, a) => a % CLIENTS === i),
      bought: [] as Bought[],
    }));

    let served = 0;
    let crash: Promise<void> | undefined;
    let inFlightAtKill = 0;
    const inFlight = { count: 0 };
    const killWhileBusy = async () => {
      // Wait (bounded) until some other client has a request out, so the kill cuts one off.
      for (let i = 0; i < 1000 && inFlight.count === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      inFlightAtKill = inFlight.count;
      await site.kill();
      await site.restart();
    };
    await Promise.all(
      clients.map(async (client) => {
        for (const article of client.articles) {
          client.bought.push(await buy(chain, site, client.channel, article, client.book, { inFlight }));
          if (++served === KILL_AFTER) crash = killWhileBusy();
        }
      }),
    );
    assert.ok(crash, "the server was never killed");
    await crash;
    assert.ok(inFlightAtKill > 0, "no request was in flight when the server was killed");

    const bought = clients.flatMap((c) => c.bought);
    assert.equal(bought.length, articles.length);
    assert.ok(
      bought.some((b) => b.connectionErrors > 0),
      "no request met the dead server: the kill did not happen during the load",
    );
    const lost = bought.filter((b) => b.connectionErrors > 0);
    t.diagnostic(`${inFlightAtKill} requests in flight at the kill; ${lost.length} purchases lost an answer; ${lost.filter((b) => b.cost === 0n).length} of them had been paid before the crash`);
    for (const b of bought) {
      assert.ok(b.body.includes(secretOf(b.slug)));
      // A 200 without a charge means an earlier, unanswered try of the same proof had paid.
      if (b.cost === 0n) assert.ok(b.connectionErrors > 0, `${b.slug} was served for free without a lost answer before`);
    }

    const priceOf = (slug: string) => articles.find((a) => a.slug === slug)!.price;
    for (const [index, channel] of channels.entries()) {
      const got = clients.filter((c) => c.channel === channel).flatMap((c) => c.bought.map((b) => b.slug));
      const purchases = await purchasesOf(db, channel);
      assert.deepEqual(purchases.map((p) => p.slug).sort(), [...got].sort(), `channel ${index}: served and bought differ`);
      const balance = await storedBalance(db, channel);
      assert.equal(balance, sum(got.map(priceOf)), `channel ${index}: the balance is not the sum of the served articles' prices`);
      assert.equal(sum(purchases.map((p) => p.amount)), balance);
    }
    await assertBooksBalance(db, domainOf(chain));

    // The restarted server still knows what each sender bought, and the tokens it handed out
    // before the kill still prove the buyer: re-reads are free.
    for (const client of clients) await assertRereadFree(client.bought[0]);
  });

  async function assertRereadFree({ slug, accessToken }: Bought) {
    const answer = await send(site, `/articles/${slug}`, { headers: withAccessToken({ accept: "application/json" }, accessToken) });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get(RdnHeader.cost), null, "a re-read is not a payment");
    assert.ok(jsonOf<{ body: string }>(answer).body.includes(secretOf(slug)));
  }
});
