import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { ArticleNotFoundError, PaymentRequiredError, ServiceUnavailableError, StaleBalanceProofError } from "./errors";
import { decodePaymentRequest, decodePaymentRequestBody, type PaymentTerms } from "./paymentRequest";
import { toProblemResponse } from "./problemResponse";

const sender = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const receiver = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Address;
const terms: PaymentTerms = {
  price: 10n,
  receiver,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  token: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  chainId: 31337,
  gatewayPath: "/api",
};

describe("toProblemResponse", () => {
  it("answers a 402 with the terms in headers and body, saying the same", async () => {
    const error = new StaleBalanceProofError({
      channel: { sender, receiver, openBlock: 7n },
      price: 10n,
      offered: 20n,
      stored: { balance: 30n, balanceSignature: `0x${"ab".repeat(65)}` as Hex },
    });
    const response = toProblemResponse(error, { terms });
    assert.equal(response.status, 402);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("rdn-invalid-balance-proof"), "1");
    assert.deepEqual(decodePaymentRequestBody(await response.json()), decodePaymentRequest(response.headers));
  });

  it("answers a 402 without terms with the problem alone", async () => {
    const response = toProblemResponse(new PaymentRequiredError({ price: 10n }));
    assert.equal(response.status, 402);
    assert.equal(response.headers.get("rdn-price"), null);
    assert.equal((await response.json()).type, "urn:tollgate:problem:payment-required");
  });

  it("answers other errors with their status, problem and headers", async () => {
    const notFound = toProblemResponse(new ArticleNotFoundError({ slug: "x" }), { terms });
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers.get("rdn-price"), null, "terms only go with a 402");
    const unavailable = toProblemResponse(new ServiceUnavailableError({ dependency: "database", retryAfterSeconds: 3 }));
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get("retry-after"), "3");
  });

  it("answers a bug with a bare 500", async () => {
    const response = toProblemResponse(new TypeError("cannot read properties of undefined (reading 'balance')"), { terms });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { type: "about:blank", title: "Internal Server Error", status: 500 });
    assert.equal(response.headers.get("rdn-price"), null);
  });
});
