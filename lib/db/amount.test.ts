import assert from 'node:assert/strict'
import { it } from 'node:test'
import { MAX_AMOUNT, fromDbAmount, toDbAmount } from './amount'

it('encodes every amount as 39 digits and decodes it back exactly', () => {
  for (const amount of [0n, 1n, 10n ** 18n, 2n ** 64n, 2n ** 127n, MAX_AMOUNT - 1n, MAX_AMOUNT]) {
    const stored = toDbAmount(amount)
    assert.match(stored, /^\d{39}$/)
    assert.equal(fromDbAmount(stored), amount)
  }
  assert.equal(toDbAmount(MAX_AMOUNT), '340282366920938463463374607431768211455')
})

it('keeps numeric order as text order', () => {
  const amounts = [MAX_AMOUNT, 0n, 10n ** 18n, 9n, 10n, 2n ** 127n]
  const byText = amounts.map(toDbAmount).sort().map(fromDbAmount)
  assert.deepEqual(byText, [...amounts].sort((a, b) => (a < b ? -1 : 1)))
})

it('refuses what is not a uint128, and what toDbAmount cannot have written', () => {
  assert.throws(() => toDbAmount(-1n), RangeError)
  assert.throws(() => toDbAmount(MAX_AMOUNT + 1n), RangeError)
  for (const bad of ['', '1', '1e18', '-00000000000000000000000000000000000001', ' 000000000000000000000000000000000000001', '999999999999999999999999999999999999999']) {
    assert.throws(() => fromDbAmount(bad))
  }
})
