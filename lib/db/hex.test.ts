import assert from 'node:assert/strict'
import { it } from 'node:test'
import { toDbAddress, toDbSignature } from './hex'

it('stores addresses and signatures lower-case, whatever case they came in', () => {
  const checksummed = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
  assert.equal(toDbAddress(checksummed), checksummed.toLowerCase())
  assert.equal(toDbAddress(checksummed.toLowerCase()), toDbAddress(checksummed.toUpperCase().replace('0X', '0x')))
  const sig = `0x${'Ab'.repeat(65)}`
  assert.equal(toDbSignature(sig), sig.toLowerCase())
})

it('refuses malformed values', () => {
  for (const bad of ['', '0x', '5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', `0x${'g'.repeat(40)}`, `0x${'a'.repeat(41)}`]) {
    assert.throws(() => toDbAddress(bad), TypeError)
  }
  assert.throws(() => toDbSignature(`0x${'a'.repeat(128)}`), TypeError) // 64-byte compact form
})
