import type { Hash, Hex } from "viem";
import type { ChannelId } from "../protocol/typedData";
import type { ChannelChain } from "./chain/ChannelChain";
import type { ChannelRecord, ChannelStore } from "./channelStore";
import type { ChannelBook, Site } from "./createChannelBook";
import { ChannelUnavailableError, InvalidClosingSignatureError, SiteRequestError } from "./errors";
import { fetchServerChannel } from "./site/fetchServerChannels";
import { requestClosingSignature } from "./site/requestClosingSignature";
import type { FetchFunction } from "./site/siteRequest";
import { verifyClosingSignature } from "./verifyClosingSignature";

/** What a close did: the final balance paid to the receiver, and what came back to the sender. */
export type CloseResult = {
  channel: ChannelRecord;
  /** The final balance (everything the receiver gets). */
  balance: bigint;
  /** What the sender got back: deposit − balance. */
  refund: bigint;
  hash: Hash;
};

const idOf = (record: ChannelRecord): ChannelId => ({ sender: record.sender, receiver: record.receiver, openBlock: record.openBlock });

/**
 * Closes a channel with the receiver's cooperation, at once (no challenge period):
 *
 * 1. asks the site for its stored state of the channel (which also makes a receiver that never
 *    saw the channel register it), and verifies the stored proof against the chain;
 * 2. posts a signed `CloseRequest` for exactly that balance to
 *    `{gateway}/channels/{sender}/{openBlock}/close` (and signs a proof of 0 for the contract
 *    if nothing was paid);
 * 3. checks that the closing signature is the receiver's, for that balance;
 * 4. submits `cooperativeClose` and waits for it.
 *
 * A payment racing the close makes the site refuse the proof as stale; the close then starts
 * over once from the new stored state. Without the receiver, see `closeChannelUncooperatively`.
 *
 * @throws {InvalidClosingSignatureError} when the site's closing signature would not verify on chain.
 * @example
 * const { balance, refund } = await closeChannel({ chain, book, store, fetch }, site, record)
 */
export async function closeChannel(
  deps: { chain: ChannelChain; book: ChannelBook; store: ChannelStore; fetch: FetchFunction },
  site: Site,
  record: ChannelRecord,
): Promise<CloseResult> {
  const { chain, book, store } = deps;
  const domain = { chainId: record.chainId, verifyingContract: record.contract };
  const channel = idOf(record);
  for (let attempt = 0; ; attempt++) {
    const onChain = await chain.readChannel(record.contract, channel);
    if (onChain === null) {
      await store.put({ ...record, status: "settled" });
      throw new ChannelUnavailableError({ action: "close", reason: `the channel opened at block ${record.openBlock} is already closed`, hint: "nothing is left to close" });
    }
    const known = await fetchServerChannel(deps.fetch, site.origin, channel, { gatewayPath: site.gatewayPath });
    if (!known) {
      throw new ChannelUnavailableError({
        action: "close",
        reason: `${site.origin} does not know the channel opened at block ${record.openBlock}`,
        hint: "close it without the receiver (closeUncooperatively), then settle it after the challenge period",
      });
    }
    // Verified against the chain (sender or delegate, within the deposit) before it is relied on.
    record = await book.adopt(record, { sender: known.sender, openBlock: known.openBlock, balance: known.balance, balanceSignature: known.balanceSignature ?? undefined });
    let proof: { balance: bigint; balanceSignature: Hex };
    if (known.balance === 0n) {
      const signed = await book.sign(record, 0n);
      record = signed.record;
      proof = { balance: 0n, balanceSignature: signed.payment.balanceSignature };
    } else {
      proof = { balance: known.balance, balanceSignature: known.balanceSignature! };
    }

    let answer: { closingBalance: bigint; closingSignature: Hex };
    try {
      const signature = await book.signCloseRequest(record, proof.balance);
      answer = await requestClosingSignature(deps.fetch, site.origin, channel, { balance: proof.balance, signature }, { gatewayPath: site.gatewayPath });
    } catch (error) {
      if (error instanceof SiteRequestError && error.serverStatus === 402 && attempt === 0) continue;
      throw error;
    }
    if (answer.closingBalance !== proof.balance) {
      throw new InvalidClosingSignatureError({
        channel,
        balance: answer.closingBalance,
        reason: `it commits to ${answer.closingBalance}, not to the stored balance of ${proof.balance} that was asked for`,
      });
    }
    const check = await verifyClosingSignature(domain, channel, proof.balance, answer.closingSignature);
    if (!check.valid) {
      throw new InvalidClosingSignatureError({
        channel,
        balance: proof.balance,
        reason: check.signer ? `it was made by ${check.signer}, not by the receiver ${record.receiver}` : "it does not recover to any address",
      });
    }
    const { hash } = await chain.cooperativeClose({
      manager: record.contract,
      channel,
      balance: proof.balance,
      balanceSignature: proof.balanceSignature,
      closingSignature: answer.closingSignature,
    });
    const closed = await store.put({ ...record, balance: proof.balance, balanceSignature: proof.balanceSignature, status: "settled" });
    return { channel: closed, balance: proof.balance, refund: onChain.deposit - proof.balance, hash };
  }
}
