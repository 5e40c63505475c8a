import "server-only";
import type { SettleResponse } from "@x402/core/types";
import type { Address } from "viem";
import { toDbAmount } from "../../db/amount";
import type { Article, DbTransaction, X402Payment as X402PaymentRow } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import { isUniqueViolation } from "../../db/isUniqueViolation";
import { PaymentRequiredError, ServiceUnavailableError, X402AuthorizationUsedError, X402PaymentInvalidError, X402PaymentPendingError } from "../../protocol/errors";
import { assertAcceptedOffer, type X402Payment } from "../../protocol/x402";
import type { PaymentRequirements } from "@x402/core/types";
import type { Receiver } from "../context";
import { hasBought } from "../entitlements";
import { assertWatcherCurrent } from "../watcher/watcherLag";
import { createFacilitator } from "./createFacilitator";

/** What the gate may serve for an x402 payment: the buyer it proved, and the settlement it paid with (none for a re-read). */
export type X402Acceptance = { charged: boolean; buyer: Address; settlement?: SettleResponse | undefined };

/** The X402Payment key of a nonce: one row per authorization, ever. */
const AUTHORIZATION_KEY = "X402Payment_chainId_token_payer_nonce_key";
/** While a payment of this buyer for this article settles or has settled, no other is taken. */
const CLAIM_KEY = "X402Payment_claim_key";
const claimOf = (payer: Address, articleId: number) => `${toDbAddress(payer)}:${articleId}`;

/**
 * Takes an x402 `exact` payment for `article` (docs/x402.md):
 *
 * 1. The offer it accepted must be this article's (`offer`), and x402's facilitator must find the
 *    authorization valid: the payer's signature over this token's domain and chain, the receiver
 *    as payee, the price as value, now inside its validity window, and a simulated transfer that
 *    succeeds. A failure is a 402 with x402's reason; nothing is stored.
 * 2. A buyer who already bought the article (through a channel or x402) has just proven who it
 *    is with a fresh signature: it reads for free, and the authorization is not submitted.
 * 3. Otherwise the authorization is claimed in the database, once ever (its nonce) and as the one
 *    payment of this buyer for this article under way (the claim): a replay, or the same
 *    authorization sent twice at once, gets a 409 for all but the first; a second authorization
 *    while the first settles also gets a 409 (Retry-After), never a second charge.
 * 4. The facilitator settles it through the receiver's transaction sender and returns once the
 *    transfer is CONFIRMATIONS deep; the purchase is recorded, and only then is the article served.
 *
 * Only GET may charge (`mayCharge`); anything else is answered as if the payment bought nothing.
 */
export async function acceptX402Payment(
  receiver: Receiver,
  article: Article,
  payment: X402Payment,
  offer: PaymentRequirements,
  { mayCharge = true }: { mayCharge?: boolean } = {},
): Promise<X402Acceptance> {
  const { db, config } = receiver;
  assertAcceptedOffer(payment, offer);
  const buyer = payment.authorization.from;
  const key = { chainId: config.chainId, token: toDbAddress(config.token), payer: toDbAddress(buyer), nonce: payment.authorization.nonce };

  await settleX402Payments(receiver, { claim: claimOf(buyer, article.id) });
  if (await db.x402Payment.findUnique({ where: { chainId_token_payer_nonce: key }, select: { id: true } })) throw new X402AuthorizationUsedError();

  const verified = await createFacilitator(receiver).verify(payment.payload, offer);
  if (!verified.isValid) throw new X402PaymentInvalidError({ reason: verified.invalidReason ?? "invalid_payment", detail: verified.invalidMessage });

  if (await hasBought(db, buyer, article.id)) return { charged: false, buyer };
  if (!mayCharge) throw new PaymentRequiredError({ price: BigInt(offer.amount) });
  // The transaction sender runs in the watcher's leader: a watcher that is not current means
  // nobody may be there to submit the transfer, and the buyer would wait for nothing.
  await assertWatcherCurrent(receiver);

  let row: X402PaymentRow;
  try {
    row = await db.x402Payment.create({
      data: {
        ...key,
        articleId: article.id,
        amount: toDbAmount(payment.authorization.value),
        validBefore: payment.authorization.validBefore,
        signature: payment.signature,
        claim: claimOf(buyer, article.id),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error, AUTHORIZATION_KEY)) throw new X402AuthorizationUsedError();
    if (isUniqueViolation(error, CLAIM_KEY)) {
      // The other payment may have settled since the check above: then this buyer owns it.
      if (await hasBought(db, buyer, article.id)) return { charged: false, buyer };
      throw new X402PaymentPendingError({ retryAfterSeconds: 2 });
    }
    throw error;
  }

  const claimed = { id: row.id, payer: key.payer, nonce: key.nonce, validBefore: row.validBefore };
  const settlement = await createFacilitator(receiver, claimed).settle(payment.payload, offer);
  const outcome = await settleX402Payments(receiver, { id: row.id });
  if (settlement.success && outcome === "settled") return { charged: true, buyer, settlement };
  if (outcome === "failed") {
    throw new X402PaymentInvalidError({ reason: settlement.errorReason ?? "transaction_failed", detail: settlement.errorMessage ?? "the transfer did not go through" });
  }
  // Still on its way (the chain is slow): the buyer is charged once it confirms, and then reads
  // for free with a fresh authorization. Until then a new one gets the pending 409.
  throw new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: 5 });
}

/**
 * Brings x402 payments that are settling up to date with their transfers, from the database
 * alone: a transfer that is confirmed records the purchase (and the payment is settled, in one
 * database transaction); one that failed, or an authorization that expired with nothing sent,
 * frees the claim so that the buyer may pay again. Runs before every new payment of the same buyer
 * and article, so that a payment whose request ended (a timeout, a restart) is never lost.
 * Returns the state of the (last) payment it looked at.
 */
export async function settleX402Payments(receiver: Receiver, where: { id: number } | { claim: string }): Promise<X402PaymentRow["status"] | undefined> {
  const { db } = receiver;
  const rows = await db.x402Payment.findMany({ where: { ...where, status: "settling" }, include: { transaction: { select: { status: true } } } });
  let last: X402PaymentRow["status"] | undefined;
  for (const row of rows) {
    const tx = row.transaction;
    const expired = BigInt(Math.floor(Date.now() / 1000)) >= row.validBefore;
    if (tx?.status === "confirmed") last = await db.$transaction((t) => recordPurchase(t, row));
    else if (tx?.status === "failed" || (!tx && expired)) {
      await db.x402Payment.updateMany({ where: { id: row.id, status: "settling" }, data: { status: "failed", claim: null } });
      last = "failed";
    } else last = "settling";
  }
  if (rows.length === 0 && "id" in where) last = (await db.x402Payment.findUnique({ where, select: { status: true } }))?.status;
  return last;
}

async function recordPurchase(t: DbTransaction, row: X402PaymentRow): Promise<"settled"> {
  const { count } = await t.x402Payment.updateMany({ where: { id: row.id, status: "settling" }, data: { status: "settled" } });
  // Another request recorded it first.
  if (count === 0) return "settled";
  // A channel payment of the same buyer for the same article can have won while the transfer was
  // on its way (the two paths claim separately): the buyer owns the article either way, and the
  // transfer stays recorded here (docs/x402.md, "Paying twice").
  await t.purchase.upsert({
    where: { buyer_articleId: { buyer: row.payer, articleId: row.articleId } },
    create: { buyer: row.payer, channelId: null, articleId: row.articleId, amount: row.amount },
    update: {},
  });
  return "settled";
}
