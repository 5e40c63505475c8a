import {
  concat,
  getTypesForEIP712Domain,
  hashDomain,
  hashStruct,
  keccak256,
  hashTypedData,
  validateTypedData,
  type Hex,
  type TypedDataDomain,
} from "viem";

type TypedData = Parameters<typeof hashTypedData>[0];

/**
 * The two hashes a digest is made of: the message's struct hash and keccak-256 of the final
 * `0x1901 ‖ domain separator ‖ struct hash`. viem's by default; the receiver, which hashes a
 * balance proof on every paid request, passes faster equivalents (lib/receiver/typedDataDigestFast.ts).
 */
export type DigestHashes = { hashStruct: typeof hashStruct; keccak256: (data: Hex) => Hex };

const viemHashes: DigestHashes = { hashStruct, keccak256: (data) => keccak256(data) };

/** Domains whose separator is kept. A receiver has one; a client one per site it pays. */
const MAX_DOMAINS = 64;
const separators = new Map<string, Hex>();

/**
 * viem's `hashTypedData`, the same digest from viem's own parts, but each domain's separator is
 * hashed once and kept. The receiver hashes a balance proof on every paid request, always in its
 * one domain, and hashing the domain was two thirds of the work (keccak-256 in JavaScript):
 * docs/benchmarks.md. The message is validated and hashed on every call, as viem does.
 *
 * @example
 * const digest = typedDataDigest(balanceProofTypedData(domain, channel, 30n))
 */
export function typedDataDigest(typedData: TypedData, hashes: DigestHashes = viemHashes): Hex {
  // A caller's own EIP712Domain type is hashed as it comes: the separator kept is that of the
  // domain's fields alone.
  if ("EIP712Domain" in (typedData.types ?? {})) return hashTypedData(typedData);
  const { domain = {}, message, primaryType } = typedData;
  const types = { EIP712Domain: getTypesForEIP712Domain({ domain }), ...typedData.types };
  validateTypedData({ domain, message, primaryType, types } as TypedData);
  const parts: Hex[] = ["0x1901", domainSeparator(domain, types)];
  if (primaryType !== "EIP712Domain") parts.push(hashes.hashStruct({ data: message as Record<string, unknown>, primaryType, types }));
  return hashes.keccak256(concat(parts));
}

function domainSeparator(domain: TypedDataDomain, types: Parameters<typeof hashDomain>[0]["types"] & { EIP712Domain: readonly { name: string }[] }): Hex {
  // The fields present decide the domain's type as much as their values do; a number and a
  // bigint of one value hash alike, a string never like either.
  const fields = types.EIP712Domain.map(({ name }) => {
    const value = domain[name as keyof TypedDataDomain];
    return [name, typeof value === "bigint" || typeof value === "number" ? `n:${value}` : `s:${String(value)}`];
  });
  const key = JSON.stringify(fields);
  let separator = separators.get(key);
  if (separator === undefined) {
    if (separators.size >= MAX_DOMAINS) separators.clear();
    separators.set(key, (separator = hashDomain({ domain, types })));
  }
  return separator;
}
