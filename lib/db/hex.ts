// Addresses and signatures at the store boundary: always lower-case 0x-hex in the database, so
// that SQL equality (unique keys, `where`) is equality of values whatever case a caller or a
// wallet used (EIP-55 checksums are mixed case). Lower-case is valid input to viem everywhere.
import type { Address, Hex } from 'viem'

const ADDRESS = /^0x[0-9a-f]{40}$/i
const SIGNATURE = /^0x[0-9a-f]{130}$/i // r ‖ s ‖ v, 65 bytes, as signTypedData returns it

/** Validates an address and returns its stored form (lower-case). */
export function toDbAddress(address: string): Address {
  if (!ADDRESS.test(address)) throw new TypeError(`Not an address: "${address}"`)
  return address.toLowerCase() as Address
}

/** Validates a 65-byte signature and returns its stored form (lower-case). */
export function toDbSignature(signature: string): Hex {
  if (!SIGNATURE.test(signature)) throw new TypeError(`Not a 65-byte signature: "${signature}"`)
  return signature.toLowerCase() as Hex
}
