import * as z from "zod/mini";
import { getAddress, isAddress, type Address, type Hex } from "viem";

/**
 * Codecs for the values that cross the wire, one per kind: each decodes the strict string form
 * that headers, cookies and JSON carry, and encodes back to the one canonical string, so that
 * `encode(decode(s)) === s` for every canonical `s` and `decode(encode(v))` equals `v`.
 *
 * Strict on purpose: a value has exactly one accepted spelling (no sign, exponent, leading zeros,
 * whitespace or `0x` omission), so two parties never disagree about what was paid, and parsing is
 * bounded (length is checked before anything else).
 *
 * Written with `zod/mini`, here and in every schema the pages load: its functions let the bundler
 * keep only the checks used, where classic zod's methods bring all of zod into the browser
 * (~25 kB gzipped more on the article page). Server-only code may use classic zod around them.
 */

/** Largest `uint128`: the contract's balance and deposit type. */
export const MAX_UINT128 = 2n ** 128n - 1n;
/** Largest `uint64`: the contract's open-block type. */
export const MAX_UINT64 = 2n ** 64n - 1n;

/** A canonical unsigned decimal integer of up to `bits` bits, as a bigint. */
function uintCodec(bits: 64 | 128, max: bigint) {
  const digits = max.toString().length;
  const rule = `a decimal integer from 0 to 2^${bits}-1, without sign, exponent or leading zeros`;
  return z.codec(
    z.string().check(z.maxLength(digits, { error: `must be ${rule}`, abort: true }), z.regex(/^(?:0|[1-9][0-9]*)$/, { error: `must be ${rule}`, abort: true })),
    z.bigint().check(z.minimum(0n, { error: `must be ${rule}` }), z.maximum(max, { error: `must be ${rule}` })),
    { decode: (text) => BigInt(text), encode: (value) => value.toString() },
  );
}

/** A token amount (price, balance, deposit): `uint128` in the contract. */
export const uint128Codec = uintCodec(128, MAX_UINT128);
/** A block number (a channel's open block): `uint64` in the contract. */
export const uint64Codec = uintCodec(64, MAX_UINT64);

/**
 * A 20-byte address, returned EIP-55 checksummed. A mixed-case input must carry a valid
 * checksum (that is what mixed case is for: catching a mistyped address); an all-lowercase one
 * is accepted as is.
 */
export const addressCodec = z.codec(
  z.string().check(
    z.maxLength(42, { error: "must be a 0x-prefixed 20-byte hex address", abort: true }),
    z.regex(/^0x[0-9a-fA-F]{40}$/, { error: "must be a 0x-prefixed 20-byte hex address", abort: true }),
    z.refine((text) => isAddress(text, { strict: true }), {
      error: "has a wrong EIP-55 checksum: check the address, or send it all in lowercase",
    }),
  ),
  z.custom<Address>((value) => typeof value === "string" && isAddress(value, { strict: true }), {
    error: "must be a checksummed address",
  }),
  { decode: (text) => getAddress(text), encode: (address) => getAddress(address) },
);

/**
 * A 65-byte ECDSA signature (r ‖ s ‖ v) as 0x-hex, returned in lowercase. Whether it is a valid
 * signature by the right key is the receiver's question, not the codec's.
 */
export const signatureCodec = z.codec(
  z.string().check(
    z.maxLength(132, { error: "must be a 0x-prefixed 65-byte hex signature", abort: true }),
    z.regex(/^0x[0-9a-fA-F]{130}$/, { error: "must be a 0x-prefixed 65-byte hex signature" }),
  ),
  z.custom<Hex>((value) => typeof value === "string" && /^0x[0-9a-fA-F]{130}$/.test(value), {
    error: "must be a 0x-prefixed 65-byte hex signature",
  }),
  { decode: (text) => text.toLowerCase() as Hex, encode: (signature) => signature.toLowerCase() },
);

const chainIdRule = "must be a positive decimal integer up to 2^53-1, without sign or leading zeros";

/** An EIP-155 chain id in a header: a positive safe integer in canonical decimal. */
export const chainIdCodec = z.codec(
  z.string().check(z.maxLength(16, { error: chainIdRule, abort: true }), z.regex(/^[1-9][0-9]*$/, { error: chainIdRule, abort: true })),
  z.number().check(z.int(), z.positive(), z.maximum(Number.MAX_SAFE_INTEGER, { error: chainIdRule })),
  { decode: (text) => Number(text), encode: (chainId) => String(chainId) },
);

/** An EIP-155 chain id in JSON, where it is a number (as in EIP-712 domains and `eth_chainId`). */
export const chainIdNumber = z
  .number({ error: "must be a number" })
  .check(z.int({ error: chainIdRule }), z.positive({ error: chainIdRule }), z.maximum(Number.MAX_SAFE_INTEGER, { error: chainIdRule }));

/**
 * The channel API's path root on the same origin, e.g. `/api`: an absolute path of URL-safe
 * characters, so a client can join it to the page's origin and never be sent to another host
 * (`//evil.example` is rejected).
 */
export const gatewayPathCodec = z.string().check(
  z.maxLength(256, { error: "must be an absolute path of at most 256 characters", abort: true }),
  z.regex(/^\/(?!\/)[A-Za-z0-9\-._~/]*$/, {
    error: "must be an absolute path such as /api (letters, digits, - . _ ~ /; not starting with //)",
  }),
);

/**
 * Encodes typed values to their wire strings with `schema`. A value outside its type (a balance
 * above 2^128 − 1, a malformed address) is a bug in the caller, so it throws a `TypeError` that
 * names the field, never a raw ZodError.
 */
export function encodeFields<Schema extends z.core.$ZodType>(schema: Schema, value: z.output<Schema>): z.input<Schema> {
  const result = z.safeEncode(schema, value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new TypeError(`Cannot encode ${issue?.path.join(".") || "the value"}: it ${issue?.message ?? "is invalid"}`);
}

/** What a decoder reports for the first bad field: the field's key and a sentence fragment. */
export type FieldIssue<Key extends string> = { field: Key; reason: string };

/**
 * Decodes a record of wire strings with `schema` and reports the first bad field, so callers can
 * name the header, cookie or JSON member at fault instead of passing a ZodError on.
 */
export function decodeFields<Schema extends z.core.$ZodType>(
  schema: Schema,
  input: unknown,
): { ok: true; value: z.output<Schema> } | { ok: false; issue: FieldIssue<string> } {
  const result = z.safeDecode(schema, input as z.input<Schema>);
  if (result.success) return { ok: true, value: result.data };
  const [issue] = result.error.issues;
  if (!issue) return { ok: false, issue: { field: "", reason: "is invalid" } };
  // Zod's own wording ("Invalid input: expected string, received number") is for developers of
  // the schema, not for the person reading the 400; say it in the protocol's terms instead.
  const reason = issue.code === "invalid_type" ? `is missing or not a ${issue.expected}` : issue.message;
  return { ok: false, issue: { field: issue.path.join("."), reason } };
}
