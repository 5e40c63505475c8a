import { domainSeparator, getAddress, type Address, type PublicClient, type TypedDataDomain } from "viem";
import { getEip712Domain } from "viem/actions";
import { tollgateTokenAbi } from "../../chain/abis.generated";

/**
 * The EIP-712 domain under which `token` accepts EIP-2612 permits, or `undefined` when it does
 * not support them (then the client opens with approve + create).
 *
 * A token supports permits if it has `nonces(owner)`; its domain comes from EIP-5267's
 * `eip712Domain()` when it has one, else it is guessed as OpenZeppelin's default (`name()`,
 * version "1") and accepted only if it hashes to the token's `DOMAIN_SEPARATOR()`: a wrong
 * guess would make a permit that reverts on chain.
 *
 * @example
 * const domain = await detectPermit(publicClient, token, owner)
 * if (domain) { …sign a Permit under it… }
 */
export async function detectPermit(publicClient: PublicClient, token: Address, owner: Address): Promise<TypedDataDomain | undefined> {
  const read = (functionName: "nonces" | "name" | "DOMAIN_SEPARATOR", args: readonly unknown[] = []) =>
    publicClient.readContract({ address: token, abi: tollgateTokenAbi, functionName, args } as Parameters<typeof publicClient.readContract>[0]);
  try {
    await read("nonces", [owner]);
  } catch {
    return undefined;
  }
  try {
    const { domain, fields } = await getEip712Domain(publicClient, { address: token });
    // EIP-5267's `fields` bitmap says which members the domain has (0x0f: name, version,
    // chainId, verifyingContract); viem returns all five, and signing with a zero salt the
    // token does not use would hash a different domain and make the permit revert.
    const has = (bit: number) => (Number(fields) & bit) !== 0;
    const { name, version, chainId, verifyingContract, salt } = domain;
    return {
      ...(has(0x01) ? { name } : {}),
      ...(has(0x02) ? { version } : {}),
      ...(has(0x04) ? { chainId } : {}),
      ...(has(0x08) ? { verifyingContract } : {}),
      ...(has(0x10) ? { salt } : {}),
    };
  } catch {
    // No EIP-5267: fall through to the guess.
  }
  try {
    const [name, separator, chainId] = await Promise.all([read("name"), read("DOMAIN_SEPARATOR"), publicClient.getChainId()]);
    const guess: TypedDataDomain = { name: name as string, version: "1", chainId, verifyingContract: getAddress(token) };
    return domainSeparator({ domain: guess }) === separator ? guess : undefined;
  } catch {
    return undefined;
  }
}
