import "server-only";
import type { Hex } from "viem";
import { fromDbAmount, toDbAmount } from "../db/amount";
import type { Article, Channel } from "../db/Db";
import { toDbSignature } from "../db/hex";
import {
  ChannelClosedError,
  ChannelStateConflictError,
  InsufficientDepositError,
  InvalidAmountError,
  InvalidBalanceProofError,
  PaymentRequiredError,
  StaleBalanceProofError,
} from "../protocol/errors";
import type { Payment } from "../protocol/payment";
import type { Receipt } from "../protocol/receipt";
import type { StoredProof } from "../protocol/errors";
import { channelDelegate, channelId, findChannel, loadChannel } from "./channels";
import { commitAcceptance } from "./commitAcceptance";
import type { Receiver } from "./context";
import { recoverAddressFast } from "./recoverAddressFast";
import { assertWatcherCurrent } from "./watcher/watcherLag";
import { verifyBalanceProof } from "../protocol/verifyBalanceProof";

/** What the gate may serve after a proof was accepted: the purchase is durably stored first. */
export type Acceptance = { charged: boolean; receipt: Receipt };

const stored = (row: Channel): StoredProof => ({
  balance: fromDbAmount(row.balance),
  balanceSignature: (row.balanceSignature ?? undefined) as Hex | undefined,
});

/**
 * Applies DESIGN.md's receiver rules to a balance proof offered for `article`:
 * the signer is the channel's sender or delegate; the channel is ours, open and confirmed; the
 * balance is at most the deposit and raises the stored balance by exactly the price. Acceptance
 * and the purchase it buys are one transaction ({@link commitAcceptance}), committed before this resolves. A proof for an article this channel already
 * bought (a re-read, or a retry of an accepted proof) is answered without a charge.
 *
 * Of two concurrent proofs on one channel, one wins; the other gets a
 * {@link StaleBalanceProofError} carrying the stored balance and its proof, so the client can
 * check it and re-sign.
 */
export async function acceptPayment(
  receiver: Receiver,
  article: Article,
  payment: Payment,
  { mayCharge = true }: { mayCharge?: boolean } = {},
): Promise<Acceptance> {
  const id = { sender: payment.sender, receiver: payment.receiver, openBlock: payment.openBlock };
  const channel = await loadChannel(receiver, id);
  if (!isStoredProof(channel, payment)) {
    const domain = { chainId: receiver.config.chainId, verifyingContract: receiver.config.channelManager };
    const proof = await verifyBalanceProof(domain, id, payment.balance, payment.balanceSignature, channelDelegate(channel), recoverAddressFast);
    if (!proof.valid) throw new InvalidBalanceProofError({ channel: id, stored: stored(channel), signer: proof.signer });
  }

  const bought = await alreadyBought(receiver, channel, article);
  if (bought) return bought;
  if (!mayCharge) throw new PaymentRequiredError({ price: fromDbAmount(article.price) });
  assertPayable(channel);
  await assertWatcherCurrent(receiver);

  const price = fromDbAmount(article.price);
  const balance = fromDbAmount(channel.balance);
  if (payment.balance <= balance) {
    throw new StaleBalanceProofError({ channel: id, stored: stored(channel), price, offered: payment.balance });
  }
  if (payment.balance !== balance + price) {
    throw new InvalidAmountError({ channel: id, stored: stored(channel), price, offered: payment.balance });
  }
  // The confirmed deposit, as the watcher keeps it: a top-up counts once it is confirmed.
  const deposit = fromDbAmount(channel.deposit);
  if (payment.balance > deposit) {
    throw new InsufficientDepositError({ channel: id, stored: stored(channel), offered: payment.balance, deposit });
  }

  // Stored durably (its commit done) before the article is served; concurrent acceptances share a commit.
  const won = await commitAcceptance(receiver.db, {
    channelId: channel.id,
    version: channel.version,
    balance: toDbAmount(payment.balance),
    signature: toDbSignature(payment.balanceSignature),
    articleId: article.id,
    amount: article.price,
  });
  if (won) {
    return { charged: true, receipt: { cost: price, stored: { ...id, balance: payment.balance, balanceSignature: payment.balanceSignature } } };
  }

  // Another request on this channel committed first. If it was this very proof for this very
  // article (a retry racing its original), the article is paid: serve it. Otherwise the client
  // must re-sign on top of the balance that won.
  const now = (await findChannel(receiver, id))!;
  const retried = await alreadyBought(receiver, now, article);
  if (retried) return retried;
  assertPayable(now);
  throw new StaleBalanceProofError({ channel: id, stored: stored(now), price, offered: payment.balance });
}

/**
 * Refuses proofs on a channel that is closing or closed on chain (from the watcher's first sight
 * of the close, DESIGN.md), or whose sender asked for a closing signature.
 */
function assertPayable(channel: Channel): void {
  const id = channelId(channel);
  if (channel.status !== "open") throw new ChannelClosedError({ channel: id, status: channel.status });
  if (channel.closeIssuedAt) {
    throw new ChannelStateConflictError({
      channel: id,
      action: "pay through",
      status: "closing",
      hint: "its sender asked for a closing signature; open a new channel to keep reading",
    });
  }
}

/**
 * Whether `payment` is the channel's stored proof, byte for byte. That proof was verified when
 * it was stored (this module is the only writer of a channel's balance and signature, and writes
 * them together), against what a row cannot change: the domain and the channel's identity (the
 * row's key) and its delegate (fixed when the channel was opened). So it needs no second
 * signature recovery, the costliest step of a re-read (docs/benchmarks.md). A writer that ever
 * stores a signature it did not verify for the stored balance must drop this shortcut.
 */
function isStoredProof(row: Channel, payment: Payment): boolean {
  return row.balanceSignature !== null && row.balanceSignature === payment.balanceSignature.toLowerCase() && fromDbAmount(row.balance) === payment.balance;
}

/**
 * The free answer for an article this channel already bought, whatever balance the (verified)
 * proof offers: an article is bought at most once per channel (Purchase's unique key), so a newer
 * proof is not spent on it, and the stored balance stays as it is.
 */
async function alreadyBought(receiver: Receiver, channel: Channel, article: Article): Promise<Acceptance | null> {
  const purchase = await receiver.db.purchase.findUnique({
    where: { channelId_articleId: { channelId: channel.id, articleId: article.id } },
    select: { id: true },
  });
  if (!purchase) return null;
  return { charged: false, receipt: { cost: 0n, stored: { ...channelId(channel), ...stored(channel) } } };
}
