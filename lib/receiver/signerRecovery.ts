import "server-only";
import type { SignerRecovery } from "../protocol/verifyBalanceProof";
import { recoverAddressFast } from "./recoverAddressFast";
import { typedDataDigestFast } from "./typedDataDigestFast";

/**
 * How the receiver finds who signed a proof or a request: the EIP-712 digest with keccak-256 in
 * WebAssembly, the recovery in native libsecp256k1. The same answers as viem's, in a fraction of
 * the time (docs/benchmarks.md, "The acceptance path").
 */
export const signerRecovery: SignerRecovery = { digest: typedDataDigestFast, recover: recoverAddressFast };
