import "server-only";
import { createKeccak, type IHasher } from "hash-wasm";
import { encodeAbiParameters, hashStruct, keccak256, stringToBytes, type AbiParameter, type Hex, type hashTypedData } from "viem";
import { typedDataDigest, type DigestHashes } from "../protocol/typedDataDigest";

type TypedData = Parameters<typeof hashTypedData>[0];
type Field = { name: string; type: string };

/**
 * EIP-712 types that encode as themselves, in one 32-byte word (EIP-712's "atomic" types): a
 * struct of nothing else encodes as the ABI encoding of its type hash and its values.
 */
const STATIC_ATOMIC = /^(address|bool|bytes([1-9]|[12][0-9]|3[0-2])|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256))$/;

let hasher: IHasher | undefined;
// WebAssembly compiles asynchronously; until it has (or if it cannot), the digest is viem's, the same value.
const compiled = createKeccak(256).then((created) => {
  hasher = created;
});
compiled.catch((error: unknown) => console.error("keccak-256 in WebAssembly is unavailable: the receiver hashes with viem's JavaScript", error));

/** Resolves once the WebAssembly keccak is in use (and rejects if it cannot be). */
export const typedDataDigestFastReady = (): Promise<void> => compiled;

/** keccak-256 in WebAssembly (npm `hash-wasm`): about 1.5 µs for the digest's 66 bytes, against 6–10 µs for viem's JavaScript. */
function keccakWasm(data: Hex): Hex {
  hasher!.init();
  hasher!.update(Buffer.from(data.slice(2), "hex"));
  return `0x${hasher!.digest("hex")}`;
}

type FlatStruct = { typeHash: Hex; params: AbiParameter[] };

/**
 * Per struct type, by its fields' array (as the caller's constant types hold it) and its name
 * (one array may serve two names): its type hash and ABI layout, or null when it is not flat.
 */
const flatStructs = new WeakMap<readonly Field[], Map<string, FlatStruct | null>>();

function flatStruct(primaryType: string, fields: readonly Field[]): FlatStruct | null {
  let byName = flatStructs.get(fields);
  if (!byName) flatStructs.set(fields, (byName = new Map()));
  let struct = byName.get(primaryType);
  if (struct === undefined) {
    // A struct that refers to no other type: its encodeType is its own signature alone.
    const signature = `${primaryType}(${fields.map((field) => `${field.type} ${field.name}`).join(",")})`;
    struct = fields.every((field) => STATIC_ATOMIC.test(field.type))
      ? { typeHash: keccak256(stringToBytes(signature)), params: [{ type: "bytes32" }, ...fields.map(({ type }) => ({ type }))] }
      : null;
    byName.set(primaryType, struct);
  }
  return struct;
}

/**
 * viem's `hashStruct` for a struct of static atomic fields only (every message Tollgate signs but
 * the access request, whose path is a string): its type hash kept, its values ABI-encoded by viem,
 * hashed in WebAssembly. Any other struct is viem's.
 */
const hashFlatStruct: DigestHashes["hashStruct"] = (parameters) => {
  const fields = parameters.types[parameters.primaryType] as readonly Field[] | undefined;
  const struct = fields && flatStruct(parameters.primaryType, fields);
  if (!struct) return hashStruct(parameters);
  return keccakWasm(encodeAbiParameters(struct.params, [struct.typeHash, ...fields.map(({ name }) => (parameters.data as Record<string, unknown>)[name])]));
};

const wasmHashes: DigestHashes = { hashStruct: hashFlatStruct, keccak256: keccakWasm };

/**
 * {@link typedDataDigest} (validated as viem validates, the domain's separator kept) with its two
 * hashes faster: the receiver hashes a balance proof on every paid request, and keccak-256 in
 * JavaScript was most of that (docs/benchmarks.md, "The acceptance path"). The same digest as
 * viem's `hashTypedData` for any typed data.
 *
 * @example
 * const digest = typedDataDigestFast(balanceProofTypedData(domain, channel, 30n))
 */
export function typedDataDigestFast(typedData: TypedData): Hex {
  return typedDataDigest(typedData, hasher ? wasmHashes : undefined);
}
