// Token amounts at the store boundary: bigint in TypeScript, a fixed-width decimal string in
// the database. Why a string: amounts are uint128 (18 decimals), which overflows int64; SQLite
// has no exact type wider than int64 (NUMERIC/DECIMAL become REAL, i.e. a float, beyond it),
// and Prisma's Decimal would round there; so the only exact representation that means the same
// on SQLite and PostgreSQL is text. Why fixed width (39 digits, zero-padded): 2^128−1 has 39
// digits, so every amount has exactly one spelling and text order equals numeric order —
// `lt`/`gte` filters and ORDER BY on amount columns are then correct in SQL on both databases.

import { MAX_UINT128 } from '../protocol/wire'

const WIDTH = 39 // digits of MAX_UINT128, the contract's balance and deposit type
const STORED = /^\d{39}$/

/**
 * Encodes an amount for an amount column (and for `where` filters on one).
 *
 * @example
 * toDbAmount(10n ** 18n) // '000000000000000000001000000000000000000'
 */
export function toDbAmount(amount: bigint): string {
  if (amount < 0n || amount > MAX_UINT128) throw new RangeError(`Amount ${amount} is outside 0..2^128-1`)
  return amount.toString().padStart(WIDTH, '0')
}

/**
 * Decodes an amount column. Throws on anything `toDbAmount` cannot have written, so that a
 * hand-edited or foreign row fails loudly instead of being misread.
 */
export function fromDbAmount(stored: string): bigint {
  if (!STORED.test(stored)) throw new TypeError(`Not a stored amount: "${stored}"`)
  const amount = BigInt(stored)
  if (amount > MAX_UINT128) throw new RangeError(`Stored amount ${stored} exceeds 2^128-1`)
  return amount
}
