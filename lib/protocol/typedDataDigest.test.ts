import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { hashTypedData } from "viem";
import { signedMessages } from "./test-arbitraries";
import { balanceProofTypedData } from "./typedData";
import { typedDataDigest } from "./typedDataDigest";

describe("typedDataDigest", () => {
  it("is viem's hashTypedData for every message Tollgate signs, across domains, whichever domain was hashed first", () => {
    fc.assert(
      fc.property(signedMessages, (all) => {
        for (const typedData of all) {
          // Twice: the second call takes the domain's separator from the cache.
          assert.equal(typedDataDigest(typedData), hashTypedData(typedData));
          assert.equal(typedDataDigest(typedData), hashTypedData(typedData));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("tells domains apart that differ only in which fields are present", () => {
    const message = { types: { Ping: [{ name: "n", type: "uint8" }] }, primaryType: "Ping", message: { n: 1 } } as const;
    for (const d of [{}, { name: "" }, { name: "", version: "" }, { chainId: 1 }, { chainId: 1n }, { salt: `0x${"00".repeat(32)}` as const }]) {
      assert.equal(typedDataDigest({ ...message, domain: d }), hashTypedData({ ...message, domain: d }), JSON.stringify(d, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
    }
  });

  it("keeps no separator a caller's own EIP712Domain type could poison, nor one a string could share with a number", () => {
    const message = { types: { Ping: [{ name: "n", type: "uint8" }] }, primaryType: "Ping", message: { n: 1 } } as const;
    const domain = { name: "x", chainId: 1 } as const;
    const own = { ...message, types: { ...message.types, EIP712Domain: [{ name: "name", type: "string" }] }, domain };
    assert.equal(typedDataDigest(own as never), hashTypedData(own as never));
    assert.equal(typedDataDigest({ ...message, domain }), hashTypedData({ ...message, domain }));
    typedDataDigest({ ...message, domain: { chainId: 1n } });
    const asString = { ...message, domain: { chainId: "1n" } } as never;
    assert.throws(() => hashTypedData(asString));
    assert.throws(() => typedDataDigest(asString));
  });

  it("refuses what viem refuses: a value out of its type's range, a malformed address, in the message or the domain", () => {
    const good = balanceProofTypedData({ chainId: 1, verifyingContract: "0x00000000000000000000000000000000000000aa" }, { sender: "0x00000000000000000000000000000000000000bb", receiver: "0x00000000000000000000000000000000000000cc", openBlock: 1n }, 1n);
    const bad = [
      { ...good, message: { ...good.message, balance: 2n ** 128n } },
      { ...good, message: { ...good.message, openBlock: -1n } },
      { ...good, message: { ...good.message, sender: "0x1234" } },
      { ...good, domain: { ...good.domain, verifyingContract: "0xnothex" } },
    ];
    for (const typedData of bad) {
      assert.throws(() => hashTypedData(typedData as never));
      assert.throws(() => typedDataDigest(typedData as never));
    }
  });
});
