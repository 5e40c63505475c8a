/**
 * A program that pays for articles the way docs/protocol.md tells clients to: sign the balance it
 * knows plus the price; on a 402 that carries the server's stored proof, check that proof,
 * adopt its balance and sign on top; on a lost connection (unknown outcome), send the very same
 * proof again. Several of them may share one channel, each with its own view of the balance.
 */
import assert from "node:assert/strict";
import { isAddressEqual, recoverTypedDataAddress } from "viem";
import type { ChannelState } from "../../lib/protocol/channelState";
import { decodePaymentRequest } from "../../lib/protocol/paymentRequest";
import { decodeReceiptHeaders } from "../../lib/protocol/receipt";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import type { TestChain } from "./localSite";
import { accessTokenOf, domainOf, type TestChannel } from "./reader";

/** What one client believes the channel's stored balance is; only the server's answers move it. */
export type Book = { balance: bigint };

export type Bought = {
  slug: string;
  /** What the 200 said this request was charged (0 when an earlier, unanswered try had paid). */
  cost: bigint;
  body: string;
  /** The access token the 200 handed out: what re-reads the article (the stored proof does not). */
  accessToken: string;
  /** Requests sent, and how many of them ended without an answer. */
  attempts: number;
  connectionErrors: number;
};

/**
 * Buys `article` on `channel`, recovering from stale balances and lost connections until it
 * gets the article or `timeoutMs` passes. Any answer outside the protocol fails the test.
 */
export async function buy(
  chain: TestChain,
  site: { url: string },
  channel: TestChannel,
  article: { slug: string; price: bigint },
  book: Book,
  {
    timeoutMs = 60_000,
    inFlight = { count: 0 },
  }: {
    timeoutMs?: number;
    /** Counts this client's requests between sending and the end of their answer. */
    inFlight?: { count: number };
  } = {},
): Promise<Bought> {
  const deadline = Date.now() + timeoutMs;
  let payment = await channel.sign(book.balance + article.price);
  let attempts = 0;
  let connectionErrors = 0;
  const adopt = async (stored: ChannelState) => {
    await assertServersProof(chain, channel, stored);
    assert.ok(stored.balance >= book.balance, `the server went back from ${book.balance} to ${stored.balance}`);
    book.balance = stored.balance;
  };

  for (;;) {
    assert.ok(Date.now() < deadline, `no answer for ${article.slug} within ${timeoutMs} ms (${attempts} attempts)`);
    attempts++;
    let response: Response;
    let text: string;
    inFlight.count++;
    try {
      response = await fetch(`${site.url}/articles/${article.slug}`, { headers: channel.headers(payment), signal: AbortSignal.timeout(10_000) });
      text = await response.text();
    } catch {
      // No answer: the proof may or may not have been stored. Only the same proof is safe to
      // send again (charged at most once); poll until the server answers.
      connectionErrors++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    } finally {
      inFlight.count--;
    }
    if (response.status === 200) {
      const receipt = decodeReceiptHeaders(response.headers);
      assert.ok(receipt, `a 200 for ${article.slug} without a receipt`);
      await adopt(receipt.stored);
      assert.ok(receipt.cost === 0n || receipt.cost === article.price, `charged ${receipt.cost} for ${article.slug}`);
      return { slug: article.slug, cost: receipt.cost, body: (JSON.parse(text) as { body: string }).body, accessToken: accessTokenOf(response), attempts, connectionErrors };
    }
    if (response.status === 402) {
      const { reason, stored } = decodePaymentRequest(response.headers);
      assert.ok(
        (reason === "invalid-balance-proof" || reason === "invalid-amount") && stored,
        `402 ${reason} for ${article.slug} without a stored proof to re-sign on: ${text}`,
      );
      await adopt(stored);
      payment = await channel.sign(book.balance + article.price);
      continue;
    }
    if (response.status === 503) continue; // nothing was charged: try the same proof again
    assert.fail(`unexpected ${response.status} for ${article.slug}: ${text.slice(0, 400)}`);
  }
}

/** A client never adopts a balance without the sender's signature over it. */
async function assertServersProof(chain: TestChain, channel: TestChannel, stored: ChannelState) {
  assert.ok(isAddressEqual(stored.sender, channel.sender) && stored.openBlock === channel.openBlock, "the server named another channel");
  if (stored.balance === 0n) return;
  assert.ok(stored.balanceSignature, `a stored balance of ${stored.balance} without its proof`);
  const signer = await recoverTypedDataAddress({
    ...balanceProofTypedData(domainOf(chain), channel, stored.balance),
    signature: stored.balanceSignature,
  });
  assert.ok(isAddressEqual(signer, channel.sender), `the server's proof of ${stored.balance} was signed by ${signer}`);
}
