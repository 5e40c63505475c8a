// What a browser gets when the gate refuses: always the article page (teaser and paywall) with
// the refusal's status, never a JSON body its reader cannot act on; a proof that can never be
// accepted has its cookies cleared. And what anyone gets while the chain is unreachable: a 503
// to retry, not a 500.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { RdnCookie } from "../../lib/protocol/headers";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf, teaserOf } from "../helpers/articles";
import { assertProblem, jsonOf, send } from "../helpers/http";
import { freePort, startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { openChannel, paymentCookieHeader, programHeaders } from "../helpers/reader";

const PRICE = parseEther("0.01");

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("refusals as a browser sees them", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, [{ slug: "paid", price: PRICE }, { slug: "other", price: PRICE }]);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  it("a malformed proof cookie gets the paywall page with 400, and the cookies are cleared", async () => {
    const answer = await send(site, "/articles/paid", { headers: { accept: "text/html", cookie: `${RdnCookie.balance}=-1; ${RdnCookie.senderAddress}=nope` } });
    assert.equal(answer.status, 400);
    assert.match(answer.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok(answer.text.includes(teaserOf("paid")), "the page shows the teaser");
    assert.ok(!answer.text.includes(secretOf("paid")), "and not the body");
    const cleared = answer.headers.getSetCookie();
    for (const name of Object.values(RdnCookie)) {
      assert.ok(cleared.some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/i.test(c)), `${name} is cleared`);
    }
  });

  it("a proof on a channel that is closing gets the page with 409 and clears the cookies; a 402 keeps them", async () => {
    const channel = await openChannel(chain, 5);
    const bought = await channel.sign(PRICE);
    assert.equal((await send(site, "/articles/paid", { headers: programHeaders(bought) })).status, 200);

    const unpaid = await send(site, "/articles/other", { headers: { accept: "text/html", cookie: paymentCookieHeader(bought) } });
    assert.equal(unpaid.status, 402, "a proof that only needs re-signing is a 402");
    assert.deepEqual(unpaid.headers.getSetCookie(), [], "whose cookies stay");

    const close = await send(site, `/api/channels/${channel.sender}/${channel.openBlock}/close`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(await channel.closeRequest(bought.balance)),
    });
    assert.equal(close.status, 200);
    const next = await channel.sign(2n * PRICE);
    const refused = await send(site, "/articles/other", { headers: { accept: "text/html", cookie: paymentCookieHeader(next) } });
    assert.equal(refused.status, 409);
    assert.ok(refused.text.includes(teaserOf("other")) && !refused.text.includes(secretOf("other")));
    assert.ok(refused.headers.getSetCookie().length > 0, "the cookies are cleared");
  });
});

describeEachDatabase("an unreachable chain", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, [{ slug: "paid", price: PRICE }]);
    // Nothing listens on this port: every chain read fails to connect.
    site = await startSite({ databaseUrl: database().url, chain, env: { RPC_URL: `http://127.0.0.1:${await freePort()}` } });
  });
  after(() => site?.stop());

  it("a proof on a channel the receiver has not seen yet gets 503 with Retry-After, and nothing is stored", async () => {
    const channel = await openChannel(chain, 6);
    const answer = await send(site, "/articles/paid", { headers: programHeaders(await channel.sign(PRICE)) });
    assertProblem(answer, { status: 503, type: "service-unavailable" });
    assert.ok(Number(answer.headers.get("retry-after")) > 0);
    assert.equal(await database().db.purchase.count(), 0);
    assert.equal(await database().db.channel.count(), 0);
  });

  it("reports itself unhealthy (503 with Retry-After) to a load balancer", async () => {
    const answer = await send(site, "/api/health");
    assert.equal(answer.status, 503, answer.text);
    assert.equal(jsonOf<{ watcher: { current: boolean } }>(answer).watcher.current, false);
    assert.ok(Number(answer.headers.get("retry-after")) > 0);
  });
});
