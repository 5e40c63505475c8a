import { isAddressEqual, type Address, type Hex } from "viem";
import { closingCommitmentTypedData, type ChannelId } from "../protocol/typedData";
import { recoverSigner, type ChannelDomain } from "../protocol/verifyBalanceProof";

/**
 * Checks that `signature` is the receiver's closing commitment to `closingBalance` for
 * `channel`, so that a cooperative close with it will not revert.
 *
 * @example
 * const { valid } = await verifyClosingSignature(domain, channel, balance, closingSignature)
 */
export async function verifyClosingSignature(
  domain: ChannelDomain,
  channel: ChannelId,
  closingBalance: bigint,
  signature: Hex,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  const signer = await recoverSigner({ ...closingCommitmentTypedData(domain, channel, closingBalance), signature });
  return { valid: signer !== undefined && isAddressEqual(signer, channel.receiver), signer };
}
