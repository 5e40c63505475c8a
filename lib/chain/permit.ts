import type { Address, TypedDataDomain } from "viem";

/** EIP-2612's `Permit` type, as every permit-capable ERC-20 (OpenZeppelin's ERC20Permit) defines it. */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The typed data of a permit letting `spender` take `value` of `owner`'s tokens until `deadline`. */
export function permitTypedData(
  domain: TypedDataDomain,
  message: { owner: Address; spender: Address; value: bigint; nonce: bigint; deadline: bigint },
) {
  return { domain, types: permitTypes, primaryType: "Permit", message } as const;
}
