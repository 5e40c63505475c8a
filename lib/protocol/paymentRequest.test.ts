import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Address, Hex } from "viem";
import {
  ArticleNotFoundError,
  ChannelNotFoundError,
  InsufficientConfirmationsError,
  InsufficientDepositError,
  InvalidAmountError,
  InvalidBalanceProofError,
  MalformedPaymentResponseError,
  PaymentRequiredError,
  StaleBalanceProofError,
  isTollgateError,
  type TollgateError,
} from "./errors";
import { RdnHeader } from "./headers";
import {
  decodePaymentRequest,
  decodePaymentRequestBody,
  encodePaymentRequest,
  type PaymentRequestReason,
  type PaymentTerms,
} from "./paymentRequest";
import { adversarialValue, channelState, terms as termsArbitrary, uint128 } from "./test-arbitraries";

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
const channel = { sender, receiver, openBlock: 7n };
const balanceSignature = `0x${"ab".repeat(65)}` as Hex;
const stored = { balance: 30n, balanceSignature };

/** A JSON round trip, as the body travels. */
const overTheWire = (body: unknown) => JSON.parse(JSON.stringify(body)) as unknown;

function assertMalformed(run: () => unknown, field: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MalformedPaymentResponseError, `expected MalformedPaymentResponseError, got ${String(error)}`);
    assert.match(error.field, field);
    return true;
  });
}

describe("encodePaymentRequest", () => {
  it("answers a request without proof with the terms and a payment-required body", () => {
    const { status, headers, body } = encodePaymentRequest(terms);
    assert.equal(status, 402);
    assert.deepEqual(headers, {
      "RDN-Price": "10",
      "RDN-Receiver-Address": receiver,
      "RDN-Contract-Address": terms.contract,
      "RDN-Token-Address": terms.token,
      "RDN-Chain-Id": "31337",
      "RDN-Gateway-Path": "/api",
      "Cache-Control": "no-store",
    });
    assert.deepEqual(body, {
      type: "urn:tollgate:problem:payment-required",
      title: "Payment required",
      status: 402,
      detail: new PaymentRequiredError({ price: 10n }).shortMessage,
      reason: "payment-required",
      price: "10",
      receiver,
      contract: terms.contract,
      token: terms.token,
      chainId: 31337,
      gatewayPath: "/api",
    });
  });

  it("adds the RDN error header and the server's stored proof for a stale proof", () => {
    const { headers, body } = encodePaymentRequest(terms, new StaleBalanceProofError({ channel, price: 10n, offered: 30n, stored }));
    assert.equal(headers["RDN-Invalid-Balance-Proof"], "1");
    assert.equal(headers["RDN-Sender-Address"], sender);
    assert.equal(headers["RDN-Open-Block"], "7");
    assert.equal(headers["RDN-Sender-Balance"], "30");
    assert.equal(headers["RDN-Balance-Signature"], balanceSignature);
    assert.equal(body.reason, "invalid-balance-proof");
    assert.deepEqual(body.stored, { sender, openBlock: "7", balance: "30", balanceSignature });
    assert.equal(body.expected, "40");
  });

  it("lets the terms' price win over an error's", () => {
    const { headers, body } = encodePaymentRequest(terms, new PaymentRequiredError({ price: 999n }));
    assert.equal(headers["RDN-Price"], "10");
    assert.equal(body.price, "10");
  });

  it("refuses a non-402 error: that is a bug in the caller", () => {
    assert.throws(() => encodePaymentRequest(terms, new ArticleNotFoundError({ slug: "x" })), TypeError);
    assert.throws(() => encodePaymentRequest(terms, new ChannelNotFoundError({ channel, at: "api" })), TypeError);
  });

  it("ignores properties a caller added to the terms", () => {
    const { headers } = encodePaymentRequest({ ...terms, secret: "x" } as PaymentTerms);
    assert.equal(Object.values(headers).includes("x"), false);
  });
});

describe("decodePaymentRequest", () => {
  const cases: [TollgateError, PaymentRequestReason, boolean][] = [
    [new PaymentRequiredError({ price: 10n }), "payment-required", false],
    [new ChannelNotFoundError({ channel, at: "gate" }), "nonexisting-channel", false],
    [new InsufficientConfirmationsError({ channel, confirmations: 1, required: 3 }), "insufficient-confirmations", false],
    [new InvalidBalanceProofError({ channel }), "invalid-balance-proof", false],
    [new StaleBalanceProofError({ channel, price: 10n, offered: 20n, stored }), "invalid-balance-proof", true],
    [new InsufficientDepositError({ channel, offered: 110n, deposit: 100n, stored }), "invalid-balance-proof", true],
    [new InvalidAmountError({ channel, price: 10n, offered: 35n, stored }), "invalid-amount", true],
  ];

  for (const [error, reason, hasStored] of cases) {
    it(`reads ${error.name} back from headers and body alike (${reason})`, () => {
      const { headers, body } = encodePaymentRequest(terms, error);
      const expected = { reason, terms, ...(hasStored ? { stored: { sender, openBlock: 7n, ...stored } } : {}) };
      assert.deepEqual(decodePaymentRequest(new Headers(headers)), expected);
      assert.deepEqual(decodePaymentRequestBody(overTheWire(body)), expected);
    });
  }

  it("reads a stored state without a signature (nothing paid yet)", () => {
    const error = new StaleBalanceProofError({ channel, price: 10n, offered: 0n, stored: { balance: 0n } });
    const { headers, body } = encodePaymentRequest(terms, error);
    assert.equal(headers["RDN-Balance-Signature"], undefined);
    const expected = { reason: "invalid-balance-proof", terms, stored: { sender, openBlock: 7n, balance: 0n } };
    assert.deepEqual(decodePaymentRequest(new Headers(headers)), expected);
    assert.deepEqual(decodePaymentRequestBody(overTheWire(body)), expected);
  });

  it("names a missing or malformed term's header", () => {
    const { headers } = encodePaymentRequest(terms);
    for (const name of Object.keys(headers).filter((name) => name.startsWith("RDN-"))) {
      const without = new Headers(headers);
      without.delete(name);
      assertMalformed(() => decodePaymentRequest(without), new RegExp(`^${name} header$`));
    }
    const bad: Record<string, string> = {
      [RdnHeader.price]: "-10",
      [RdnHeader.chainId]: "0",
      [RdnHeader.gatewayPath]: "//evil.example",
      [RdnHeader.contractAddress]: "0x5FbDB2315678afecb367f032d93F642f64180aA3",
    };
    for (const [name, value] of Object.entries(bad)) {
      assertMalformed(() => decodePaymentRequest(new Headers({ ...headers, [name]: value })), new RegExp(`^${name} header$`));
    }
  });

  it("refuses a partial or malformed stored state", () => {
    const { headers } = encodePaymentRequest(terms, new StaleBalanceProofError({ channel, price: 10n, offered: 20n, stored }));
    const partial = new Headers(headers);
    partial.delete(RdnHeader.senderBalance);
    assertMalformed(() => decodePaymentRequest(partial), /^RDN-Sender-Balance header$/);
    assertMalformed(() => decodePaymentRequest(new Headers({ ...headers, [RdnHeader.balanceSignature]: "0x00" })), /^RDN-Balance-Signature header$/);
  });

  it("refuses two reasons at once", () => {
    const { headers } = encodePaymentRequest(terms, new InvalidAmountError({ channel, price: 10n, offered: 35n, stored }));
    assertMalformed(() => decodePaymentRequest(new Headers({ ...headers, [RdnHeader.nonexistingChannel]: "1" })), /RDN error headers/);
  });
});

describe("decodePaymentRequestBody", () => {
  it("refuses what is not an object", () => {
    for (const body of [null, [], "402", 402]) assertMalformed(() => decodePaymentRequestBody(body), /^body$/);
  });

  it("names the member at fault", () => {
    const { body } = encodePaymentRequest(terms);
    const wire = overTheWire(body) as Record<string, unknown>;
    assertMalformed(() => decodePaymentRequestBody({ ...wire, price: 10 }), /^"price" member$/);
    assertMalformed(() => decodePaymentRequestBody({ ...wire, chainId: "31337" }), /^"chainId" member$/);
    assertMalformed(() => decodePaymentRequestBody({ ...wire, status: 400 }), /^"status" member$/);
    assertMalformed(() => decodePaymentRequestBody({ ...wire, reason: "teapot" }), /^"reason" member$/);
    assertMalformed(() => decodePaymentRequestBody({ ...wire, stored: { sender, openBlock: "7" } }), /^"stored.balance" member$/);
    const withoutReceiver = { ...wire };
    delete withoutReceiver.receiver;
    assertMalformed(() => decodePaymentRequestBody(withoutReceiver), /^"receiver" member$/);
  });
});

describe("payment request properties", () => {
  const error = fc.oneof(
    uint128.map((price) => new PaymentRequiredError({ price }) as TollgateError),
    channelState.map(({ sender, openBlock, balance, balanceSignature }) =>
      new StaleBalanceProofError({ channel: { sender, receiver, openBlock }, price: 1n, offered: balance, stored: { balance, balanceSignature } }),
    ),
    channelState.map(({ sender, openBlock }) => new ChannelNotFoundError({ channel: { sender, receiver, openBlock }, at: "gate" })),
  );

  it("headers and body always say the same, and round-trip the terms", () => {
    fc.assert(
      fc.property(termsArbitrary, error, (terms, error) => {
        const { headers, body } = encodePaymentRequest(terms, error);
        const fromHeaders = decodePaymentRequest(new Headers(headers));
        assert.deepEqual(fromHeaders, decodePaymentRequestBody(overTheWire(body)));
        assert.deepEqual(fromHeaders.terms, terms);
        if (error instanceof StaleBalanceProofError) assert.deepEqual(fromHeaders.stored, error.stored);
      }),
    );
  });

  it("adversarial header values only ever raise MalformedPaymentResponseError", () => {
    const names = [...Object.values(RdnHeader)];
    fc.assert(
      fc.property(termsArbitrary, fc.dictionary(fc.constantFrom(...names), fc.option(adversarialValue)), (terms, overrides) => {
        const { headers } = encodePaymentRequest(terms);
        const read = { get: (name: string) => (name in overrides ? overrides[name] ?? null : headers[name] ?? null) };
        try {
          decodePaymentRequest(read);
        } catch (error) {
          assert.ok(isTollgateError(error) && error instanceof MalformedPaymentResponseError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("adversarial bodies only ever raise MalformedPaymentResponseError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.object()), termsArbitrary, (junk, terms) => {
        for (const body of [junk, { ...(overTheWire(encodePaymentRequest(terms).body) as object), ...(typeof junk === "object" ? junk : {}) }]) {
          try {
            decodePaymentRequestBody(body);
          } catch (error) {
            assert.ok(error instanceof MalformedPaymentResponseError, String(error));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
