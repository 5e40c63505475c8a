import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as z from "zod/mini";
import { address, signature, uint128, uint64 } from "./test-arbitraries";
import {
  MAX_UINT128,
  MAX_UINT64,
  addressCodec,
  chainIdCodec,
  decodeFields,
  gatewayPathCodec,
  signatureCodec,
  uint128Codec,
  uint64Codec,
} from "./wire";

const accepts = (schema: z.core.$ZodType, text: string) => z.safeDecode(schema, text).success;

describe("uint128Codec", () => {
  it("decodes canonical decimals up to 2^128-1", () => {
    assert.equal(z.decode(uint128Codec, "0"), 0n);
    assert.equal(z.decode(uint128Codec, "1500000000000000000"), 1500000000000000000n);
    assert.equal(z.decode(uint128Codec, MAX_UINT128.toString()), MAX_UINT128);
  });

  it("rejects signs, exponents, leading zeros, whitespace, hex, fractions and overflow", () => {
    for (const text of ["", "-1", "+1", "1e3", "01", "00", " 1", "1 ", "0x10", "1.0", "1_000", "１", (MAX_UINT128 + 1n).toString(), "9".repeat(40)]) {
      assert.equal(accepts(uint128Codec, text), false, JSON.stringify(text));
    }
  });

  it("says what a valid value looks like", () => {
    const result = decodeFields(z.object({ balance: uint128Codec }), { balance: "-5" });
    assert.deepEqual(result, {
      ok: false,
      issue: { field: "balance", reason: "must be a decimal integer from 0 to 2^128-1, without sign, exponent or leading zeros" },
    });
  });

  it("round-trips every uint128", () => {
    fc.assert(fc.property(uint128, (n) => z.decode(uint128Codec, z.encode(uint128Codec, n)) === n));
  });

  it("refuses to encode values outside uint128 (a bug in the caller)", () => {
    assert.throws(() => z.encode(uint128Codec, -1n));
    assert.throws(() => z.encode(uint128Codec, MAX_UINT128 + 1n));
  });
});

describe("uint64Codec", () => {
  it("accepts up to 2^64-1 and no further", () => {
    assert.equal(z.decode(uint64Codec, MAX_UINT64.toString()), MAX_UINT64);
    assert.equal(accepts(uint64Codec, (MAX_UINT64 + 1n).toString()), false);
  });

  it("round-trips every uint64", () => {
    fc.assert(fc.property(uint64, (n) => z.decode(uint64Codec, z.encode(uint64Codec, n)) === n));
  });
});

describe("addressCodec", () => {
  const checksummed = "0x787bc77F1700DCE0f8c1581c18A12d3153D1B150";

  it("normalises to the EIP-55 checksum", () => {
    assert.equal(z.decode(addressCodec, checksummed.toLowerCase()), checksummed);
    assert.equal(z.decode(addressCodec, checksummed), checksummed);
  });

  it("rejects a mixed-case address with a wrong checksum", () => {
    const typo = "0x787bc77F1700DCE0f8c1581c18A12d3153D1b150";
    const result = decodeFields(z.object({ a: addressCodec }), { a: typo });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.issue.reason : "", /checksum/);
  });

  it("rejects wrong lengths, missing prefix and non-hex", () => {
    for (const text of ["", "0x", checksummed.slice(2), `${checksummed}0`, checksummed.slice(0, -1), `0x${"g".repeat(40)}`, ` ${checksummed}`, `0X${checksummed.slice(2)}`]) {
      assert.equal(accepts(addressCodec, text), false, text);
    }
  });

  it("round-trips every address", () => {
    fc.assert(fc.property(address, (a) => z.decode(addressCodec, z.encode(addressCodec, a)) === a));
    fc.assert(fc.property(address, (a) => z.decode(addressCodec, a.toLowerCase()) === a));
  });
});

describe("signatureCodec", () => {
  it("accepts exactly 65 bytes of hex and lowercases it", () => {
    const upper = `0x${"AB".repeat(65)}`;
    assert.equal(z.decode(signatureCodec, upper), upper.toLowerCase());
    for (const text of ["0x", `0x${"ab".repeat(64)}`, `0x${"ab".repeat(66)}`, `0x${"ab".repeat(64)}a`, "ab".repeat(65), `0x${"zz".repeat(65)}`]) {
      assert.equal(accepts(signatureCodec, text), false, text);
    }
  });

  it("round-trips every signature", () => {
    fc.assert(fc.property(signature, (s) => z.decode(signatureCodec, z.encode(signatureCodec, s)) === s));
  });
});

describe("chainIdCodec", () => {
  it("accepts positive safe integers only", () => {
    assert.equal(z.decode(chainIdCodec, "31337"), 31337);
    assert.equal(z.decode(chainIdCodec, String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
    for (const text of ["0", "-1", "01", "1.5", "1e3", String(Number.MAX_SAFE_INTEGER + 1), "99999999999999999"]) {
      assert.equal(accepts(chainIdCodec, text), false, text);
    }
  });
});

describe("gatewayPathCodec", () => {
  it("accepts same-origin absolute paths only", () => {
    for (const path of ["/", "/api", "/api/v1", "/a-b_c.d~e"]) assert.equal(accepts(gatewayPathCodec, path), true, path);
    for (const path of ["", "api", "//evil.example", "https://evil.example/api", "/api?x=1", "/api#x", "/a b", "/\u00e9", "/api\n"]) {
      assert.equal(accepts(gatewayPathCodec, path), false, path);
    }
  });
});

describe("decodeFields", () => {
  it("reports a missing member in protocol terms, not zod's", () => {
    assert.deepEqual(decodeFields(z.object({ price: uint128Codec }), {}), {
      ok: false,
      issue: { field: "price", reason: "is missing or not a string" },
    });
  });
});
