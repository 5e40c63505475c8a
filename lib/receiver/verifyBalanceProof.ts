import "server-only";
import { hexToBigInt, isAddressEqual, parseSignature, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { balanceProofTypedData, type ChannelId } from "../protocol/typedData";

/**
 * Half the order of secp256k1. The contract (OpenZeppelin's ECDSA) refuses signatures with a
 * larger `s`, their malleable twins; the receiver must refuse them too, or it would store a
 * proof it can never redeem on chain.
 */
const HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Whether `signature` over (channel, balance) was made by the channel's sender or its delegate,
 * in a form the contract will accept.
 */
export async function verifyBalanceProof(
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  balance: bigint,
  signature: Hex,
  delegate: Address | null,
): Promise<{ valid: boolean; signer?: Address }> {
  let signer: Address;
  try {
    const { s, v } = parseSignature(signature);
    if (hexToBigInt(s) > HALF_CURVE_ORDER || (v !== 27n && v !== 28n)) return { valid: false };
    signer = await recoverTypedDataAddress({ ...balanceProofTypedData(domain, channel, balance), signature });
  } catch {
    return { valid: false };
  }
  const valid = isAddressEqual(signer, channel.sender) || (delegate !== null && isAddressEqual(signer, delegate));
  return { valid, signer };
}
