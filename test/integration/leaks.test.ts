// "Paid content never leaves the server by any other path" (DESIGN.md): router data and prefetch
// requests, HEAD, other spellings of the article's URL, forged internal headers, the APIs, the
// metadata, feeds, and drafts. Every answer here is searched for the body's marker, which
// appears nowhere but in the body.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther, type Hex } from "viem";
import { RdnHeader, TollgateHeader } from "../../lib/protocol/headers";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf, teaserOf } from "../helpers/articles";
import { assertProblem, getJson, jsonOf, send, sendRaw, type Answer } from "../helpers/http";
import { assertNothingStored, channelRow, readBooks, storedBalance } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, openChannel, paymentCookieHeader, programHeaders, withAccessToken } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "paid", price: PRICE },
  { slug: "cheap", price: PRICE / 10n },
  { slug: "draft", price: PRICE, published: false },
  { slug: "free-draft", price: 0n, published: false },
];
const secrets = articles.map((a) => secretOf(a.slug));

/** Asserts that no article's body is in the answer, whether in its body or its headers. */
function assertNoBody(answer: Answer, what: string) {
  const headers = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  for (const secret of secrets) {
    assert.ok(!answer.text.includes(secret), `${what} leaked ${secret} (${answer.status})`);
    assert.ok(!headers.includes(secret), `${what} leaked ${secret} in a header`);
  }
}

/** The page's `<meta name="description">`. */
const descriptionOf = (html: string) => /<meta name="description" content="([^"]*)"/.exec(html)?.[1];

/** The router's data and prefetch requests, as the App Router client sends them. */
const routerRequests: [string, Record<string, string>][] = [
  ["/articles/paid", { rsc: "1" }],
  ["/articles/paid?_rsc=x", { rsc: "1" }],
  ["/articles/paid?_rsc=x", {}],
  ["/articles/paid", { rsc: "1", "next-router-prefetch": "1" }],
  ["/articles/paid", { rsc: "1", "next-router-prefetch": "1", "next-router-segment-prefetch": "/_tree" }],
  ["/articles/paid", { rsc: "1", "next-router-prefetch": "1", "next-router-segment-prefetch": "/articles/$d$slug/__PAGE__" }],
  ["/articles/paid", { rsc: "1", "next-router-state-tree": encodeURIComponent(JSON.stringify(["", {}])) }],
  ["/articles/paid.rsc", {}],
  ["/articles/paid.rsc", { rsc: "1" }],
  ["/articles/paid.prefetch.rsc", { rsc: "1", "next-router-prefetch": "1" }],
  ["/articles/paid.segments/_tree.segment.rsc", { rsc: "1", "next-router-prefetch": "1", "next-router-segment-prefetch": "/_tree" }],
  ["/articles/paid.segments/articles/$d$slug/__PAGE__.segment.rsc", { rsc: "1", "next-router-prefetch": "1" }],
];

/** Other spellings of the article's URL, sent byte for byte (fetch would normalise some). */
const spellings = [
  "/articles/paid/",
  "/articles/%70aid",
  "/articles/%70%61%69%64",
  "/articles/pa%69d/",
  "//articles/paid",
  "/articles//paid",
  "/articles/./paid",
  "/articles/../articles/paid",
  "/x/../articles/paid",
  "/_next/static/../../articles/paid",
  "/_next/static/..%2f..%2farticles/paid",
  "/favicon.ico/../articles/paid",
  "/articles/paid?x=1",
  "/articles/paid?slug=cheap&_rsc=1",
  "/articles/paid%2F",
  "/articles/paid;x=1",
  "/articles/PAID",
  "/Articles/paid",
  "/articles/paid%00",
  "/articles/paid%E0%A4%A",
  "/articles/pa%",
];

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("no other path leaks a paid article", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  it("sends no body for the router's data and prefetch requests without a payment", async () => {
    for (const [path, headers] of routerRequests) {
      const answer = await send(site, path, { headers });
      assertNoBody(answer, `${path} ${JSON.stringify(headers)}`);
      assert.notEqual(answer.status, 500, `${path}: ${answer.text.slice(0, 200)}`);
    }
  });

  it("sends no body for HEAD, and a HEAD with a new, valid proof charges nothing", async () => {
    const { db } = database();
    const head = await sendRaw(site, "/articles/paid", { method: "HEAD" });
    assert.equal(head.status, 402);
    assert.equal(head.text, "");

    const channel = await openChannel(chain, 2);
    const proof = await channel.sign(PRICE);
    const before = await readBooks(db);
    for (const accept of ["application/json", "text/html"]) {
      const answer = await sendRaw(site, "/articles/paid", { method: "HEAD", headers: { ...programHeaders(proof), accept } });
      assert.equal(answer.status, 402, `HEAD with a proof (${accept})`);
      assert.equal(answer.text, "");
      assert.equal(answer.headers.get(RdnHeader.cost), null);
    }
    await assertNothingStored(db, before);

    // The proof was good: a GET spends it.
    const get = await send(site, "/articles/paid", { headers: programHeaders(proof) });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get(RdnHeader.cost), PRICE.toString());
    // The stored proof is no key, to a HEAD either; the buyer's token is.
    const stored = await sendRaw(site, "/articles/paid", { method: "HEAD", headers: programHeaders(proof) });
    assert.equal(stored.status, 402, "a HEAD with the stored proof alone");
    const again = await sendRaw(site, "/articles/paid", { method: "HEAD", headers: withAccessToken(programHeaders(proof), accessTokenOf(get)) });
    assert.equal(again.status, 200, "a HEAD for a bought article");
    assert.equal(again.text, "");
    assert.equal(await storedBalance(db, channel), PRICE);
  });

  it("sends no body for other spellings of the article's URL", async () => {
    for (const path of spellings) {
      for (const accept of ["text/html", "application/json"]) {
        const answer = await sendRaw(site, path, { headers: { accept } });
        assertNoBody(answer, `${path} (${accept})`);
        assert.ok(answer.status < 500, `${path} (${accept}) answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        // Whatever a redirect points at is the canonical URL, which the gate guards.
        const location = answer.headers.get("location");
        if (location) assertNoBody(await send(site, new URL(location, site.url).pathname, { headers: { accept } }), `${path} → ${location}`);
      }
    }
  });

  it("ignores a forged grant and Next.js's internal headers", async () => {
    const forged: Record<string, string>[] = [
      { "x-tollgate-grant": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      { "x-tollgate-grant": "paid" },
      { "x-tollgate-grant": "1", "x-tollgate-grant-slug": "paid" },
      { "x-middleware-request-x-tollgate-grant": "AAAA", "x-middleware-override-headers": "x-tollgate-grant" },
      { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
      { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
      { "x-middleware-subrequest": "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy" },
      { "x-invoke-path": "/articles/paid", "x-matched-path": "/articles/[slug]", "x-now-route-matches": "slug=paid" },
    ];
    for (const headers of forged) {
      for (const path of ["/articles/paid", "/articles/paid.rsc"]) {
        const answer = await sendRaw(site, path, { headers: { accept: "text/html", ...headers } });
        assertNoBody(answer, `${path} with ${JSON.stringify(headers)}`);
        assert.equal(answer.status, 402, `${path} with ${JSON.stringify(headers)}`);
      }
    }
  });

  it("never hands the grant to a paying reader", async () => {
    const channel = await openChannel(chain, 3);
    const answer = await send(site, "/articles/paid", { headers: channel.browserHeaders(await channel.sign(PRICE)) });
    assert.equal(answer.status, 200);
    const names = [...answer.headers.keys()];
    assert.deepEqual(names.filter((name) => /grant|^x-middleware/i.test(name)), []);
  });

  it("keeps the body out of the catalog, the channel API and the home page", async () => {
    const channel = await openChannel(chain, 4);
    const paid = await send(site, "/articles/paid", { headers: programHeaders(await channel.sign(PRICE)) });
    assert.equal(paid.status, 200);
    const token = accessTokenOf(paid);

    const catalog = await getJson(site, "/api/articles");
    assertNoBody(catalog, "/api/articles");
    const listed = jsonOf<{ articles: { slug: string; teaser: string }[] }>(catalog).articles;
    assert.deepEqual(listed.map((a) => a.slug).sort(), ["cheap", "paid"]);
    assert.ok(listed.every((a) => !("body" in a) && a.teaser === teaserOf(a.slug)));

    for (const path of [`/api/channels/${channel.sender}`, `/api/channels/${channel.sender}/${channel.openBlock}`, "/api/stats", "/"]) {
      const answer = await getJson(site, path, { [TollgateHeader.accessToken]: token });
      assert.equal(answer.status, 200, path);
      assertNoBody(answer, path);
    }
    // Without the sender's token the channel API shows nothing of its reading history.
    for (const path of [`/api/channels/${channel.sender}`, `/api/channels/${channel.sender}/${channel.openBlock}`]) {
      const answer = await getJson(site, path);
      assert.equal(answer.status, 401, path);
      assert.ok(!answer.text.includes('"paid"') && !answer.text.includes("balanceSignature"), `${path} leaked the history`);
    }
  });

  it("serves nothing to the five RDN-* values copied from the channel API, as JSON or as a page (the curl attack)", async () => {
    const channel = await openChannel(chain, 7);
    const paid = await send(site, "/articles/paid", { headers: programHeaders(await channel.sign(PRICE)) });
    assert.equal(paid.status, 200);
    // Everything the channel API told its sender (and, before this rule, anyone).
    const listed = jsonOf<{ channels: { sender: string; receiver: string; openBlock: string; balance: string; balanceSignature: string }[] }>(
      await getJson(site, `/api/channels/${channel.sender}`, { [TollgateHeader.accessToken]: accessTokenOf(paid) }),
    ).channels[0]!;
    const copied = { sender: channel.sender, receiver: channel.receiver, openBlock: BigInt(listed.openBlock), balance: BigInt(listed.balance), balanceSignature: listed.balanceSignature as Hex };
    const json = await send(site, "/articles/paid", { headers: programHeaders(copied) });
    assert.equal(json.status, 402);
    assertNoBody(json, "the copied proof as headers");
    const page = await send(site, "/articles/paid", { headers: { accept: "text/html", cookie: paymentCookieHeader(copied) } });
    assert.equal(page.status, 402);
    assertNoBody(page, "the copied proof as cookies");
    // Nor with another reader's valid token beside it.
    const stranger = await openChannel(chain, 8);
    const strangers = await send(site, "/articles/cheap", { headers: programHeaders(await stranger.sign(PRICE / 10n)) });
    const withStranger = await send(site, "/articles/paid", { headers: withAccessToken(programHeaders(copied), accessTokenOf(strangers)) });
    assert.equal(withStranger.status, 402);
    assertNoBody(withStranger, "the copied proof with a stranger's token");
  });

  it("puts the teaser, never the body, in the page's metadata", async () => {
    const paywall = await send(site, "/articles/paid", { headers: { accept: "text/html" } });
    assert.equal(paywall.status, 402);
    assert.equal(descriptionOf(paywall.text), teaserOf("paid"));
    assert.match(/<title>([^<]*)<\/title>/.exec(paywall.text)?.[1] ?? "", /Title of paid/);
    assertNoBody(paywall, "the paywall page");

    const channel = await openChannel(chain, 5);
    const page = await send(site, "/articles/paid", { headers: channel.browserHeaders(await channel.sign(PRICE)) });
    assert.equal(page.status, 200);
    assert.equal(descriptionOf(page.text), teaserOf("paid"));
    const head = page.text.slice(0, page.text.indexOf("</head>"));
    assertNoBody({ ...page, text: head }, "the paid page's head");
  });

  it("has no feed or sitemap that carries a body", async () => {
    for (const path of ["/sitemap.xml", "/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/robots.txt", "/articles", "/articles/"]) {
      const answer = await send(site, path);
      assert.ok(answer.status === 404 || answer.status === 200, `${path}: ${answer.status}`);
      assertNoBody(answer, path);
    }
  });

  it("answers 404 for a draft to everyone, even with a valid proof, and stores nothing", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 6);
    const proof = await channel.sign(PRICE);
    const before = await readBooks(db);
    for (const slug of ["draft", "free-draft"]) {
      const page = await send(site, `/articles/${slug}`, { headers: channel.browserHeaders(proof) });
      assert.equal(page.status, 404, slug);
      assertNoBody(page, slug);
      const program = await send(site, `/articles/${slug}`, { headers: programHeaders(proof) });
      assertProblem(program, { status: 404, type: "article-not-found" });
      assertNoBody(program, slug);
      const data = await send(site, `/articles/${slug}`, { headers: { rsc: "1" } });
      assertNoBody(data, `${slug} (RSC)`);
    }
    await assertNothingStored(db, before);
    // The watcher knows the channel; nothing was paid on it.
    assert.equal((await channelRow(db, channel))?.balanceSignature, null);
  });
});
