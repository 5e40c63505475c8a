import type { Address, TypedDataDomain } from "viem";

/**
 * EIP-712 definitions of Tollgate's two signed messages. They must match
 * `ChannelManager.sol` field for field: `test/contracts/typedData.test.ts` checks that the
 * type hashes and the domain separator agree with the deployed contract.
 *
 * The two types differ in name and in field names, so a balance proof can never verify as a
 * closing commitment, nor the reverse; the domain binds chain id and contract address, so
 * neither can be replayed on another chain or deployment.
 */
export const EIP712_NAME = "Tollgate";
export const EIP712_VERSION = "1";

export const balanceProofTypes = {
  BalanceProof: [
    { name: "sender", type: "address" },
    { name: "receiver", type: "address" },
    { name: "openBlock", type: "uint64" },
    { name: "balance", type: "uint128" },
  ],
} as const;

export const closingCommitmentTypes = {
  ClosingCommitment: [
    { name: "sender", type: "address" },
    { name: "receiver", type: "address" },
    { name: "openBlock", type: "uint64" },
    { name: "closingBalance", type: "uint128" },
  ],
} as const;

/** A channel's identity: the key under which the contract stores it. */
export type ChannelId = {
  sender: Address;
  receiver: Address;
  openBlock: bigint;
};

export function channelDomain(chainId: number, verifyingContract: Address) {
  return { name: EIP712_NAME, version: EIP712_VERSION, chainId, verifyingContract } as const satisfies TypedDataDomain;
}

/** Typed data a sender (or its delegate) signs: the channel's cumulative balance so far. */
export function balanceProofTypedData(
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  balance: bigint,
) {
  return {
    domain: channelDomain(domain.chainId, domain.verifyingContract),
    types: balanceProofTypes,
    primaryType: "BalanceProof",
    message: { ...channel, balance },
  } as const;
}

/** Typed data the receiver signs to let a channel close cooperatively at `closingBalance`. */
export function closingCommitmentTypedData(
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  closingBalance: bigint,
) {
  return {
    domain: channelDomain(domain.chainId, domain.verifyingContract),
    types: closingCommitmentTypes,
    primaryType: "ClosingCommitment",
    message: { ...channel, closingBalance },
  } as const;
}

/**
 * A sender's (or its delegate's) request for the receiver's closing commitment at `balance`.
 * The contract never sees it: it authenticates the close request to the receiver's API, so that
 * nobody but the channel's own signers can have a channel closed early. A balance proof cannot
 * serve, since the stored one is public (the channel API and every re-sign 402 carry it). Its own
 * type name keeps it from passing for a balance proof or a closing commitment.
 */
export const closeRequestTypes = {
  CloseRequest: [
    { name: "sender", type: "address" },
    { name: "receiver", type: "address" },
    { name: "openBlock", type: "uint64" },
    { name: "balance", type: "uint128" },
  ],
} as const;

/** Typed data a sender (or its delegate) signs to ask for a cooperative close at `balance`. */
export function closeRequestTypedData(
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  balance: bigint,
) {
  return {
    domain: channelDomain(domain.chainId, domain.verifyingContract),
    types: closeRequestTypes,
    primaryType: "CloseRequest",
    message: { ...channel, balance },
  } as const;
}

/**
 * A sender's (or its delegate's) request to read an article it already bought, when it holds
 * no access token (a paid answer was lost, or a new client): it proves the buyer without a
 * payment, since the stored balance proof cannot (it is public). Names one of the sender's
 * channels (whose delegate may sign it), the article's URL path, and when it was signed: the
 * receiver accepts it only within a short window. Its own type name keeps it from passing for
 * any other of these messages.
 */
export const accessRequestTypes = {
  AccessRequest: [
    { name: "sender", type: "address" },
    { name: "receiver", type: "address" },
    { name: "openBlock", type: "uint64" },
    { name: "path", type: "string" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** Typed data a sender (or its delegate) signs to re-read the article at `path` (e.g. `/articles/hello`) it bought, at `issuedAt` (unix seconds). */
export function accessRequestTypedData(
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  path: string,
  issuedAt: bigint,
) {
  return {
    domain: channelDomain(domain.chainId, domain.verifyingContract),
    types: accessRequestTypes,
    primaryType: "AccessRequest",
    message: { ...channel, path, issuedAt },
  } as const;
}
