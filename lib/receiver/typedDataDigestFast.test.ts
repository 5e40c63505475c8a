import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, hashTypedData } from "viem";
import { address, chainId, signedMessages } from "../protocol/test-arbitraries";
import { balanceProofTypedData } from "../protocol/typedData";
import { typedDataDigestFast, typedDataDigestFastReady } from "./typedDataDigestFast";

const domain = fc.record({ chainId, verifyingContract: address });
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((value) => bytesToHex(value));

describe("typedDataDigestFast", () => {
  // Until its WebAssembly has compiled the digest is viem's: these tests are about what comes after.
  before(() => typedDataDigestFastReady());

  it("is viem's hashTypedData for every message Tollgate signs, across domains", () => {
    fc.assert(
      fc.property(signedMessages, (all) => {
        for (const typedData of all) assert.equal(typedDataDigestFast(typedData), hashTypedData(typedData));
      }),
      { numRuns: 200 },
    );
  });

  it("is viem's for a struct of every kind of static field, at the edges of each range", () => {
    const types = {
      Every: [
        { name: "flag", type: "bool" },
        { name: "small", type: "int8" },
        { name: "wide", type: "int256" },
        { name: "count", type: "uint24" },
        { name: "amount", type: "uint256" },
        { name: "tag", type: "bytes1" },
        { name: "word", type: "bytes32" },
        { name: "who", type: "address" },
      ],
    } as const;
    const message = fc.record({
      flag: fc.boolean(),
      small: fc.oneof(fc.constantFrom(-128, 127, 0), fc.integer({ min: -128, max: 127 })),
      wide: fc.oneof(fc.constantFrom(-(2n ** 255n), 2n ** 255n - 1n), fc.bigInt({ min: -(2n ** 255n), max: 2n ** 255n - 1n })),
      count: fc.integer({ min: 0, max: 2 ** 24 - 1 }),
      amount: fc.oneof(fc.constantFrom(0n, 2n ** 256n - 1n), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })),
      tag: bytes(1),
      word: bytes(32),
      who: address,
    });
    fc.assert(
      fc.property(domain, message, (d, m) => {
        const typedData = { domain: d, types, primaryType: "Every", message: m } as const;
        assert.equal(typedDataDigestFast(typedData), hashTypedData(typedData));
      }),
      { numRuns: 200 },
    );
  });

  it("is viem's for the structs it leaves to viem (a string, bytes, an array, a nested struct) and for an empty one", () => {
    const domain = { name: "x", chainId: 1 } as const;
    const cases = [
      { types: { Note: [{ name: "text", type: "string" }] }, primaryType: "Note", message: { text: "héllo" } },
      { types: { Blob: [{ name: "data", type: "bytes" }] }, primaryType: "Blob", message: { data: "0x0102" } },
      { types: { List: [{ name: "items", type: "uint8[]" }] }, primaryType: "List", message: { items: [1, 2, 3] } },
      {
        types: { Outer: [{ name: "inner", type: "Inner" }, { name: "n", type: "uint8" }], Inner: [{ name: "n", type: "uint8" }] },
        primaryType: "Outer",
        message: { inner: { n: 1 }, n: 2 },
      },
      { types: { Empty: [] }, primaryType: "Empty", message: {} },
    ] as const;
    for (const typedData of cases) {
      assert.equal(typedDataDigestFast({ ...typedData, domain } as never), hashTypedData({ ...typedData, domain } as never), typedData.primaryType);
    }
  });

  it("tells apart two struct types that share one fields array", () => {
    const fields = [{ name: "n", type: "uint8" }] as const;
    const types = { Ping: fields, Pong: fields };
    const domain = { name: "x", chainId: 1 } as const;
    for (const primaryType of ["Ping", "Pong", "Ping"] as const) {
      const typedData = { domain, types, primaryType, message: { n: 1 } };
      assert.equal(typedDataDigestFast(typedData), hashTypedData(typedData), primaryType);
    }
  });

  it("refuses what viem refuses: a value out of its type's range, a malformed address, in the message or the domain", () => {
    const good = balanceProofTypedData({ chainId: 1, verifyingContract: "0x00000000000000000000000000000000000000aa" }, { sender: "0x00000000000000000000000000000000000000bb", receiver: "0x00000000000000000000000000000000000000cc", openBlock: 1n }, 1n);
    const bad = [
      { ...good, message: { ...good.message, balance: 2n ** 128n } },
      { ...good, message: { ...good.message, openBlock: -1n } },
      { ...good, message: { ...good.message, openBlock: 2n ** 64n } },
      { ...good, message: { ...good.message, sender: "0x1234" } },
      { ...good, message: { ...good.message, sender: "0x00000000000000000000000000000000000000Bb" } },
      { ...good, message: { sender: good.message.sender, receiver: good.message.receiver, openBlock: 1n } },
      { ...good, domain: { ...good.domain, verifyingContract: "0xnothex" } },
    ];
    for (const typedData of bad) {
      assert.throws(() => hashTypedData(typedData as never));
      assert.throws(() => typedDataDigestFast(typedData as never));
    }
  });
});
