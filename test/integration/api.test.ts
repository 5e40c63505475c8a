// The route handlers under app/api against a real site: the catalog, what the receiver knows of
// a channel, the closing signature (checked with viem and then spent on chain in
// cooperativeClose), and the publisher's stats. On SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { getAddress, parseEther, recoverTypedDataAddress, type Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { channelManagerAbi } from "../../lib/chain/abis.generated";
import { fromDbAmount } from "../../lib/db/amount";
import { RdnHeader, TollgateHeader } from "../../lib/protocol/headers";
import { closingCommitmentTypedData } from "../../lib/protocol/typedData";
import { ACCESS_TOKEN_AUDIENCE } from "../../lib/receiver/access";
import { signToken } from "../../lib/receiver/auth/signedToken";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, teaserOf } from "../helpers/articles";
import { mine, tokenBalance } from "../helpers/chain";
import { assertProblem, getJson, jsonOf, send } from "../helpers/http";
import { assertNothingStored, channelRow, readBooks } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { testReceiver } from "../helpers/testReceiver";
import { chainClients, domainOf, openChannel, programHeaders, RECEIVER, signInReader, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
  { slug: "free", price: 0n },
  { slug: "draft", price: PRICE, published: false },
];

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("the channel and catalog APIs", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  /** A channel with alpha and beta bought: its stored balance is 3 × PRICE. */
  async function channelWithPurchases(index: number, deposit = parseEther("1")): Promise<TestChannel> {
    const channel = await openChannel(chain, index, { deposit });
    for (const [slug, balance] of [["alpha", PRICE], ["beta", 3n * PRICE]] as const) {
      const answer = await send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });
      assert.equal(answer.status, 200, answer.text);
    }
    return channel;
  }

  /** The access tokens of the readers this suite signed in (EIP-4361, the site's own routes). */
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (sender: string) => {
    const account = [...Array(20).keys()].map(devAccount).find((a) => a.address.toLowerCase() === sender.toLowerCase())!;
    if (!tokens.has(account.address)) tokens.set(account.address, signInReader(site, account, chain.deployment.chainId));
    return tokens.get(account.address)!;
  };
  /** The channel API as its sender asks it: with the sender's access token. */
  const asSender = async (sender: string, path: string) => getJson(site, path, { [TollgateHeader.accessToken]: await tokenOf(sender) });

  const close = (channel: { sender: string; openBlock: bigint | string }, body: string) =>
    send(site, `/api/channels/${channel.sender}/${channel.openBlock}/close`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  /** Asks for a closing signature at `balance`, the request signed by the sender (or `signer`). */
  const closeAt = async (channel: TestChannel, balance: bigint, signer?: LocalAccount) =>
    close(channel, JSON.stringify(await channel.closeRequest(balance, signer)));

  it("GET /api/articles: the published catalog with prices and terms, never a body", async () => {
    const answer = await getJson(site, "/api/articles");
    assert.equal(answer.status, 200);
    const catalog = jsonOf<{
      chainId: number;
      contract: string;
      receiver: string;
      token: { address: string };
      articles: Record<string, unknown>[];
    }>(answer);
    assert.equal(catalog.chainId, chain.deployment.chainId);
    assert.equal(catalog.contract, chain.deployment.channelManager);
    assert.equal(catalog.receiver, RECEIVER);
    assert.equal(catalog.token.address, chain.deployment.token);
    const bySlug = Object.fromEntries(catalog.articles.map((a) => [a.slug, a]));
    assert.deepEqual(Object.keys(bySlug).sort(), ["alpha", "beta", "free"]);
    for (const { slug, price } of articles.filter((a) => a.published !== false)) {
      assert.deepEqual(bySlug[slug], { slug, title: `Title of ${slug}`, teaser: teaserOf(slug), price: price.toString(), url: `/articles/${slug}` });
    }
  });

  it("GET /api/channels/{sender}: the channels the receiver knows, with balances and what they bought", async () => {
    const channel = await channelWithPurchases(2);
    const row = await channelRow(database().db, channel);
    for (const spelling of [channel.sender, channel.sender.toLowerCase()]) {
      const answer = await asSender(channel.sender, `/api/channels/${spelling}`);
      assert.equal(answer.status, 200, answer.text);
      const { channels } = jsonOf<{ channels: Record<string, unknown>[] }>(answer);
      const listed = channels.find((c) => c.openBlock === channel.openBlock.toString());
      assert.deepEqual(listed, {
        sender: channel.sender,
        receiver: RECEIVER,
        openBlock: channel.openBlock.toString(),
        delegate: null,
        deposit: parseEther("1").toString(),
        balance: (3n * PRICE).toString(),
        withdrawn: "0",
        status: "open",
        confirmed: true,
        balanceSignature: row!.balanceSignature,
        articles: ["alpha", "beta"],
      });
    }
    const nobody = await asSender(devAccount(15).address, `/api/channels/${devAccount(15).address}`);
    assert.equal(nobody.status, 200);
    assert.deepEqual(jsonOf(nobody), { channels: [] });
  });

  it("GET /api/channels/{sender}: the reading history only for its sender's token (401 without, 403 for another's)", async () => {
    const channel = await channelWithPurchases(10);
    const paths = [`/api/channels/${channel.sender}`, `/api/channels/${channel.sender}/${channel.openBlock}`];
    const own = await tokenOf(channel.sender);
    const strangers = await tokenOf(devAccount(11).address);
    // Tokens the server did not issue for this reader on this site: tampered, expired, of another
    // kind (an admin session), another receiver, or another deployment.
    const receiver = testReceiver(chain, database());
    const claims = { sub: channel.sender.toLowerCase(), rcv: RECEIVER.toLowerCase() };
    const otherSite = testReceiver(chain, database(), { CHANNEL_MANAGER_ADDRESS: devAccount(12).address });
    const refusedTokens = [
      `${own.slice(0, -6)}${own.slice(-6) === "AAAAAA" ? "BBBBBB" : "AAAAAA"}`,
      await signToken(receiver, ACCESS_TOKEN_AUDIENCE, claims, -60),
      await signToken(receiver, "admin-session", claims, 3600),
      await signToken(receiver, ACCESS_TOKEN_AUDIENCE, { ...claims, rcv: devAccount(12).address.toLowerCase() }, 3600),
      await signToken(otherSite, ACCESS_TOKEN_AUDIENCE, claims, 3600),
      "not-a-jwt",
      "x".repeat(5000),
    ];
    for (const path of paths) {
      for (const headers of [{}, { cookie: "RDN-Balance=1" }] as Record<string, string>[]) {
        const body = assertProblem(await getJson(site, path, headers), { status: 401, type: "unauthenticated" });
        assert.ok(!JSON.stringify(body).includes("alpha"));
      }
      for (const token of refusedTokens) {
        assertProblem(await getJson(site, path, { [TollgateHeader.accessToken]: token }), { status: 401, type: "unauthenticated" });
        assertProblem(await getJson(site, path, { cookie: `${TollgateHeader.accessToken}=${token}` }), { status: 401, type: "unauthenticated" });
      }
      const forbidden = await getJson(site, path, { [TollgateHeader.accessToken]: strangers });
      assertProblem(forbidden, { status: 403, type: "forbidden" });
      assert.ok(!forbidden.text.includes("alpha") && !forbidden.text.includes("balanceSignature"));
      // The sender's own token, as a header or as the browser's cookie, sees it all.
      for (const headers of [{ [TollgateHeader.accessToken]: own }, { cookie: `theme=dark; ${TollgateHeader.accessToken}=${own}` }] as Record<string, string>[]) {
        const answer = await getJson(site, path, headers);
        assert.equal(answer.status, 200, answer.text);
        assert.match(answer.text, /"alpha"/);
      }
    }
  });

  it("GET /api/channels/{sender}: 400 for a malformed address", async () => {
    const sender = devAccount(2).address;
    const wrongChecksum = sender.slice(0, 2) + sender.slice(2).replace(/[a-f]/, (c) => c.toUpperCase());
    for (const bad of ["0x1234", "nonsense", sender.slice(2), `${sender}00`, wrongChecksum, "0x" + "g".repeat(40)]) {
      assertProblem(await getJson(site, `/api/channels/${bad}`), { status: 400, type: "malformed-request" });
      assertProblem(await getJson(site, `/api/channels/${bad}/1`), { status: 400, type: "malformed-request" });
    }
  });

  it("GET /api/channels/{sender}/{openBlock}: one channel, also one never paid through (the watcher recorded it)", async () => {
    const known = await channelWithPurchases(3);
    const answer = await asSender(known.sender, `/api/channels/${known.sender}/${known.openBlock}`);
    assert.equal(answer.status, 200, answer.text);
    const described = jsonOf(answer);
    assert.equal(described.balance, (3n * PRICE).toString());
    assert.deepEqual(described.articles, ["alpha", "beta"]);

    // Opened on chain, never used here: the receiver knows it from its watcher.
    const unseen = await openChannel(chain, 4, { delegate: devAccount(16).address });
    const fresh = jsonOf(await asSender(unseen.sender, `/api/channels/${unseen.sender}/${unseen.openBlock}`));
    assert.equal(fresh.balance, "0");
    assert.equal(fresh.status, "open");
    assert.equal(fresh.delegate, devAccount(16).address);
    assert.equal(fresh.balanceSignature, null);
    assert.deepEqual(fresh.articles, []);
  });

  it("answers a browser asking for an unknown page or article with the site's 404 page and a way home", async () => {
    for (const path of ["/no-such-page", "/articles/no-such-article"]) {
      const answer = await send(site, path, { headers: { Accept: "text/html" } });
      assert.equal(answer.status, 404, path);
      // In the HTML, or in the RSC payload the page streams (an article's notFound() comes after its lookup).
      assert.match(answer.text, /Nothing here/, path);
      assert.match(answer.text, /See all articles/, path);
    }
  });

  it("answers a page whose render fails with a 500 that carries the error's digest and nothing of the error itself", async () => {
    // The catalog's table taken away under the running site: its query fails as a database fault
    // would. React renders the site's error page (app/error.tsx) in the browser, from the digest
    // in this payload: test/e2e/smoke.test.ts looks at it.
    const { db } = database();
    await db.$executeRaw`ALTER TABLE "Article" RENAME TO "ArticleAway"`;
    try {
      const answer = await send(site, "/", { headers: { Accept: "text/html" } });
      assert.equal(answer.status, 500);
      assert.match(answer.text, /\\"digest\\":\\"\d+\\"/);
      assert.doesNotMatch(answer.text, /ArticleAway|no such table|does not exist|prisma|at async/i);
    } finally {
      await db.$executeRaw`ALTER TABLE "ArticleAway" RENAME TO "Article"`;
    }
    assert.equal((await send(site, "/", { headers: { Accept: "text/html" } })).status, 200);
  });

  it("GET /api/channels/{sender}/{openBlock}: 404 for an unknown channel, 400 for a malformed open block", async () => {
    const sender = devAccount(5).address;
    await mine(chain, 1);
    const { db } = database();
    const before = await readBooks(db);
    for (const openBlock of ["1", "999999999", (2n ** 63n).toString(), (2n ** 64n - 1n).toString()]) {
      const body = assertProblem(await asSender(sender, `/api/channels/${sender}/${openBlock}`), {
        status: 404,
        type: "channel-not-found",
        rdn: RdnHeader.nonexistingChannel,
      });
      assert.deepEqual(body.channel, { sender, receiver: RECEIVER, openBlock });
    }
    for (const openBlock of ["abc", "-1", "01", "1.5", "1e3", " 1", "0x10", (2n ** 64n).toString()]) {
      assertProblem(await getJson(site, `/api/channels/${sender}/${encodeURIComponent(openBlock)}`), { status: 400, type: "malformed-request" });
    }
    await assertNothingStored(db, before);
  });

  it("POST …/close: a closing signature by the receiver that the contract accepts in cooperativeClose", async () => {
    const deposit = parseEther("0.5");
    const channel = await channelWithPurchases(6, deposit);
    const balance = 3n * PRICE;
    const proof = await channel.sign(balance);

    const answer = await closeAt(channel, balance);
    assert.equal(answer.status, 200, answer.text);
    const { closingBalance, closingSignature } = jsonOf<{ closingBalance: string; closingSignature: Hex }>(answer);
    assert.equal(closingBalance, balance.toString());
    const signer = await recoverTypedDataAddress({ ...closingCommitmentTypedData(domainOf(chain), channel, balance), signature: closingSignature });
    assert.equal(signer, getAddress(RECEIVER));

    // Once per balance: asking again gets the same signature.
    const again = await closeAt(channel, balance);
    assert.equal(again.status, 200);
    assert.equal(jsonOf(again).closingSignature, closingSignature);
    assert.equal(await database().db.closingSignature.count({ where: { signature: closingSignature.toLowerCase() } }), 1);
    assert.equal(jsonOf(await asSender(channel.sender, `/api/channels/${channel.sender}/${channel.openBlock}`)).status, "closing");

    // Anyone may submit both signatures; the contract pays the balance out and refunds the rest.
    const manager = chain.deployment.channelManager;
    const [receiverBefore, senderBefore, managerBefore] = await Promise.all([RECEIVER, channel.sender, manager].map((a) => tokenBalance(chain, a)));
    const { client, wallet } = chainClients(chain, devAccount(19));
    const hash = await wallet.writeContract({
      address: manager,
      abi: channelManagerAbi,
      functionName: "cooperativeClose",
      args: [channel.sender, RECEIVER, channel.openBlock, balance, proof.balanceSignature, closingSignature],
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    await chain.synced(receipt.blockNumber);
    assert.equal(await tokenBalance(chain, RECEIVER), receiverBefore + balance);
    assert.equal(await tokenBalance(chain, channel.sender), senderBefore + deposit - balance);
    assert.equal(await tokenBalance(chain, manager), managerBefore - deposit);
  });

  it("POST …/close: 400 for a body or path that is not a signed close request", async () => {
    const channel = await channelWithPurchases(7);
    const { db } = database();
    const { balance, signature } = await channel.closeRequest(3n * PRICE);
    const before = await readBooks(db);
    const bodies = [
      "",
      "{",
      "null",
      "[]",
      '"close"',
      "42",
      "{}",
      JSON.stringify({ balance }),
      JSON.stringify({ signature: signature }),
      JSON.stringify({ balance: Number(balance), signature: signature }),
      JSON.stringify({ balance: `0${balance}`, signature: signature }),
      JSON.stringify({ balance: "-1", signature: signature }),
      JSON.stringify({ balance: (2n ** 128n).toString(), signature: signature }),
      JSON.stringify({ balance, signature: signature.slice(0, 100) }),
      JSON.stringify({ balance, signature: signature.slice(2) }),
      JSON.stringify({ balance, signature: null }),
    ];
    for (const body of bodies) assertProblem(await close(channel, body), { status: 400, type: "malformed-request" });
    const good = JSON.stringify({ balance, signature: signature });
    for (const path of [{ sender: "0x123", openBlock: channel.openBlock }, { sender: channel.sender, openBlock: "x" }, { sender: channel.sender, openBlock: "-1" }]) {
      assertProblem(await close(path, good), { status: 400, type: "malformed-request" });
    }
    await assertNothingStored(db, before);
  });

  it("POST …/close: 402 for a proof of another balance or by another key, 404 for an unknown channel", async () => {
    const channel = await channelWithPurchases(8);
    const { db } = database();
    const before = await readBooks(db);
    const ahead = await channel.sign(4n * PRICE);
    const stale = assertProblem(await closeAt(channel, ahead.balance), {
      status: 402,
      type: "stale-balance-proof",
      rdn: RdnHeader.invalidBalanceProof,
    });
    assert.equal((stale.stored as { balance: string }).balance, (3n * PRICE).toString());
    const behind = await channel.sign(PRICE);
    assertProblem(await closeAt(channel, behind.balance), { status: 402, type: "stale-balance-proof", rdn: RdnHeader.invalidBalanceProof });
    // Another key's request, and the stored balance proof itself: it is public (the channel API
    // publishes it), so it must not get anyone a closing signature for somebody else's channel.
    assertProblem(await closeAt(channel, 3n * PRICE, devAccount(9)), { status: 402, type: "invalid-balance-proof", rdn: RdnHeader.invalidBalanceProof });
    const published = jsonOf<{ balance: string; balanceSignature: Hex }>(await asSender(channel.sender, `/api/channels/${channel.sender}/${channel.openBlock}`));
    assertProblem(await close(channel, JSON.stringify({ balance: published.balance, signature: published.balanceSignature })), {
      status: 402,
      type: "invalid-balance-proof",
      rdn: RdnHeader.invalidBalanceProof,
    });

    const unknown = { ...channel, openBlock: 1n };
    assertProblem(await close(unknown, JSON.stringify(await channel.closeRequest(0n))), {
      status: 404,
      type: "channel-not-found",
      rdn: RdnHeader.nonexistingChannel,
    });
    await assertNothingStored(db, before);
    assert.equal((await channelRow(db, channel))!.status, "open");
  });

  it("POST …/close: 409 for a channel the sender is already closing on chain", async () => {
    const channel = await openChannel(chain, 9);
    const { client, wallet } = chainClients(chain, channel.account);
    const hash = await wallet.writeContract({
      address: chain.deployment.channelManager,
      abi: channelManagerAbi,
      functionName: "uncooperativeClose",
      args: [RECEIVER, channel.openBlock, 0n],
    });
    await chain.synced((await client.waitForTransactionReceipt({ hash })).blockNumber);
    assert.equal(jsonOf(await asSender(channel.sender, `/api/channels/${channel.sender}/${channel.openBlock}`)).status, "closing");

    const { db } = database();
    const before = await readBooks(db);
    assertProblem(await closeAt(channel, 0n), { status: 409, type: "channel-state-conflict" });
    // Nor does it take payments any more: a 402 that says to open another channel.
    assertProblem(await send(site, "/articles/alpha", { headers: programHeaders(await channel.sign(PRICE)) }), {
      status: 402,
      type: "channel-closed",
      rdn: RdnHeader.nonexistingChannel,
    });
    await assertNothingStored(db, before);
  });

  it("GET /api/stats: what readers paid and the channels by status, as the books say", async () => {
    const { db } = database();
    const answer = await getJson(site, "/api/stats");
    assert.equal(answer.status, 200);
    const channels = await db.channel.findMany();
    const byStatus = (status: string) => channels.filter((c) => c.status === status).length;
    assert.deepEqual(jsonOf(answer), {
      earned: channels.reduce((sum, c) => sum + fromDbAmount(c.balance), 0n).toString(),
      withdrawn: "0",
      purchases: await db.purchase.count(),
      channels: { open: byStatus("open"), closing: byStatus("closing"), settled: byStatus("settled") },
    });
    // This suite paid for two articles on each of six channels. (The watcher also recorded the
    // channels that other suites opened on this chain to the same receiver, with nothing paid
    // here: the counts by status above come from the same rows.)
    assert.equal(jsonOf(answer).earned, (6n * 3n * PRICE).toString());
    assert.equal(jsonOf(answer).purchases, 12);
    assert.ok(byStatus("closing") >= 1 && byStatus("settled") >= 1);
  });
});
