import "server-only";
import { isAddressEqual, type Address, type Hex } from "viem";
import { fromDbAmount, toDbAmount } from "../db/amount";
import type { Article } from "../db/Db";
import { toDbAddress, toDbSignature } from "../db/hex";
import {
  ChannelClosedError,
  ChannelNotFoundError,
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
import { commitAcceptance, type WriteOutcome } from "./commitAcceptance";
import type { Receiver } from "./context";
import { isAlreadyBought } from "./entitlements";
import { findPaymentChannel, type ChannelState } from "./paymentChannel";
import { signerRecovery } from "./signerRecovery";
import { assertWatcherCurrent } from "./watcher/watcherLag";
import { isChannelSigner, recoverSigner } from "../protocol/verifyBalanceProof";
import { balanceProofTypedData, type ChannelId } from "../protocol/typedData";
import { forgetChannel, knownChannel, rememberChannel } from "./knownChannels";

/**
 * What the gate may serve after a proof was accepted: the purchase is durably stored first.
 * `buyer` is the channel's sender, proven by the request (a fresh proof, or the caller's own
 * proof of the buyer): the gate hands it an access token.
 */
export type Acceptance = { charged: boolean; receipt: Receipt; buyer: Address };

const stored = (row: ChannelState): StoredProof => ({
  balance: fromDbAmount(row.balance),
  balanceSignature: (row.balanceSignature ?? undefined) as Hex | undefined,
});

/**
 * Applies DESIGN.md's receiver rules to a balance proof offered for `article`:
 * the signer is the channel's sender or delegate; the channel is ours, open and confirmed; the
 * balance is at most the deposit and raises the stored balance by exactly the price. Acceptance
 * and the purchase it buys are one transaction ({@link commitAcceptance}), committed before this
 * resolves.
 *
 * A sender who already bought the article (on any of its channels, open or closed: the
 * entitlement is the buyer's, lib/receiver/entitlements.ts) is answered without a charge, but
 * only when the request proves it comes from the sender: a balance proof that raises the stored
 * balance (never stored, so never published: only the sender or its delegate can have made it),
 * or `provenBuyer`, the address the caller established by other means (an access token, a
 * signed access request). The stored proof alone proves nothing: it is public (refusals, the
 * chain after a close), so it gets the stale-proof 402 like any proof that does not pay.
 *
 * Of two concurrent proofs on one channel, one wins; the other gets a
 * {@link StaleBalanceProofError} carrying the stored balance and its proof, so the client can
 * check it and re-sign. Of two concurrent purchases of one article by one sender on two
 * channels, one is charged; the other's write loses to the purchase (nothing of it is stored)
 * and it is answered as the buyer it proved to be.
 *
 * A reader's next proof on a channel this process paid through last is checked against the
 * state it remembers (lib/receiver/knownChannels.ts) rather than a fresh read: the write holds
 * only while the row still has what the proof was checked against, and anything but a charge is
 * decided on the row.
 */
export async function acceptPayment(
  receiver: Receiver,
  article: Article,
  payment: Payment,
  options: { mayCharge?: boolean; provenBuyer?: Address | undefined } = {},
): Promise<Acceptance> {
  const id = { sender: payment.sender, receiver: payment.receiver, openBlock: payment.openBlock };
  const price = fromDbAmount(article.price);
  const domain = { chainId: receiver.config.chainId, verifyingContract: receiver.config.channelManager };
  let recovered: Promise<Address | undefined> | undefined;
  // One recovery per request at most, whichever path needs it first.
  const signer = () => (recovered ??= recoverSigner({ ...balanceProofTypedData(domain, id, payment.balance), signature: payment.balanceSignature }, signerRecovery));

  // The common case, a reader's next proof on a channel this process saw last, checked against
  // what it saw: no read. Whatever else (a refusal, an article bought, a state that moved) is
  // decided on a fresh read.
  const known = options.mayCharge === false ? undefined : knownChannel(receiver, id);
  if (known && paysNext(known, payment.balance, price)) {
    const by = await signer();
    if (by && isChannelSigner(id, channelDelegate(known), by)) {
      await assertWatcherCurrent(receiver);
      const outcome = await commit(receiver, known, article, payment, by);
      if (outcome !== "lost") return settled(outcome, id, payment, price);
    }
    forgetChannel(receiver, id);
  }
  return acceptOnRow(receiver, article, payment, options, signer);
}

/** {@link acceptPayment}'s rules on a fresh read of the channel's row; `lostOnce` after a write that lost. */
async function acceptOnRow(
  receiver: Receiver,
  article: Article,
  payment: Payment,
  { mayCharge = true, provenBuyer }: { mayCharge?: boolean; provenBuyer?: Address | undefined },
  signer: () => Promise<Address | undefined>,
  lostOnce = false,
): Promise<Acceptance> {
  const id = { sender: payment.sender, receiver: payment.receiver, openBlock: payment.openBlock };
  const price = fromDbAmount(article.price);
  const channel = await loadChannel(receiver, id, (r, channelId) => findPaymentChannel(r, channelId, article.id));
  rememberChannel(receiver, channel);
  const storedProof = isStoredProof(channel, payment);
  const by = storedProof ? undefined : await signer();
  // No stored proof in this refusal: whoever sent a signature that is not the sender's has
  // shown nothing that entitles it to the channel's state (DESIGN.md: history is private).
  if (!storedProof && !(by && isChannelSigner(id, channelDelegate(channel), by))) throw new InvalidBalanceProofError({ channel: id, signer: by });
  const balance = fromDbAmount(channel.balance);
  const sender = channelId(channel).sender;
  const proven = (!storedProof && payment.balance > balance) || (provenBuyer !== undefined && isAddressEqual(provenBuyer, sender));

  if (proven && channel.senderBought) return free(channel);
  if (!mayCharge) throw new PaymentRequiredError({ price });
  assertPayable(channel);
  await assertWatcherCurrent(receiver);

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

  const outcome = await commit(receiver, channel, article, payment, by!);
  if (outcome !== "lost") return settled(outcome, id, payment, price);
  forgetChannel(receiver, id);
  // The row changed since this read: another request on the channel committed first, the sender
  // bought the article meanwhile (a retry racing its original, a second tab), the watcher wrote.
  // This proof raised the balance read, so it is the sender's: decided once more, on the row as
  // it is now, as the sender's (served free if it owns the article by now, else the reason).
  if (!lostOnce) return acceptOnRow(receiver, article, payment, { mayCharge, provenBuyer: sender }, signer, true);
  const now = await findChannel(receiver, id);
  if (!now) throw new ChannelNotFoundError({ channel: id, at: "gate" });
  throw new StaleBalanceProofError({ channel: id, stored: stored(now), price, offered: payment.balance });
}

/**
 * Whether `balance` is the next proof on `channel` as it stands: on top of the stored balance by
 * exactly the price, within the confirmed deposit, on a confirmed channel that is open and not
 * closing. The checks below, all at once, for the path that charges.
 */
function paysNext(channel: ChannelState, balance: bigint, price: bigint): boolean {
  return (
    channel.confirmed &&
    channel.status === "open" &&
    !channel.closeIssuedAt &&
    balance === fromDbAmount(channel.balance) + price &&
    balance <= fromDbAmount(channel.deposit)
  );
}

/**
 * Stores the accepted proof on `channel` (as read or remembered) and its purchase, durably (its
 * commit done) before the article is served; concurrent acceptances share a commit. When it won
 * its guard (lib/receiver/commitAcceptance.ts), the channel is remembered as written.
 */
async function commit(receiver: Receiver, channel: ChannelState, article: Article, payment: Payment, signer: Address): Promise<WriteOutcome> {
  const balance = toDbAmount(payment.balance);
  const signature = toDbSignature(payment.balanceSignature);
  let outcome: WriteOutcome;
  try {
    outcome = await commitAcceptance(receiver.db, {
      channelId: channel.id,
      version: channel.version,
      buyer: channel.sender,
      signer: toDbAddress(signer),
      previous: channel.balance,
      balance,
      signature,
      articleId: article.id,
      amount: article.price,
    });
  } catch (error) {
    // Purchase's (buyer, article) key, twice over: other instances kept storing the sender's
    // purchase of the article while this write was under way; nothing of it was stored.
    if (!isAlreadyBought(error)) throw error;
    outcome = "lost";
  }
  if (outcome === "won") rememberChannel(receiver, { ...channel, balance, balanceSignature: signature, version: channel.version + 1 });
  return outcome;
}

/** The answer to a write that won (charged), or that was the twin of one that won (the same proof for the same article: bought, free). */
function settled(outcome: Exclude<WriteOutcome, "lost">, id: ChannelId, payment: Payment, price: bigint): Acceptance {
  const proof = { ...id, balance: payment.balance, balanceSignature: payment.balanceSignature };
  return { charged: outcome === "won", buyer: id.sender, receipt: { cost: outcome === "won" ? price : 0n, stored: proof } };
}

/** The free answer for an article the (proven) sender already bought; the stored balance stays. */
function free(channel: ChannelState): Acceptance {
  const id = channelId(channel);
  return { charged: false, buyer: id.sender, receipt: { cost: 0n, stored: { ...id, ...stored(channel) } } };
}

/**
 * Refuses proofs on a channel that is closing or closed on chain (from the watcher's first sight
 * of the close, DESIGN.md), or whose sender asked for a closing signature.
 */
function assertPayable(channel: ChannelState): void {
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
function isStoredProof(row: ChannelState, payment: Payment): boolean {
  return row.balanceSignature !== null && row.balanceSignature === payment.balanceSignature.toLowerCase() && fromDbAmount(row.balance) === payment.balance;
}
