import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { keccak256, recoverAddress, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { recoverAddressFast } from "./recoverAddressFast";

it("recovers the same signer as viem's recoverAddress, for any key and digest", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (key, message) => {
      let account;
      try {
        account = privateKeyToAccount(toHex(key));
      } catch {
        return; // not a valid secp256k1 key (zero or ≥ n)
      }
      const hash = keccak256(message);
      const signature = await account.sign({ hash });
      assert.equal(recoverAddressFast(hash, signature), account.address);
      assert.equal(recoverAddressFast(hash, signature), await recoverAddress({ hash, signature }));
    }),
    { numRuns: 200, seed: 42 },
  );
});

it("throws on a signature that recovers to no point, as viem's does", () => {
  const hash = keccak256("0x01");
  const invalid = `0x${"00".repeat(64)}1b` as const;
  assert.throws(() => recoverAddressFast(hash, invalid));
});
