import type { Address, Hex, TypedDataDomain } from "viem";
import type { X402Authorization } from "../protocol/x402";

/**
 * EIP-3009's typed data, as the EIP, USDC (FiatTokenV2) and x402's `exact` scheme define it, and as
 * `TollgateToken` checks it (test/contracts/TollgateToken.eip3009.test.ts compares the type hashes).
 * The domain is the token's own, shared with its EIP-2612 permits: name "Tollgate Token", version
 * "1", the chain id and the token's address (what x402 puts in `extra.name` / `extra.version`).
 */
const authorizationFields = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
] as const;

/** `TransferWithAuthorization`: anyone may submit it (x402's facilitator does). */
export const transferWithAuthorizationTypes = { TransferWithAuthorization: authorizationFields } as const;

/** `ReceiveWithAuthorization`: only the payee may submit it; same fields, another type. */
export const receiveWithAuthorizationTypes = { ReceiveWithAuthorization: authorizationFields } as const;

/** `CancelAuthorization`: makes an unused nonce unusable. */
export const cancelAuthorizationTypes = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

/**
 * One authorization: `from` pays `to` `value` base units, valid strictly after `validAfter` and
 * strictly before `validBefore` (Unix seconds), once per `(from, nonce)`; `nonce` is 32 random
 * bytes. The same record x402's payment header carries (lib/protocol/x402.ts).
 */
export type Authorization = X402Authorization;

/**
 * The typed data of a transfer authorization, for `signTypedData`.
 *
 * @example
 * const signature = await wallet.signTypedData({ account, ...transferWithAuthorizationTypedData(domain, auth) });
 */
export function transferWithAuthorizationTypedData(domain: TypedDataDomain, message: Authorization) {
  return { domain, types: transferWithAuthorizationTypes, primaryType: "TransferWithAuthorization", message } as const;
}

/** The typed data of a receive authorization (submitted by `message.to` only). */
export function receiveWithAuthorizationTypedData(domain: TypedDataDomain, message: Authorization) {
  return { domain, types: receiveWithAuthorizationTypes, primaryType: "ReceiveWithAuthorization", message } as const;
}

/** The typed data of the cancellation of `authorizer`'s authorization `nonce`. */
export function cancelAuthorizationTypedData(domain: TypedDataDomain, message: { authorizer: Address; nonce: Hex }) {
  return { domain, types: cancelAuthorizationTypes, primaryType: "CancelAuthorization", message } as const;
}
