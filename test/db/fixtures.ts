// Rows for database tests, valid as the store would write them (amounts and hex encoded by
// lib/db). Each call makes a distinct row, so tests can share one database.
import { toDbAmount } from '../../lib/db/amount'
import type { Db, DbTransaction } from '../../lib/db/Db'
import { toDbAddress, toDbSignature } from '../../lib/db/hex'

let next = 0
const unique = () => ++next

/** A hex string of `bytes` bytes derived from n (not a real key or signature). */
const hexOf = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, '0')}`

export const address = (n: number) => toDbAddress(hexOf(n, 20))
export const signature = (n: number) => toDbSignature(hexOf(n, 65))

export function insertChannel(db: Db | DbTransaction, { deposit = 10n ** 18n } = {}) {
  const n = unique()
  return db.channel.create({
    data: {
      chainId: 31337,
      contract: address(0xc0ffee),
      sender: address(0x1000 + n),
      receiver: address(0xbeef),
      openBlock: BigInt(n),
      deposit: toDbAmount(deposit),
      confirmed: true,
    },
  })
}

export function insertArticle(db: Db | DbTransaction, { price = 10n ** 15n } = {}) {
  const n = unique()
  return db.article.create({
    data: { slug: `article-${n}`, title: `Article ${n}`, teaser: 'Free part.', body: 'Paid part.', price: toDbAmount(price), published: true },
  })
}

/** A row's writable columns: what `create` takes to make a copy of it. */
export function dataOf<T extends { id: number; createdAt: Date; updatedAt?: Date }>(row: T) {
  const data: Partial<T> = { ...row }
  delete data.id
  delete data.createdAt
  delete data.updatedAt
  return data as Omit<T, 'id' | 'createdAt' | 'updatedAt'>
}
