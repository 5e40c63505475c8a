/**
 * The receiver's books as the database holds them, read directly (not through the site), for
 * the suites' two kinds of assertion: "nothing was stored" after a refusal, and "the books
 * balance" after paying (every channel's balance is the sum of its purchases, and its stored
 * proof is one the contract would honour).
 */
import assert from "node:assert/strict";
import { getAddress, isAddressEqual, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { fromDbAmount } from "../../lib/db/amount";
import type { Channel, Db } from "../../lib/db/Db";
import { balanceProofTypedData, type ChannelId } from "../../lib/protocol/typedData";

type Domain = { chainId: number; verifyingContract: Address };

/** The row of `channel`, or null when the receiver never stored it. */
export function channelRow(db: Db, channel: ChannelId): Promise<Channel | null> {
  return db.channel.findFirst({
    where: { sender: channel.sender.toLowerCase(), receiver: channel.receiver.toLowerCase(), openBlock: channel.openBlock },
  });
}

/** The stored balance of `channel` (0 when the receiver never stored it). */
export async function storedBalance(db: Db, channel: ChannelId): Promise<bigint> {
  const row = await channelRow(db, channel);
  return row ? fromDbAmount(row.balance) : 0n;
}

/** The purchases on `channel`: which article, the amount charged, the balance that paid it. */
export async function purchasesOf(db: Db, channel: ChannelId) {
  const row = await channelRow(db, channel);
  if (!row) return [];
  const purchases = await db.purchase.findMany({ where: { channelId: row.id }, include: { article: { select: { slug: true } } } });
  return purchases
    // A channel's purchases always carry the proof that paid them (only an x402 one has none).
    .map((p) => ({ slug: p.article.slug, amount: fromDbAmount(p.amount), balance: fromDbAmount(p.balance!), signature: p.signature as Hex }))
    .sort((a, b) => (a.balance < b.balance ? -1 : a.balance > b.balance ? 1 : 0));
}

/** Everything a payment could change: purchases, closing signatures, each channel's proof. */
export type Books = {
  purchases: number;
  closingSignatures: number;
  channels: Map<number, { balance: string; balanceSignature: string | null; status: string }>;
};

export async function readBooks(db: Db): Promise<Books> {
  const channels = await db.channel.findMany({ select: { id: true, balance: true, balanceSignature: true, status: true } });
  return {
    purchases: await db.purchase.count(),
    closingSignatures: await db.closingSignature.count(),
    channels: new Map(channels.map(({ id, ...rest }) => [id, rest])),
  };
}

/**
 * Asserts that nothing was bought or signed between `before` and now: no purchase, no closing
 * signature, every channel's balance, proof and status as they were. A channel the receiver saw
 * for the first time may have been stored, but with nothing paid on it.
 */
export async function assertNothingStored(db: Db, before: Books): Promise<void> {
  const after = await readBooks(db);
  assert.equal(after.purchases, before.purchases, "a purchase was stored");
  assert.equal(after.closingSignatures, before.closingSignatures, "a closing signature was stored");
  for (const [id, channel] of after.channels) {
    const was = before.channels.get(id) ?? { balance: "0".repeat(39), balanceSignature: null, status: "open" };
    assert.deepEqual(channel, was, `channel ${id} changed`);
  }
}

/**
 * Asserts that the books balance on every channel: its purchases, in order of the balance that
 * paid them, raise the balance by their amounts one after the other up to the stored balance;
 * every purchase's proof and the stored proof were signed by the sender (or its delegate) for
 * exactly that balance; and there is at most one purchase per article (the schema's key).
 */
export async function assertBooksBalance(db: Db, domain: Domain): Promise<void> {
  const channels = await db.channel.findMany();
  for (const row of channels) {
    const id: ChannelId = { sender: getAddress(row.sender), receiver: getAddress(row.receiver), openBlock: row.openBlock };
    const signers = [id.sender, ...(row.delegate ? [getAddress(row.delegate)] : [])];
    const purchases = await purchasesOf(db, id);
    let running = 0n;
    for (const purchase of purchases) {
      running += purchase.amount;
      assert.equal(purchase.balance, running, `channel ${row.id}: purchase of ${purchase.slug} does not follow the one before it`);
      await assertSignedBy(domain, id, purchase.balance, purchase.signature, signers);
    }
    assert.equal(fromDbAmount(row.balance), running, `channel ${row.id}: balance is not the sum of its purchases`);
    assert.equal(new Set(purchases.map((p) => p.slug)).size, purchases.length, `channel ${row.id}: an article was bought twice`);
    if (running > 0n) await assertSignedBy(domain, id, running, row.balanceSignature as Hex, signers);
    else assert.equal(row.balanceSignature, null);
  }
}

async function assertSignedBy(domain: Domain, id: ChannelId, balance: bigint, signature: Hex, signers: Address[]) {
  const signer = await recoverTypedDataAddress({ ...balanceProofTypedData(domain, id, balance), signature });
  assert.ok(
    signers.some((s) => isAddressEqual(s, signer)),
    `the proof of ${balance} on channel ${id.sender}/${id.openBlock} was signed by ${signer}`,
  );
}
