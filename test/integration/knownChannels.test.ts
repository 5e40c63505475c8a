// The paid path checks a reader's next proof against the channel as this process last saw it
// (lib/receiver/knownChannels.ts), without reading the row. Whatever changed the row since (the
// watcher folding a reorg or a close, another instance, another payment path) must make that
// write lose and the proof be decided on a fresh read: never a charge the row does not allow,
// never a refusal the row does not give.
import assert from "node:assert/strict";
import { it } from "node:test";
import { fromDbAmount, toDbAmount } from "../../lib/db/amount";
import { createDb } from "../../lib/db/createDb";
import type { Article, Db } from "../../lib/db/Db";
import { toDbAddress } from "../../lib/db/hex";
import { ChannelClosedError, ChannelNotFoundError, InsufficientDepositError, InvalidAmountError, InvalidBalanceProofError, StaleBalanceProofError } from "../../lib/protocol/errors";
import type { Payment } from "../../lib/protocol/payment";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import { acceptPayment } from "../../lib/receiver/acceptPayment";
import type { Receiver } from "../../lib/receiver/context";
import { scratchReceiver, seedChannel, signProofs } from "../../scripts/bench/acceptance";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";

const PRICE = 10n ** 15n;

describeEachDatabase("the paid path's remembered channels", (database) => {
  let receiver: Receiver;
  let articles: Article[];
  it("sets up a receiver and articles", async () => {
    const { db } = database();
    receiver = await scratchReceiver(db);
    articles = [];
    for (let k = 0; k < 4; k++) articles.push(await db.article.create({ data: { slug: `k-${k}`, title: "t", teaser: "t", body: "b", price: toDbAmount(PRICE), published: true } }));
  });

  /** A channel from dev account `sender` whose first proof was accepted (so this process remembers it), and its next proofs. */
  async function paidOnce(sender: number) {
    const { db } = database();
    const row = await seedChannel(db, sender, 1n);
    const proofs = await signProofs(sender, 1n, 3);
    assert.equal((await acceptPayment(receiver, articles[0], proofs[0])).charged, true);
    return { row, proofs };
  }

  async function assertStoredOnly(db: Db, channelId: number, balance: bigint, purchases: number) {
    const row = (await db.channel.findUnique({ where: { id: channelId } }))!;
    assert.equal(fromDbAmount(row.balance), balance, "the balance moved");
    assert.equal(await db.purchase.count({ where: { channelId } }), purchases, "a purchase was stored");
  }

  it("refuses, from the row, a balance its deposit no longer covers (a top-up a reorg dropped)", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(2);
    await db.channel.update({ where: { id: row.id }, data: { deposit: toDbAmount(PRICE) } });
    await assert.rejects(acceptPayment(receiver, articles[1], proofs[1]), InsufficientDepositError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("refuses a proof on a channel that is closing on chain since", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(3);
    await db.channel.update({ where: { id: row.id }, data: { status: "closing" } });
    await assert.rejects(acceptPayment(receiver, articles[1], proofs[1]), ChannelClosedError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("refuses a proof on a channel whose creation a reorg dropped", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(4);
    await db.channel.update({ where: { id: row.id }, data: { confirmed: false, deposit: toDbAmount(0n) } });
    await assert.rejects(acceptPayment(receiver, articles[1], proofs[1]), ChannelNotFoundError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("refuses a delegate's proof once the row names another delegate", async () => {
    const { db } = database();
    const sender = devAccount(5);
    const delegate = devAccount(12);
    const row = await seedChannel(db, 5, 1n);
    await db.channel.update({ where: { id: row.id }, data: { delegate: toDbAddress(delegate.address) } });
    const id = { sender: sender.address, receiver: devAccount(1).address, openBlock: 1n };
    const domain = { chainId: receiver.config.chainId, verifyingContract: receiver.config.channelManager };
    const byDelegate = async (balance: bigint): Promise<Payment> => ({ ...id, balance, balanceSignature: await delegate.signTypedData(balanceProofTypedData(domain, id, balance)) });
    assert.equal((await acceptPayment(receiver, articles[0], await byDelegate(PRICE))).charged, true);
    await db.channel.update({ where: { id: row.id }, data: { delegate: toDbAddress(devAccount(13).address) } });
    await assert.rejects(acceptPayment(receiver, articles[1], await byDelegate(2n * PRICE)), InvalidBalanceProofError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("serves free, without a charge, an article its sender bought on another path since", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(6);
    // As an x402 purchase records it: no channel.
    await db.purchase.create({ data: { buyer: row.sender, articleId: articles[1].id, amount: toDbAmount(PRICE) } });
    const answer = await acceptPayment(receiver, articles[1], proofs[1]);
    assert.equal(answer.charged, false);
    assert.equal(answer.receipt.stored.balance, PRICE, "the receipt names the balance that stands");
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("accepts the next proof when the row moved under another writer and still allows it", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(7);
    const { version } = (await db.channel.findUnique({ where: { id: row.id } }))!;
    await db.channel.update({ where: { id: row.id }, data: { version: version + 1 } });
    assert.equal((await acceptPayment(receiver, articles[1], proofs[1])).charged, true);
    await assertStoredOnly(db, row.id, 2n * PRICE, 2);
    assert.equal((await db.channel.findUnique({ where: { id: row.id } }))!.version, version + 2);
  });

  it("serves a retry racing its original free, and charges the pair once", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(9);
    const answers = await Promise.all([acceptPayment(receiver, articles[1], proofs[1]), acceptPayment(receiver, articles[1], proofs[1])]);
    assert.deepEqual(answers.map((a) => a.charged).sort(), [false, true]);
    for (const answer of answers) assert.equal(answer.receipt.stored.balance, 2n * PRICE);
    await assertStoredOnly(db, row.id, 2n * PRICE, 2);
  });

  it("refuses, from the row, a proof that raises the remembered balance by more or less than the price", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(10);
    // proofs[2] is two prices above the stored balance; proofs[0] is the stored proof itself.
    await assert.rejects(acceptPayment(receiver, articles[1], proofs[2]), InvalidAmountError);
    await assert.rejects(acceptPayment(receiver, articles[1], proofs[0]), StaleBalanceProofError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("never lets another receiver on the same database pay through a channel this one remembers", async () => {
    const { db } = database();
    const { row, proofs } = await paidOnce(11);
    const other: Receiver = { ...receiver, config: { ...receiver.config, receiver: privateKeyToAccount(generatePrivateKey()) } };
    await assert.rejects(acceptPayment(other, articles[1], proofs[1]), ChannelNotFoundError);
    await assertStoredOnly(db, row.id, PRICE, 1);
  });

  it("charges each proof once across two instances, each remembering the channel as it last saw it", async () => {
    const { db, url } = database();
    const other = createDb(url);
    try {
      const second: Receiver = { ...receiver, db: other };
      const { row, proofs } = await paidOnce(8);
      // The other instance pays the next proof: this one's memory of the channel is now a step behind.
      assert.equal((await acceptPayment(second, articles[1], proofs[1])).charged, true);
      assert.equal((await acceptPayment(receiver, articles[2], proofs[2])).charged, true);
      // Both instances offered the same (already spent) proof again: neither charges it.
      for (const instance of [receiver, second]) await assert.rejects(acceptPayment(instance, articles[3], proofs[2]));
      await assertStoredOnly(db, row.id, 3n * PRICE, 3);
    } finally {
      await other.$disconnect();
    }
  });
});
