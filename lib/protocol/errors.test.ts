import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import {
  ArticleNotFoundError,
  AuthenticationError,
  ChannelClosedError,
  ChannelNotFoundError,
  ChannelStateConflictError,
  ForbiddenError,
  InsufficientConfirmationsError,
  InsufficientDepositError,
  InvalidAmountError,
  InvalidBalanceProofError,
  MalformedAmountError,
  MalformedPaymentError,
  MalformedPaymentResponseError,
  PaymentRequiredError,
  ServiceUnavailableError,
  StaleBalanceProofError,
  TollgateError,
  X402AuthorizationUsedError,
  RequestTooLargeError,
  MethodNotAllowedError,
  X402PaymentInvalidError,
  X402PaymentPendingError,
  isTollgateError,
  toProblem,
} from "./errors";
import type { ChannelId } from "./typedData";

const sender = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const receiver = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Address;
const channel: ChannelId = { sender, receiver, openBlock: 7n };
const balanceSignature = `0x${"ab".repeat(65)}` as Hex;
const channelJson = { sender, receiver, openBlock: "7" };

describe("toProblem", () => {
  it("renders an unknown error as a bare 500 that reveals nothing", () => {
    for (const thrown of [new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"), "boom", undefined, null, { status: 402 }]) {
      assert.deepEqual(toProblem(thrown), { type: "about:blank", title: "Internal Server Error", status: 500 });
    }
  });

  it("never renders a cause", () => {
    const error = new ServiceUnavailableError({ dependency: "database", cause: new Error("password=hunter2") });
    assert.doesNotMatch(JSON.stringify(toProblem(error)), /hunter2/);
    assert.equal((error.cause as Error).message, "password=hunter2");
  });

  it("keeps type, title, status and detail even if an extension used those names", () => {
    const problem = toProblem(new ArticleNotFoundError({ slug: "x" }));
    assert.equal(problem.type, "urn:tollgate:problem:article-not-found");
    assert.equal(problem.status, 404);
  });
});

/** Every error class: its status, problem body and headers, in one table. */
const catalogue: { error: TollgateError; status: number; rdn?: string; problem: Record<string, unknown>; headers?: Record<string, string> }[] = [
  {
    error: new MalformedPaymentError({ field: "RDN-Balance header", reason: "must be a decimal integer", value: "-5" }),
    status: 400,
    problem: {
      type: "urn:tollgate:problem:malformed-payment",
      title: "Malformed payment",
      detail: 'The RDN-Balance header must be a decimal integer (got "-5"). Fix it and send the request again.',
      field: "RDN-Balance header",
    },
  },
  {
    error: new MalformedAmountError({ input: "1.234", reason: "has more than 2 decimal places, which is all this token has" }),
    status: 400,
    problem: {
      type: "urn:tollgate:problem:malformed-amount",
      title: "Malformed amount",
      detail: 'The amount "1.234" has more than 2 decimal places, which is all this token has.',
    },
  },
  {
    error: new PaymentRequiredError({ price: 10n }),
    status: 402,
    problem: {
      type: "urn:tollgate:problem:payment-required",
      title: "Payment required",
      detail:
        "This article costs 10 token base units: open a channel to the receiver in RDN-Receiver-Address (or use your open one) and send a balance proof that raises its balance by 10.",
      price: "10",
    },
  },
  {
    // A signature that is not the sender's shows nothing of the channel's stored proof.
    error: new InvalidBalanceProofError({ channel, signer: receiver }),
    status: 402,
    rdn: "RDN-Invalid-Balance-Proof",
    problem: {
      type: "urn:tollgate:problem:invalid-balance-proof",
      title: "Invalid balance proof",
      detail: `The balance signature was made by ${receiver}, which is neither the sender ${sender} nor the channel's delegate: sign the BalanceProof typed data for the channel from ${sender} to ${receiver} opened at block 7, with the domain's chain id and contract from RDN-Chain-Id and RDN-Contract-Address, using the sender's wallet or the channel's session key.`,
      channel: channelJson,
      signer: receiver,
    },
    headers: {
      "RDN-Invalid-Balance-Proof": "1",
    },
  },
  {
    error: new InvalidAmountError({ channel, price: 10n, offered: 35n, stored: { balance: 30n, balanceSignature } }),
    status: 402,
    rdn: "RDN-Invalid-Amount",
    problem: {
      type: "urn:tollgate:problem:invalid-amount",
      title: "Invalid amount",
      detail: "The balance proof raises the balance by 5 but the article costs 10: sign a balance of 40 (the stored 30 plus the price).",
      channel: channelJson,
      stored: { sender, openBlock: "7", balance: "30", balanceSignature },
      price: "10",
      offered: "35",
      expected: "40",
    },
    headers: {
      "RDN-Invalid-Amount": "1",
      "RDN-Sender-Address": sender,
      "RDN-Open-Block": "7",
      "RDN-Sender-Balance": "30",
      "RDN-Balance-Signature": balanceSignature,
    },
  },
  {
    error: new StaleBalanceProofError({ channel, price: 10n, offered: 30n, stored: { balance: 30n, balanceSignature } }),
    status: 402,
    rdn: "RDN-Invalid-Balance-Proof",
    problem: {
      type: "urn:tollgate:problem:stale-balance-proof",
      title: "Stale balance proof",
      detail:
        "The balance proof signs a balance of 30, but the stored balance of this channel is already 30 (another request may have spent it first): check the server's proof in RDN-Sender-Balance and RDN-Balance-Signature, then sign a balance of 40, the stored balance plus the price of 10.",
      channel: channelJson,
      stored: { sender, openBlock: "7", balance: "30", balanceSignature },
      price: "10",
      offered: "30",
      expected: "40",
    },
    headers: {
      "RDN-Invalid-Balance-Proof": "1",
      "RDN-Sender-Address": sender,
      "RDN-Open-Block": "7",
      "RDN-Sender-Balance": "30",
      "RDN-Balance-Signature": balanceSignature,
    },
  },
  {
    error: new InsufficientDepositError({ channel, offered: 110n, deposit: 100n, stored: { balance: 100n, balanceSignature } }),
    status: 402,
    rdn: "RDN-Invalid-Balance-Proof",
    problem: {
      type: "urn:tollgate:problem:insufficient-deposit",
      title: "Insufficient deposit",
      detail: "The balance proof signs a balance of 110 but the channel's deposit is only 100: top up the channel by at least 10, or close it and open a new one.",
      channel: channelJson,
      stored: { sender, openBlock: "7", balance: "100", balanceSignature },
      offered: "110",
      deposit: "100",
    },
    headers: {
      "RDN-Invalid-Balance-Proof": "1",
      "RDN-Sender-Address": sender,
      "RDN-Open-Block": "7",
      "RDN-Sender-Balance": "100",
      "RDN-Balance-Signature": balanceSignature,
    },
  },
  {
    error: new ChannelNotFoundError({ channel, at: "gate" }),
    status: 402,
    rdn: "RDN-Nonexisting-Channel",
    problem: {
      type: "urn:tollgate:problem:channel-not-found",
      title: "Channel not found",
      detail: `There is no open channel from ${sender} to ${receiver} opened at block 7 (it may never have been opened, or have been closed): check RDN-Open-Block and RDN-Receiver-Address, or open a new channel and sign a proof for it.`,
      channel: channelJson,
    },
  },
  {
    error: new ChannelNotFoundError({ channel, at: "api" }),
    status: 404,
    rdn: "RDN-Nonexisting-Channel",
    problem: { type: "urn:tollgate:problem:channel-not-found", title: "Channel not found", channel: channelJson },
  },
  {
    error: new InsufficientConfirmationsError({ channel, confirmations: 2, required: 5 }),
    status: 402,
    rdn: "RDN-Insufficient-Confirmations",
    problem: {
      type: "urn:tollgate:problem:insufficient-confirmations",
      title: "Insufficient confirmations",
      detail: `The channel from ${sender} to ${receiver} opened at block 7 has 2 of the 5 confirmations this server requires: send the same proof again after 3 more blocks.`,
      channel: channelJson,
      confirmations: 2,
      required: 5,
    },
  },
  {
    error: new ChannelClosedError({ channel, status: "closing" }),
    status: 402,
    rdn: "RDN-Nonexisting-Channel",
    problem: {
      type: "urn:tollgate:problem:channel-closed",
      title: "Channel closed",
      detail: `The channel from ${sender} to ${receiver} opened at block 7 is closing (its challenge period runs) and takes no more balance proofs: open a new channel and sign a proof for it.`,
      channel: channelJson,
      channelStatus: "closing",
    },
  },
  {
    error: new AuthenticationError({ reason: "the sign-in nonce is unknown, expired or already used" }),
    status: 401,
    problem: {
      type: "urn:tollgate:problem:unauthenticated",
      title: "Authentication required",
      detail: "Not signed in: the sign-in nonce is unknown, expired or already used. Sign in with your wallet and try again.",
    },
  },
  {
    error: new ForbiddenError({ reason: "0x1 is not one of this site's publishers" }),
    status: 403,
    problem: { type: "urn:tollgate:problem:forbidden", title: "Forbidden", detail: "Not allowed: 0x1 is not one of this site's publishers." },
  },
  {
    error: new ArticleNotFoundError({ slug: "no-such-article" }),
    status: 404,
    problem: {
      type: "urn:tollgate:problem:article-not-found",
      title: "Article not found",
      detail: 'There is no article "no-such-article": check the link.',
      slug: "no-such-article",
    },
  },
  {
    error: new ChannelStateConflictError({ channel, action: "close", status: "closing", hint: "wait for the challenge period to end, then settle it" }),
    status: 409,
    problem: {
      type: "urn:tollgate:problem:channel-state-conflict",
      title: "Channel state conflict",
      detail: `Cannot close the channel from ${sender} to ${receiver} opened at block 7: it is closing; wait for the challenge period to end, then settle it.`,
      channel: channelJson,
      channelStatus: "closing",
    },
  },
  {
    error: new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: 5 }),
    status: 503,
    problem: {
      type: "urn:tollgate:problem:service-unavailable",
      title: "Service unavailable",
      detail: "The blockchain node is unreachable right now, so no payment can be checked: retry in 5 seconds. Nothing was charged.",
      dependency: "chain",
      retryAfter: 5,
    },
    headers: { "Retry-After": "5" },
  },
  {
    error: new MalformedPaymentResponseError({ field: "RDN-Price header", reason: "is missing" }),
    status: 502,
    problem: {
      type: "urn:tollgate:problem:malformed-payment-response",
      title: "Malformed payment response",
      detail: "The server's payment response is unusable: its RDN-Price header is missing. Report this to the site's operator.",
      field: "RDN-Price header",
    },
  },
  {
    error: new X402PaymentInvalidError({ reason: "amount_mismatch", detail: "it accepted amount 1, but this article is offered at 10" }),
    status: 402,
    problem: {
      type: "urn:tollgate:problem:x402-payment-invalid",
      title: "x402 payment refused",
      detail: "The x402 payment was refused (amount_mismatch): it accepted amount 1, but this article is offered at 10. Nothing was charged: sign a new authorization for the offer in PAYMENT-REQUIRED.",
      x402Reason: "amount_mismatch",
    },
  },
  {
    error: new MethodNotAllowedError({ method: "DELETE", allow: ["GET", "HEAD"] }),
    status: 405,
    problem: { type: "urn:tollgate:problem:method-not-allowed", title: "Method not allowed", detail: 'This page does not answer "DELETE" requests: use GET, HEAD.' },
    headers: { Allow: "GET, HEAD" },
  },
  {
    error: new RequestTooLargeError({ limitBytes: 1024 }),
    status: 413,
    problem: { type: "urn:tollgate:problem:request-too-large", title: "Request too large", detail: "The request's body is over the 1024-byte limit: send less.", limitBytes: 1024 },
  },
  {
    error: new X402AuthorizationUsedError(),
    status: 409,
    problem: { type: "urn:tollgate:problem:x402-authorization-used", title: "x402 authorization already used" },
  },
  {
    error: new X402PaymentPendingError({ retryAfterSeconds: 2 }),
    status: 409,
    problem: { type: "urn:tollgate:problem:x402-payment-pending", title: "x402 payment under way", retryAfter: 2 },
    headers: { "Retry-After": "2" },
  },
];

describe("the error catalogue", () => {
  for (const { error, status, rdn, problem, headers } of catalogue) {
    it(`${error.name} (${status}) renders its problem, headers and RDN header`, () => {
      assert.ok(error instanceof TollgateError);
      assert.ok(isTollgateError(error));
      assert.equal(error.status, status);
      assert.equal(error.rdnHeader, rdn);
      const rendered = toProblem(error);
      assert.equal(rendered.status, status);
      for (const [key, value] of Object.entries(problem)) assert.deepEqual(rendered[key], value, key);
      assert.equal(rendered.detail, error.shortMessage);
      assert.deepEqual(JSON.parse(JSON.stringify(rendered)), rendered, "the problem is plain JSON");
      assert.deepEqual(error.headers, headers ?? (rdn ? { [rdn]: "1" } : {}));
      assert.equal(error.docsPath, `docs/protocol.md#${error.slug}`);
      assert.match(error.message, new RegExp(`Docs: docs/protocol.md#${error.slug}$`));
    });
  }

  it("covers one error per slug", () => {
    const slugs = new Set(catalogue.map(({ error }) => error.slug));
    assert.equal(slugs.size, 21);
  });
});

describe("isTollgateError", () => {
  it("recognises the brand, not just the prototype (duplicate bundles)", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("tollgate.TollgateError")]: true });
    assert.equal(isTollgateError(foreign), true);
    assert.equal(isTollgateError(new Error("x")), false);
    assert.equal(isTollgateError(null), false);
  });
});

describe("messages", () => {
  it("use the singular for one block", () => {
    const error = new InsufficientConfirmationsError({ channel, confirmations: 4, required: 5 });
    assert.match(error.shortMessage, /after 1 more block\.$/);
  });

  it("bound and quote what a client sent", () => {
    const error = new MalformedPaymentError({ field: "RDN-Balance header", reason: "is bad", value: `"${"9".repeat(1000)}` });
    assert.ok(error.shortMessage.length < 250);
    assert.match(error.shortMessage, /\(got "\\"9+…"\)/);
  });

  it("round a retry delay up to whole seconds, at least one", () => {
    assert.equal(new ServiceUnavailableError({ dependency: "database", retryAfterSeconds: 0.2 }).headers["Retry-After"], "1");
  });
});
