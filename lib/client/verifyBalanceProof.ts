import { isAddressEqual, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { balanceProofTypedData, type ChannelId } from "../protocol/typedData";

/** The EIP-712 domain's variable part: the chain and the channel manager. */
export type ChannelDomain = { chainId: number; verifyingContract: Address };

/**
 * Who signed some EIP-712 typed data (a balance proof, a closing commitment), or `undefined` when
 * the signature does not recover at all
 * (malformed bytes, an invalid curve point).
 *
 * @example
 * const signer = await recoverSigner({ ...balanceProofTypedData(domain, channel, 30n), signature })
 */
export async function recoverSigner(typedData: Parameters<typeof recoverTypedDataAddress>[0]): Promise<Address | undefined> {
  try {
    return await recoverTypedDataAddress(typedData);
  } catch {
    return undefined;
  }
}

/**
 * Checks that `signature` is a balance proof of `balance` for `channel` by its sender or its
 * delegate: what a client does before adopting a balance a server claims (never trust it
 * blindly). Returns the signer either way, so a refusal can name it.
 *
 * @example
 * const { valid, signer } = await verifyBalanceProof(domain, channel, stored.balance, stored.balanceSignature, delegate)
 * if (!valid) throw new UntrustedServerProofError(…)
 */
export async function verifyBalanceProof(
  domain: ChannelDomain,
  channel: ChannelId,
  balance: bigint,
  signature: Hex,
  delegate?: Address | undefined,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  const signer = await recoverSigner({ ...balanceProofTypedData(domain, channel, balance), signature });
  const valid =
    signer !== undefined && (isAddressEqual(signer, channel.sender) || (delegate !== undefined && isAddressEqual(signer, delegate)));
  return { valid, signer };
}

