/**
 * fast-check arbitraries for the protocol's wire values. Test-only: imported by the
 * `*.test.ts` files beside it, never by library code.
 */
import fc from "fast-check";
import { bytesToHex, getAddress, type Address, type Hex, type hashTypedData } from "viem";
import type { ChannelState } from "./channelState";
import type { Payment } from "./payment";
import type { PaymentTerms } from "./paymentRequest";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData, closingCommitmentTypedData } from "./typedData";
import { MAX_UINT128, MAX_UINT64 } from "./wire";

export const address: fc.Arbitrary<Address> = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => getAddress(bytesToHex(bytes)));

export const signature: fc.Arbitrary<Hex> = fc.uint8Array({ minLength: 65, maxLength: 65 }).map((bytes) => bytesToHex(bytes));

/** Biased towards the edges (0, 1, the maximum) as well as the whole range. */
export const uint128 = fc.oneof(fc.constantFrom(0n, 1n, MAX_UINT128), fc.bigInt({ min: 0n, max: MAX_UINT128 }));
export const uint64 = fc.oneof(fc.constantFrom(0n, 1n, MAX_UINT64), fc.bigInt({ min: 0n, max: MAX_UINT64 }));
export const chainId = fc.oneof(fc.constantFrom(1, 31337, Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: 2 ** 31 }));

/** fast-check builds records without a prototype; decoders return plain objects. */
const plain = <T extends object>(value: T): T => ({ ...value });

export const payment: fc.Arbitrary<Payment> = fc
  .record({ sender: address, receiver: address, openBlock: uint64, balance: uint128, balanceSignature: signature })
  .map(plain);

export const terms: fc.Arbitrary<PaymentTerms> = fc
  .record({
    price: uint128,
    receiver: address,
    contract: address,
    token: address,
    chainId,
    gatewayPath: fc.constantFrom("/", "/api", "/api/v1", "/gateway/channels"),
  })
  .map(plain);

export const channelState: fc.Arbitrary<ChannelState> = fc
  .record(
    { sender: address, openBlock: uint64, balance: uint128, balanceSignature: signature },
    { requiredKeys: ["sender", "openBlock", "balance"] },
  )
  .map(plain);

/**
 * Header and cookie values an attacker or a buggy client might send: near-misses of valid
 * values (signs, exponents, whitespace, wrong lengths, mixed case, unicode digits) and noise.
 */
export const adversarialValue: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "",
    " ",
    "-1",
    "+1",
    "1e3",
    "0x10",
    "00",
    "01",
    " 1",
    "1 ",
    "1.0",
    "１２",
    "NaN",
    "Infinity",
    "340282366920938463463374607431768211456", // 2^128
    "18446744073709551616", // 2^64
    "9".repeat(100000),
    "0x",
    `0x${"0".repeat(39)}`,
    `0x${"0".repeat(41)}`,
    `0x${"g".repeat(40)}`,
    "0xAbCdEf0000000000000000000000000000000000",
    `0x${"a".repeat(129)}`,
    `0x${"a".repeat(131)}`,
    "1, 2",
    "__proto__",
    "constructor",
  ),
  uint128.map((n) => n.toString()),
  uint128.map((n) => `-${n}`),
  uint128.map((n) => `0${n}`),
  address.map((a) => a.toUpperCase()),
  address.map((a) => a.slice(2)),
  signature.map((s) => s.slice(0, -2)),
);

/** Every message Tollgate signs, each with its own domain, channel, amount and path. */
export const signedMessages: fc.Arbitrary<Parameters<typeof hashTypedData>[0][]> = fc
  .record({
    domain: fc.record({ chainId, verifyingContract: address }),
    channel: fc.record({ sender: address, receiver: address, openBlock: uint64 }),
    amount: uint128,
    path: fc.string(),
  })
  .map(({ domain, channel, amount, path }) => [
    balanceProofTypedData(domain, channel, amount),
    closingCommitmentTypedData(domain, channel, amount),
    closeRequestTypedData(domain, channel, amount),
    accessRequestTypedData(domain, channel, path, amount & 0xffffffffffffffffn),
  ]);

