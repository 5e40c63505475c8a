import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatAmount, formatTokenAmount, parseAmount } from "./amounts";
import { MalformedAmountError } from "./errors";
import { MAX_UINT128 } from "./wire";
import { uint128 } from "./test-arbitraries";

const TOLL = { decimals: 18, symbol: "TOLL" };

describe("formatAmount", () => {
  it("formats base units exactly, without trailing zeros", () => {
    assert.equal(formatAmount(1500000000000000000n, 18), "1.5");
    assert.equal(formatAmount(1n, 18), "0.000000000000000001");
    assert.equal(formatAmount(0n, 18), "0");
    assert.equal(formatAmount(10n, 0), "10");
    assert.equal(formatAmount(1000000n, 6), "1");
    assert.equal(formatAmount(-1500000n, 6), "-1.5");
    assert.equal(formatAmount(MAX_UINT128, 18), "340282366920938463463.374607431768211455");
  });

  it("refuses impossible decimals (a bug, not input)", () => {
    for (const decimals of [-1, 1.5, 256, Number.NaN]) assert.throws(() => formatAmount(1n, decimals), RangeError);
  });
});

describe("parseAmount", () => {
  it("parses decimal input exactly", () => {
    assert.equal(parseAmount("1.5", 18), 1500000000000000000n);
    assert.equal(parseAmount(" 0.1 ", 18), 100000000000000000n);
    assert.equal(parseAmount(".5", 1), 5n);
    assert.equal(parseAmount("2.", 2), 200n);
    assert.equal(parseAmount("007", 0), 7n);
    assert.equal(parseAmount("1.50000", 1), 15n, "extra zeros are exact");
    assert.equal(parseAmount("0.000000000000000001", 18), 1n);
    assert.equal(parseAmount("340282366920938463463.374607431768211455", 18), MAX_UINT128);
  });

  it("refuses what it cannot read exactly, saying why", () => {
    const cases: [string, number, RegExp][] = [
      ["", 18, /is empty/],
      ["   ", 18, /is empty/],
      ["-1", 18, /not a plain decimal number/],
      ["+1", 18, /not a plain decimal number/],
      ["1e18", 18, /not a plain decimal number/],
      ["1,000", 18, /not a plain decimal number/],
      ["1 000", 18, /not a plain decimal number/],
      ["1.2.3", 18, /not a plain decimal number/],
      [".", 18, /not a plain decimal number/],
      ["0x10", 18, /not a plain decimal number/],
      ["１", 18, /not a plain decimal number/],
      ["Infinity", 18, /not a plain decimal number/],
      ["0.001", 2, /more than 2 decimal places/],
      ["1.5", 0, /no decimal places: enter a whole number/],
      ["340282366920938463463.374607431768211456", 18, /more than a channel can hold/],
      ["9".repeat(600), 0, /not a plain decimal number/],
    ];
    for (const [input, decimals, reason] of cases) {
      assert.throws(
        () => parseAmount(input, decimals),
        (error: unknown) => error instanceof MalformedAmountError && error.status === 400 && reason.test(error.shortMessage),
        JSON.stringify(input),
      );
    }
  });

  it("round-trips every uint128 at every decimals", () => {
    fc.assert(
      fc.property(uint128, fc.integer({ min: 0, max: 40 }), (value, decimals) => {
        assert.equal(parseAmount(formatAmount(value, decimals), decimals), value);
      }),
    );
  });

  it("never throws anything but MalformedAmountError on user input", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 30 }), (input, decimals) => {
        try {
          const value = parseAmount(input, decimals);
          assert.ok(value >= 0n && value <= MAX_UINT128);
        } catch (error) {
          assert.ok(error instanceof MalformedAmountError, String(error));
        }
      }),
    );
  });
});

describe("formatTokenAmount", () => {
  it("shows a compact amount with the symbol", () => {
    assert.equal(formatTokenAmount(10000000000000000n, TOLL), "0.01 TOLL");
    assert.equal(formatTokenAmount(1500000000000000000n, TOLL), "1.5 TOLL");
    assert.equal(formatTokenAmount(0n, TOLL), "0 TOLL");
    assert.equal(formatTokenAmount(123456789n, { decimals: 6, symbol: "USDC" }), "123.4568 USDC");
    assert.equal(formatTokenAmount(5n, { decimals: 0, symbol: "PTS" }), "5 PTS");
  });

  it("rounds half up, and never shows a positive amount as zero", () => {
    assert.equal(formatTokenAmount(12345n, { decimals: 8, symbol: "T" }), "0.0001 T");
    assert.equal(formatTokenAmount(14999n, { decimals: 8, symbol: "T" }), "0.0001 T");
    assert.equal(formatTokenAmount(15000n, { decimals: 8, symbol: "T" }), "0.0002 T");
    assert.equal(formatTokenAmount(1n, TOLL), "<0.0001 TOLL");
    assert.equal(formatTokenAmount(99999999999999n, TOLL), "0.0001 TOLL");
    assert.equal(formatTokenAmount(-1n, TOLL), "-<0.0001 TOLL");
  });

  it("takes a precision", () => {
    assert.equal(formatTokenAmount(1234567n, { decimals: 6, symbol: "USDC" }, { maxFractionDigits: 2 }), "1.23 USDC");
    assert.equal(formatTokenAmount(1234567n, { decimals: 6, symbol: "USDC" }, { maxFractionDigits: 0 }), "1 USDC");
    assert.equal(formatTokenAmount(1n, TOLL, { maxFractionDigits: 18 }), "0.000000000000000001 TOLL");
  });

  it("is within half a display unit of the exact amount", () => {
    fc.assert(
      // Below the maximum, so rounding up stays parseable.
      fc.property(fc.bigInt({ min: 0n, max: MAX_UINT128 / 2n }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 8 }), (value, decimals, digits) => {
        const shown = formatTokenAmount(value, { decimals, symbol: "T" }, { maxFractionDigits: digits });
        if (shown.startsWith("<")) return;
        const displayed = parseAmount(shown.slice(0, -2), decimals);
        const unit = 10n ** BigInt(Math.max(0, decimals - digits));
        const error = displayed > value ? displayed - value : value - displayed;
        assert.ok(2n * error <= unit, `${value} shown as ${shown}`);
      }),
    );
  });
});
