// DESIGN.md's receiver rules, each broken on purpose against a real site (next start, a Hardhat
// node, SQLite and PostgreSQL): every refusal must name its reason (status, RDN-* header, the
// problem's type) and store nothing — no purchase, no balance moved.
//
// An article is bought once per buyer (the channel's sender) and then read free on any of its
// channels, so each test that needs a reader who bought nothing opens its channels from its own
// dev account (#0 deploys and #1 receives; #9–#12 below only sign or are named).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { hexToBigInt, numberToHex, parseEther, recoverTypedDataAddress, slice, type Hex } from "viem";
import { fromDbAmount } from "../../lib/db/amount";
import { RdnHeader, type RdnErrorHeaderName } from "../../lib/protocol/headers";
import type { Payment } from "../../lib/protocol/payment";
import { decodePaymentRequest } from "../../lib/protocol/paymentRequest";
import { balanceProofTypedData, closingCommitmentTypedData } from "../../lib/protocol/typedData";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";
import { seedArticles, secretOf, teaserOf } from "../helpers/articles";
import { blockNumber, mine } from "../helpers/chain";
import { assertPaymentRequired, assertProblem, jsonOf, send, termsOf, type Answer } from "../helpers/http";
import { assertBooksBalance, assertNothingStored, channelRow, readBooks } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, domainOf, openChannel, programHeaders, signProof, withAccessToken, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
  { slug: "gamma", price: 3n * PRICE },
];
const priceOf = (slug: string) => articles.find((a) => a.slug === slug)!.price;

const stranger = devAccount(9);
const otherReceiver = devAccount(10).address;
const delegate = devAccount(11);

/** secp256k1's group order: (r, n − s) with the other parity is the same signature's twin. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
function malleableTwin(signature: Hex): Hex {
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = hexToBigInt(slice(signature, 64, 65));
  return `${slice(signature, 0, 32)}${numberToHex(CURVE_ORDER - s, { size: 32 }).slice(2)}${numberToHex(v === 27n ? 28 : 27, { size: 1 }).slice(2)}`;
}

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("the receiver's rules at the gate", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, [...articles, { slug: "free", price: 0n }]);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  const pay = (payment: Payment, slug: string) => send(site, `/articles/${slug}`, { headers: programHeaders(payment) });

  /** Pays `slug` with `payment` and asserts it was served and charged. */
  async function paid(payment: Payment, slug: string): Promise<Answer> {
    const answer = await pay(payment, slug);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get(RdnHeader.cost), priceOf(slug).toString());
    assert.equal(jsonOf(answer).body?.toString().includes(secretOf(slug)), true);
    return answer;
  }

  /**
   * Sends `payment` for `slug` and asserts a 402 of `type` with header `rdn`, no article, and
   * nothing stored. Returns what the 402 said.
   */
  async function refused(payment: Payment, slug: string, type: string, rdn: RdnErrorHeaderName | null) {
    const { db } = database();
    const before = await readBooks(db);
    const answer = await pay(payment, slug);
    const request = assertPaymentRequired(answer, { chain, price: priceOf(slug), type, rdn });
    assert.ok(!answer.text.includes(secretOf(slug)));
    await assertNothingStored(db, before);
    return { answer, request, body: jsonOf(answer) };
  }

  /**
   * A channel from dev account `reader` with alpha bought on it, so that its stored balance is
   * PRICE, and the access token the paid answer handed out.
   */
  async function channelWithAlpha(reader: number): Promise<{ channel: TestChannel; token: string }> {
    const channel = await openChannel(chain, reader);
    const token = accessTokenOf(await paid(await channel.sign(PRICE), "alpha"));
    return { channel, token };
  }

  it("answers no proof with the terms: a problem for programs, the paywall page (402) for browsers", async () => {
    const { db } = database();
    const before = await readBooks(db);

    const program = await send(site, "/articles/beta", { headers: { accept: "application/json" } });
    const request = assertPaymentRequired(program, { chain, price: 2n * PRICE, type: "payment-required" });
    assert.equal(request.reason, "payment-required");
    assert.equal(request.stored, undefined);

    for (const accept of ["text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"]) {
      const page = await send(site, "/articles/beta", { headers: { accept } });
      assert.equal(page.status, 402, `Accept: ${accept}`);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      assert.equal(page.headers.get("cache-control"), "no-store");
      assert.deepEqual(decodePaymentRequest(page.headers), { reason: "payment-required", terms: termsOf(chain, 2n * PRICE) });
      assert.ok(page.text.includes(teaserOf("beta")), "the paywall page has no teaser");
      assert.ok(!page.text.includes(secretOf("beta")), "the paywall page leaked the body");
    }
    await assertNothingStored(db, before);
  });

  it("serves a free article to anyone, without a charge", async () => {
    const answer = await send(site, "/articles/free", { headers: { accept: "application/json" } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get(RdnHeader.cost), null);
    assert.ok(jsonOf(answer).body?.toString().includes(secretOf("free")));
  });

  it("refuses a proof signed by a stranger", async () => {
    const channel = await openChannel(chain, 2);
    const { body } = await refused(await channel.sign(PRICE, stranger), "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    assert.equal(body.signer, stranger.address);
  });

  it("refuses a proof signed for another chain id or another contract (domain replay)", async () => {
    const channel = await openChannel(chain, 3);
    const { chainId, verifyingContract } = domainOf(chain);
    const domains = [
      { chainId: 1, verifyingContract },
      { chainId: chainId + 1, verifyingContract },
      { chainId, verifyingContract: chain.deployment.token },
    ];
    for (const domain of domains) {
      const payment = await signProof(channel.account, domain, channel, PRICE);
      await refused(payment, "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    }
    await paid(await channel.sign(PRICE), "alpha"); // the channel itself was fine all along
  });

  it("refuses a proof signed for another channel (another open block, another receiver)", async () => {
    const first = await openChannel(chain, 4);
    const second = await openChannel(chain, 4);
    const domain = domainOf(chain);
    // Signed over the first channel, presented as the second.
    const moved = await signProof(first.account, domain, second, PRICE, { channel: first, balance: PRICE });
    await refused(moved, "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    // Signed naming another receiver, presented for ours.
    const elsewhere = await signProof(first.account, domain, first, PRICE, { channel: { ...first, receiver: otherReceiver }, balance: PRICE });
    await refused(elsewhere, "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);

    // A real channel to another receiver, with a proof that is valid for it: not ours.
    const theirs = await openChannel(chain, 4, { receiver: otherReceiver });
    await refused(await theirs.sign(PRICE), "alpha", "channel-not-found", RdnHeader.nonexistingChannel);
    assert.equal(await channelRow(database().db, theirs), null);
  });

  it("refuses a closing commitment offered as a balance proof", async () => {
    const channel = await openChannel(chain, 5);
    const domain = domainOf(chain);
    const closing = closingCommitmentTypedData(domain, channel, PRICE);
    for (const signer of [devAccount(1), channel.account]) {
      const payment = { ...channel, balance: PRICE, balanceSignature: await signer.signTypedData(closing) };
      await refused(payment, "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    }
  });

  it("refuses the high-s twin of a valid signature, although viem recovers the same signer from it", async () => {
    const channel = await openChannel(chain, 6);
    const valid = await channel.sign(PRICE);
    const twin = { ...valid, balanceSignature: malleableTwin(valid.balanceSignature) };
    const signer = await recoverTypedDataAddress({ ...balanceProofTypedData(domainOf(chain), channel, PRICE), signature: twin.balanceSignature });
    assert.equal(signer, channel.sender, "the twin should recover to the sender, or this test proves nothing");

    await refused(twin, "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    await paid(valid, "alpha");
  });

  it("refuses a balance above the deposit, and accepts the same proof once a top-up reached the chain", async () => {
    const { db } = database();
    const channel = await openChannel(chain, 7, { deposit: PRICE / 2n });
    const proof = await channel.sign(PRICE);
    const { body } = await refused(proof, "alpha", "insufficient-deposit", RdnHeader.invalidBalanceProof);
    assert.equal(body.offered, PRICE.toString());
    assert.equal(body.deposit, (PRICE / 2n).toString());

    // A top-up that is still too small: the refusal names the deposit the chain now holds.
    await channel.topUp(PRICE / 4n);
    const short = await refused(proof, "alpha", "insufficient-deposit", RdnHeader.invalidBalanceProof);
    assert.equal(short.body.deposit, ((3n * PRICE) / 4n).toString());

    await channel.topUp(PRICE);
    await paid(proof, "alpha");
    const row = await channelRow(db, channel);
    assert.equal(fromDbAmount(row!.deposit), PRICE + (3n * PRICE) / 4n, "the refreshed deposit was stored");
    assert.equal(fromDbAmount(row!.balance), PRICE);
  });

  it("refuses a balance raised by less or by more than the price", async () => {
    const fresh = await openChannel(chain, 8);
    await refused(await fresh.sign(PRICE - 1n), "alpha", "invalid-amount", RdnHeader.invalidAmount);
    await refused(await fresh.sign(PRICE + 1n), "alpha", "invalid-amount", RdnHeader.invalidAmount);

    const { channel } = await channelWithAlpha(8);
    const row = await channelRow(database().db, channel);
    for (const offered of [PRICE + 2n * PRICE - 1n, PRICE + 2n * PRICE + 1n, PRICE + PRICE]) {
      const { request, body } = await refused(await channel.sign(offered), "beta", "invalid-amount", RdnHeader.invalidAmount);
      // The server's stored proof comes back so the client can re-sign on top of it.
      assert.deepEqual(request.stored, { sender: channel.sender, openBlock: channel.openBlock, balance: PRICE, balanceSignature: row!.balanceSignature });
      assert.equal(body.expected, (3n * PRICE).toString());
    }
    await paid(await channel.sign(3n * PRICE), "beta");
  });

  it("refuses a stale proof (not above the stored balance) with the server's stored proof, even for what its sender bought", async () => {
    const { channel } = await channelWithAlpha(13);
    const row = await channelRow(database().db, channel);
    const stored = { sender: channel.sender, openBlock: channel.openBlock, balance: PRICE, balanceSignature: row!.balanceSignature };
    // The very proof that bought alpha (the stored one, public), and proofs below the stored
    // balance: spent on beta they pay nothing, and for alpha they do not prove its buyer (a
    // stale proof was, or may be, published), so neither reads without the buyer's token.
    for (const slug of ["beta", "alpha"]) {
      for (const offered of [PRICE, PRICE - 1n, 0n]) {
        const { request, body } = await refused(await channel.sign(offered), slug, "stale-balance-proof", RdnHeader.invalidBalanceProof);
        assert.deepEqual(request.stored, stored);
        assert.equal(body.expected, (PRICE + priceOf(slug)).toString());
      }
    }
  });

  it("refuses a channel that does not exist on chain", async () => {
    const { db } = database();
    const sender = devAccount(14);
    await mine(chain, 1); // the head is now a block without a channel in it
    const head = await blockNumber(chain);
    // Far past the head (more than the watcher's margin for blocks mined since its last poll).
    for (const openBlock of [1n, head, head + 200_000n]) {
      const id = { sender: sender.address, receiver: devAccount(1).address, openBlock };
      const payment = await signProof(sender, domainOf(chain), id, PRICE);
      await refused(payment, "alpha", "channel-not-found", RdnHeader.nonexistingChannel);
      assert.equal(await channelRow(db, id), null, `a row was stored for block ${openBlock}`);
    }
    // Just past the head is a block the chain may have made since the watcher's last look: the
    // client is told to wait and send the same proof again, not to open another channel.
    const soon = { sender: sender.address, receiver: devAccount(1).address, openBlock: head + 1000n };
    await refused(await signProof(sender, domainOf(chain), soon, PRICE), "alpha", "insufficient-confirmations", RdnHeader.insufficientConfirmations);
    assert.equal(await channelRow(db, soon), null);
  });

  it("accepts a delegate's proof on a channel that names the delegate, and only there", async () => {
    const named = await openChannel(chain, 15, { delegate: delegate.address });
    await paid(await named.sign(PRICE, delegate), "alpha");
    await paid(await named.sign(3n * PRICE), "beta"); // the sender still signs for it too

    const unnamed = await openChannel(chain, 15);
    await refused(await unnamed.sign(PRICE, delegate), "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
    const otherDelegate = await openChannel(chain, 15, { delegate: devAccount(12).address });
    await refused(await otherDelegate.sign(PRICE, delegate), "alpha", "invalid-balance-proof", RdnHeader.invalidBalanceProof);
  });

  it("refuses new proofs with 409 once a closing signature was issued, and keeps what was bought readable", async () => {
    const { db } = database();
    const { channel, token } = await channelWithAlpha(16);
    const proof = await channel.sign(PRICE);
    const close = await send(site, `/api/channels/${channel.sender}/${channel.openBlock}/close`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(await channel.closeRequest(PRICE)),
    });
    assert.equal(close.status, 200, close.text);

    const before = await readBooks(db);
    const answer = await pay(await channel.sign(3n * PRICE), "beta");
    assertProblem(answer, { status: 409, type: "channel-state-conflict" });
    assert.ok(!answer.text.includes(secretOf("beta")));
    await assertNothingStored(db, before);

    // The stored proof is public (the close puts it on chain): alone it reads nothing, not even
    // what it bought; the buyer re-reads with its token, or a signed access request.
    const resent = await pay(proof, "alpha");
    assertProblem(resent, { status: 409, type: "channel-state-conflict" });
    assert.ok(!resent.text.includes(secretOf("alpha")));
    await assertNothingStored(db, before);
    for (const headers of [withAccessToken(programHeaders(proof), token), { ...programHeaders(proof), ...(await channel.accessRequest("/articles/alpha")) }]) {
      const reread = await send(site, "/articles/alpha", { headers });
      assert.equal(reread.status, 200, reread.text);
      assert.equal(reread.headers.get(RdnHeader.cost), null, "a re-read is not a payment");
      assert.ok(jsonOf(reread).body?.toString().includes(secretOf("alpha")));
    }
    await assertNothingStored(db, before);
  });

  it("leaves the books balanced: every balance is the sum of its purchases, each signed by the sender or delegate", async () => {
    await assertBooksBalance(database().db, domainOf(chain));
  });
});
