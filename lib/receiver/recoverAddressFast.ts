import "server-only";
// The native binding itself, not the package's entry: that one falls back to pure-JavaScript
// elliptic without a word when the binding does not load, and a slow gate should fail loudly.
import secp256k1 from "secp256k1/bindings";
import { hexToBytes, parseSignature, type Address, type Hex } from "viem";
import { publicKeyToAddress } from "viem/accounts";

/**
 * Signer recovery through native libsecp256k1 (npm `secp256k1`, whose N-API prebuilt binary for
 * linux-x64 ships inside the package: no build, any Node version). The gate recovers one signer
 * per paid request; on this machine a recovery costs about 0.17 ms, against 0.8 ms for
 * tiny-secp256k1's WebAssembly and 1.5 ms for viem's pure JavaScript (docs/benchmarks.md). Same
 * contract as viem's `recoverAddress`; the checks that make a signature acceptable (low s, v of 27
 * or 28) stay in lib/protocol's recoverSigner.
 */
export function recoverAddressFast(hash: Hex, signature: Hex): Address {
  const { r, s, yParity } = parseSignature(signature);
  const compact = new Uint8Array(64);
  compact.set(hexToBytes(r, { size: 32 }), 0);
  compact.set(hexToBytes(s, { size: 32 }), 32);
  let publicKey: Uint8Array;
  try {
    publicKey = secp256k1.ecdsaRecover(compact, yParity as 0 | 1, hexToBytes(hash), false);
  } catch (error) {
    throw new Error("the signature does not recover to a public key", { cause: error });
  }
  return publicKeyToAddress(`0x${Buffer.from(publicKey).toString("hex")}`);
}
