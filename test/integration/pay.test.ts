import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { toDbAmount } from "../../lib/db/amount";
import { describeEachDatabase } from "../db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { openChannel } from "../helpers/reader";

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("paying per article through the gate", (database) => {
  let site: TestSite;
  before(async () => {
    const { db, url } = database();
    await db.article.createMany({
      data: [
        { slug: "free", title: "Free", teaser: "t", body: "free body", price: toDbAmount(0n), published: true },
        { slug: "paid", title: "Paid", teaser: "t", body: "paid body", price: toDbAmount(parseEther("0.01")), published: true },
      ],
    });
    site = await startSite({ databaseUrl: url, chain });
  });
  after(() => site?.stop());

  it("serves a free article, answers 402 for a paid one, and serves it for a valid proof", async () => {
    const free = await fetch(`${site.url}/articles/free`, { headers: { accept: "application/json" } });
    assert.equal(free.status, 200);
    assert.equal((await free.json()).body, "free body");

    const unpaid = await fetch(`${site.url}/articles/paid`, { headers: { accept: "application/json" } });
    assert.equal(unpaid.status, 402);
    assert.equal(unpaid.headers.get("RDN-Price"), parseEther("0.01").toString());

    const channel = await openChannel(chain, 2);
    const paid = await fetch(`${site.url}/articles/paid`, { headers: channel.headers(await channel.sign(parseEther("0.01"))) });
    assert.equal(paid.status, 200);
    assert.equal((await paid.json()).body, "paid body");
    const purchases = await database().db.purchase.count();
    assert.equal(purchases, 1);
  });
});
