import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MalformedPaymentResponseError } from "./errors";
import { RdnHeader } from "./headers";
import { decodeReceiptHeaders, encodeReceiptHeaders } from "./receipt";
import { channelState, uint128 } from "./test-arbitraries";

describe("receipt headers", () => {
  it("round-trip every receipt", () => {
    fc.assert(
      fc.property(uint128, channelState, (cost, stored) => {
        assert.deepEqual(decodeReceiptHeaders(new Headers(encodeReceiptHeaders({ cost, stored }))), { cost, stored });
      }),
    );
  });

  it("are absent for a free article", () => {
    assert.equal(decodeReceiptHeaders(new Headers()), undefined);
  });

  it("refuse a malformed cost or a receipt without its channel", () => {
    const stored = { sender: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", openBlock: 7n, balance: 40n } as const;
    const headers = encodeReceiptHeaders({ cost: 10n, stored });
    assert.equal(headers[RdnHeader.cost], "10");
    assert.equal(headers["Cache-Control"], "no-store");
    assert.throws(() => decodeReceiptHeaders(new Headers({ ...headers, [RdnHeader.cost]: "-10" })), MalformedPaymentResponseError);
    assert.throws(() => decodeReceiptHeaders(new Headers({ [RdnHeader.cost]: "10" })), MalformedPaymentResponseError);
    assert.throws(() => decodeReceiptHeaders(new Headers({ ...headers, [RdnHeader.openBlock]: "x" })), MalformedPaymentResponseError);
  });
});
