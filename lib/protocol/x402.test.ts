import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import { x402Client } from "@x402/core/client";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { privateKeyToAccount } from "viem/accounts";
import { MalformedPaymentError, X402PaymentInvalidError, isTollgateError } from "./errors";
import { X402Header } from "./headers";
import type { PaymentTerms } from "./paymentRequest";
import { assertAcceptedOffer, decodeX402Payment, encodeX402PaymentRequired, x402PaymentRequired, x402Requirements } from "./x402";

const terms: PaymentTerms = {
  price: 10n ** 16n,
  receiver: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  token: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  chainId: 31337,
  gatewayPath: "/api",
};
const domain = { name: "Tollgate Token", version: "1" };
const offer = x402Requirements(terms, domain);
const buyer = privateKeyToAccount("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a");
const headers = (value: string) => new Headers({ [X402Header.paymentSignature]: value });

/** What x402's stock client sends for `requirements`. */
async function clientPayment(requirements = offer) {
  const client = new x402Client().register("eip155:*", new ExactEvmScheme(buyer)).setSpendControls(false);
  return client.createPaymentPayload(x402PaymentRequired(requirements, { url: "http://site/articles/a" }));
}

const refusedWith = (status: number, reason?: string) => (error: unknown) => {
  assert.ok(isTollgateError(error), String(error));
  assert.equal(error.status, status);
  if (reason) assert.equal((error as X402PaymentInvalidError).reason, reason);
  return true;
};

describe("x402 offers", () => {
  it("offers the price in base units to the receiver, in the token, on the chain, under the token's domain", () => {
    assert.deepEqual(offer, {
      scheme: "exact",
      network: "eip155:31337",
      asset: terms.token,
      amount: "10000000000000000",
      payTo: terms.receiver,
      maxTimeoutSeconds: 300,
      extra: domain,
    });
  });

  it("encodes PAYMENT-REQUIRED as x402 decodes it, with the refusal's reason", () => {
    const required = x402PaymentRequired(offer, { url: "http://site/articles/a", description: "A" }, "amount_mismatch");
    const decoded = decodePaymentRequiredHeader(encodeX402PaymentRequired(required)[X402Header.paymentRequired]!);
    assert.deepEqual(decoded, { x402Version: 2, error: "amount_mismatch", resource: { url: "http://site/articles/a", description: "A", mimeType: "application/json" }, accepts: [offer] });
  });
});

describe("decodeX402Payment", () => {
  it("reads nothing when there is no header, and the stock client's payment when there is", async () => {
    assert.deepEqual(decodeX402Payment(new Headers()), { type: "none" });
    const payload = await clientPayment();
    const decoded = decodeX402Payment(headers(encodePaymentSignatureHeader(payload)));
    assert.equal(decoded.type, "x402");
    if (decoded.type !== "x402") return;
    assert.equal(decoded.payment.authorization.from, buyer.address);
    assert.equal(decoded.payment.authorization.value, terms.price);
    assert.deepEqual(decoded.payment.payload.accepted, offer);
  });

  it("answers 400 for a header that is not base64 JSON, not x402 v2, or not an EIP-3009 authorization", async () => {
    const payload = await clientPayment();
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");
    const auth = (payload.payload as { authorization: Record<string, string> }).authorization;
    for (const value of [
      "%%%",
      Buffer.from("[1,").toString("base64"),
      b64({ ...payload, x402Version: 1 }),
      b64({ ...payload, accepted: { ...payload.accepted, network: "mainnet" } }),
      b64({ ...payload, payload: { ...payload.payload, signature: "0xzz" } }),
      b64({ ...payload, payload: { ...payload.payload, authorization: { ...auth, value: "-1" } } }),
      b64({ ...payload, payload: { ...payload.payload, authorization: { ...auth, value: "01" } } }),
      b64({ ...payload, payload: { ...payload.payload, authorization: { ...auth, nonce: "0x12" } } }),
      b64({ ...payload, payload: { permit2Authorization: {}, signature: "0x" } }),
    ]) {
      assert.throws(() => decodeX402Payment(headers(value)), (error) => error instanceof MalformedPaymentError && error.status === 400, value);
    }
  });
});

describe("assertAcceptedOffer", () => {
  it("takes the offer as made (addresses in any case)", async () => {
    const decoded = decodeX402Payment(headers(encodePaymentSignatureHeader(await clientPayment())));
    assert.equal(decoded.type, "x402");
    if (decoded.type === "x402") assert.doesNotThrow(() => assertAcceptedOffer(decoded.payment, { ...offer, payTo: offer.payTo.toLowerCase(), asset: offer.asset.toUpperCase().replace("0X", "0x") }));
  });

  for (const [term, change] of [
    ["scheme", { scheme: "upto" }],
    ["network", { network: "eip155:1" }],
    ["asset", { asset: terms.contract }],
    ["payTo", { payTo: terms.contract }],
    ["amount", { amount: "1" }],
  ] as const) {
    it(`refuses an offer with another ${term} (402 ${term}_mismatch)`, async () => {
      // x402's client signs only schemes it knows: another scheme is claimed over an exact payment.
      const payload = term === "scheme" ? { ...(await clientPayment()), accepted: { ...offer, ...change } } : await clientPayment({ ...offer, ...change });
      const decoded = decodeX402Payment(headers(encodePaymentSignatureHeader(payload)));
      assert.equal(decoded.type, "x402");
      if (decoded.type === "x402") assert.throws(() => assertAcceptedOffer(decoded.payment, offer), refusedWith(402, `${term}_mismatch`));
    });
  }

  it("refuses an authorization whose payee or value differs from the offer it claims to accept", async () => {
    for (const [change, reason] of [[{ payTo: terms.contract }, "payTo_mismatch"], [{ amount: "1" }, "amount_mismatch"]] as const) {
      const payload = await clientPayment({ ...offer, ...change });
      const decoded = decodeX402Payment(headers(encodePaymentSignatureHeader({ ...payload, accepted: offer })));
      assert.equal(decoded.type, "x402");
      if (decoded.type === "x402") assert.throws(() => assertAcceptedOffer(decoded.payment, offer), refusedWith(402, reason));
    }
  });
});
