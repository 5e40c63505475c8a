import assert from 'node:assert/strict'
import { it } from 'node:test'
import { MAX_UINT128 } from '../protocol/wire'
import { fromDbAmount, toDbAmount } from './amount'

it('encodes every amount as 39 digits and decodes it back exactly', () => {
  for (const amount of [0n, 1n, 10n ** 18n, 2n ** 64n, 2n ** 127n, MAX_UINT128 - 1n, MAX_UINT128]) {
    const stored = toDbAmount(amount)
    assert.match(stored, /^\d{39}$/)
    assert.equal(fromDbAmount(stored), amount)
  }
  assert.equal(toDbAmount(MAX_UINT128), '340282366920938463463374607431768211455')
})

it('keeps numeric order as text order', () => {
  const amounts = [MAX_UINT128, 0n, 10n ** 18n, 9n, 10n, 2n ** 127n]
  const byText = amounts.map(toDbAmount).sort().map(fromDbAmount)
  assert.deepEqual(byText, [...amounts].sort((a, b) => (a < b ? -1 : 1)))
})

it('refuses what is not a uint128, and what toDbAmount cannot have written', () => {
  assert.throws(() => toDbAmount(-1n), RangeError)
  assert.throws(() => toDbAmount(MAX_UINT128 + 1n), RangeError)
  for (const bad of ['', '1', '1e18', '-00000000000000000000000000000000000001', ' 000000000000000000000000000000000000001', '999999999999999999999999999999999999999']) {
    assert.throws(() => fromDbAmount(bad))
  }
})
