// What the gate accepts follows the chain through the watcher (DESIGN.md): a channel and a
// top-up count once CONFIRMATIONS deep; a close request and a settlement count at once, on the
// watcher's first sight of their block. Real `next start` with its watcher, a real Hardhat node,
// SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { fromDbAmount } from "../../lib/db/amount";
import { RdnHeader } from "../../lib/protocol/headers";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf } from "../helpers/articles";
import { mine, rpc } from "../helpers/chain";
import { assertPaymentRequired, jsonOf, send } from "../helpers/http";
import { assertNothingStored, channelRow, readBooks } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, openChannel, programHeaders, withAccessToken, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
];
const CONFIRMATIONS = 3;

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("the gate follows the chain through its watcher", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain, env: { CONFIRMATIONS: String(CONFIRMATIONS) } });
  });
  after(() => site?.stop());

  const pay = async (channel: TestChannel, slug: string, balance: bigint) =>
    send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });

  async function refused(channel: TestChannel, slug: string, balance: bigint, type: string, rdn: string | null) {
    const { db } = database();
    const books = await readBooks(db);
    const answer = await pay(channel, slug, balance);
    const price = articles.find((a) => a.slug === slug)!.price;
    assertPaymentRequired(answer, { chain, price, type, rdn: rdn as never });
    assert.ok(!answer.text.includes(secretOf(slug)));
    await assertNothingStored(db, books);
    return jsonOf(answer);
  }

  /** Pays `slug` with a proof of `balance`; asserts it was served for `cost`; returns the access token handed out. */
  async function served(channel: TestChannel, slug: string, balance: bigint, cost: bigint): Promise<string> {
    const answer = await pay(channel, slug, balance);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get(RdnHeader.cost), cost.toString());
    return accessTokenOf(answer);
  }

  /** Asserts that the buyer's `token` alone re-reads `slug`, without a charge. */
  async function reread(slug: string, token: string) {
    const answer = await send(site, `/articles/${slug}`, { headers: withAccessToken({ accept: "application/json" }, token) });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get(RdnHeader.cost), null, "a re-read is not a payment");
    assert.ok(jsonOf<{ body: string }>(answer).body.includes(secretOf(slug)));
  }

  /** A channel whose opening has the confirmations the site requires. */
  async function confirmedChannel(index: number, deposit = parseEther("1")) {
    const channel = await openChannel(chain, index, { deposit });
    await mine(chain, CONFIRMATIONS - 1);
    return channel;
  }

  it("takes no proof on a channel before it is CONFIRMATIONS deep, and takes it after", async () => {
    const channel = await openChannel(chain, 2);
    for (let confirmations = 1; confirmations < CONFIRMATIONS; confirmations++) {
      const body = await refused(channel, "alpha", PRICE, "insufficient-confirmations", RdnHeader.insufficientConfirmations);
      assert.equal(body.confirmations, confirmations);
      assert.equal(body.required, CONFIRMATIONS);
      await mine(chain, 1);
    }
    await served(channel, "alpha", PRICE, PRICE);
  });

  it("counts a top-up once it is confirmed", async () => {
    const channel = await confirmedChannel(3, 2n * PRICE);
    await served(channel, "alpha", PRICE, PRICE);
    const body = await refused(channel, "beta", 3n * PRICE, "insufficient-deposit", RdnHeader.invalidBalanceProof);
    assert.equal(body.deposit, (2n * PRICE).toString());

    await channel.topUp(5n * PRICE);
    const unconfirmed = await refused(channel, "beta", 3n * PRICE, "insufficient-deposit", RdnHeader.invalidBalanceProof);
    assert.equal(unconfirmed.deposit, (2n * PRICE).toString(), "an unconfirmed top-up counted");
    await mine(chain, CONFIRMATIONS - 1);
    await served(channel, "beta", 3n * PRICE, 2n * PRICE);
    assert.equal(fromDbAmount((await channelRow(database().db, channel))!.deposit), 7n * PRICE);
  });

  it("refuses proofs from the first sight of a close request, before it has any confirmation", async () => {
    const channel = await confirmedChannel(4);
    const token = await served(channel, "alpha", PRICE, PRICE);
    await channel.requestClose(PRICE); // the watcher has read its block; nothing mined since
    assert.equal((await channelRow(database().db, channel))?.status, "closing");
    const body = await refused(channel, "beta", 3n * PRICE, "channel-closed", RdnHeader.nonexistingChannel);
    assert.equal(body.channelStatus, "closing");
    // What it bought stays readable for its buyer; the stored proof (now on chain) alone reads nothing.
    await refused(channel, "alpha", PRICE, "channel-closed", RdnHeader.nonexistingChannel);
    await reread("alpha", token);
  });

  it("refuses proofs on a settled channel", async () => {
    const channel = await confirmedChannel(5);
    const token = await served(channel, "alpha", PRICE, PRICE);
    await channel.requestClose(PRICE);
    await rpc(chain, "evm_increaseTime", [121]);
    await channel.settle();
    assert.equal((await channelRow(database().db, channel))?.status, "settled");
    const body = await refused(channel, "beta", 3n * PRICE, "channel-closed", RdnHeader.nonexistingChannel);
    assert.equal(body.channelStatus, "settled");
    await reread("alpha", token);
  });
});
