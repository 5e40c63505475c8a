import { hexToBigInt, isAddressEqual, parseSignature, recoverAddress, type Address, type Hex, type hashTypedData } from "viem";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData, type ChannelId } from "./typedData";
import { typedDataDigest } from "./typedDataDigest";

/** The EIP-712 domain's variable part: the chain and the channel manager. */
export type ChannelDomain = { chainId: number; verifyingContract: Address };

/**
 * Half the order of secp256k1. The contract (OpenZeppelin's ECDSA) refuses signatures with a
 * larger `s`, the malleable twins of valid ones, and any `v` but 27 or 28. Whoever accepts a
 * signature off chain must refuse the same ones, or it holds a proof it can never redeem.
 */
const HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * How a signer is found: the EIP-712 digest of the typed data, and the address that signed a
 * 32-byte digest. viem's (pure JavaScript) by default; the receiver, which recovers one signer per
 * paid request, passes faster equivalents (lib/receiver/signerRecovery.ts).
 */
export type SignerRecovery = {
  digest(typedData: Parameters<typeof hashTypedData>[0]): Hex;
  recover(hash: Hex, signature: Hex): Promise<Address> | Address;
};

const viemRecovery: SignerRecovery = { digest: typedDataDigest, recover: (hash, signature) => recoverAddress({ hash, signature }) };

/**
 * Who signed some EIP-712 typed data (a balance proof, a closing commitment), or `undefined`
 * when the signature is malformed, malleable, or does not recover: the signatures the contract
 * would refuse.
 *
 * @example
 * const signer = await recoverSigner({ ...balanceProofTypedData(domain, channel, 30n), signature })
 */
export async function recoverSigner(
  { signature, ...typedData }: Parameters<typeof hashTypedData>[0] & { signature: Hex },
  recovery: SignerRecovery = viemRecovery,
): Promise<Address | undefined> {
  try {
    const { s, v } = parseSignature(signature);
    if (hexToBigInt(s) > HALF_CURVE_ORDER || (v !== 27n && v !== 28n)) return undefined;
    return await recovery.recover(recovery.digest(typedData), signature);
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` is a balance proof of `balance` for `channel` by its sender or its
 * delegate, in a form the contract accepts: what the receiver checks before accepting a payment,
 * and what a client checks before adopting a balance a server claims. Returns the signer either
 * way, so a refusal can name it.
 *
 * @example
 * const { valid, signer } = await verifyBalanceProof(domain, channel, 30n, signature, delegate)
 */
export function verifyBalanceProof(
  domain: ChannelDomain,
  channel: ChannelId,
  balance: bigint,
  signature: Hex,
  delegate?: Address | null,
  recovery?: SignerRecovery,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  return signedByChannel({ ...balanceProofTypedData(domain, channel, balance), signature }, channel, delegate, recovery);
}

/**
 * Whether `signature` is the channel's sender's (or delegate's) request to close at `balance`
 * (`closeRequestTypedData`): what the receiver checks before it signs a closing commitment.
 *
 * @example
 * const { valid } = await verifyCloseRequest(domain, channel, stored.balance, signature, delegate)
 */
export function verifyCloseRequest(
  domain: ChannelDomain,
  channel: ChannelId,
  balance: bigint,
  signature: Hex,
  delegate?: Address | null,
  recovery?: SignerRecovery,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  return signedByChannel({ ...closeRequestTypedData(domain, channel, balance), signature }, channel, delegate, recovery);
}

/**
 * Whether `signature` is the channel's sender's (or delegate's) request to re-read the article at `path`,
 * signed at `issuedAt` (`accessRequestTypedData`). The caller checks the time window.
 *
 * @example
 * const { valid } = await verifyAccessRequest(domain, channel, "/articles/hello", 1733059200n, signature, delegate)
 */
export function verifyAccessRequest(
  domain: ChannelDomain,
  channel: ChannelId,
  path: string,
  issuedAt: bigint,
  signature: Hex,
  delegate?: Address | null,
  recovery?: SignerRecovery,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  return signedByChannel({ ...accessRequestTypedData(domain, channel, path, issuedAt), signature }, channel, delegate, recovery);
}

async function signedByChannel(
  typedData: Parameters<typeof recoverSigner>[0],
  channel: ChannelId,
  delegate: Address | null | undefined,
  recovery: SignerRecovery | undefined,
): Promise<{ valid: boolean; signer: Address | undefined }> {
  const signer = await recoverSigner(typedData, recovery);
  return { valid: signer !== undefined && isChannelSigner(channel, delegate, signer), signer };
}

/**
 * Whether `signer` may sign for the channel: its sender, or the delegate (a session key) fixed
 * when it was opened.
 *
 * @example
 * if (!isChannelSigner(channel, delegate, await recoverSigner(proof))) throw …
 */
export function isChannelSigner(channel: Pick<ChannelId, "sender">, delegate: Address | null | undefined, signer: Address): boolean {
  return isAddressEqual(signer, channel.sender) || (!!delegate && isAddressEqual(signer, delegate));
}
