// The concurrency pattern the receiver relies on: inside one interactive transaction, a
// version-guarded update of the channel plus the purchase it pays for. Of two debits made
// against the same channel version exactly one commits; a throw undoes every write.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { fromDbAmount, toDbAmount } from '../../lib/db/amount'
import type { Channel, Db } from '../../lib/db/Db'
import { isUniqueViolation } from '../../lib/db/isUniqueViolation'
import { describeEachDatabase } from './databases'
import { dataOf, insertArticle, insertChannel, signature } from './fixtures'

class StaleVersion extends Error {}

/**
 * What the gate does once a proof checked out against `seen` (the channel as it read it):
 * raise the balance by `price` only if nobody wrote the channel since, and record the purchase.
 */
async function debit(db: Db, seen: Channel, articleId: number, price: bigint, sig: number) {
  const balance = toDbAmount(fromDbAmount(seen.balance) + price)
  return db.$transaction(async (tx) => {
    const { count } = await tx.channel.updateMany({
      where: { id: seen.id, version: seen.version },
      data: { balance, balanceSignature: signature(sig), version: { increment: 1 } },
    })
    if (count === 0) throw new StaleVersion() // rolls back; the caller answers 402 and re-reads
    return tx.purchase.create({ data: { buyer: seen.sender, channelId: seen.id, articleId, amount: toDbAmount(price), balance, signature: signature(sig) } })
  })
}

describeEachDatabase('version-guarded transactions', (database, provider) => {
  it('of two concurrent debits on one channel version, exactly one wins (20 rounds)', async () => {
    const { db } = database()
    const [a, b] = [await insertArticle(db), await insertArticle(db)]
    for (let round = 0; round < 20; round++) {
      const seen = await insertChannel(db)
      const results = await Promise.allSettled([debit(db, seen, a.id, 7n, 1), debit(db, seen, b.id, 11n, 2)])

      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      assert.equal(won.length, 1, `round ${round}: ${results.map((r) => r.status)}`)
      assert.ok(lost[0].reason instanceof StaleVersion, `round ${round}: ${lost[0].reason}`)

      const after = await db.channel.findUniqueOrThrow({ where: { id: seen.id }, include: { purchases: true } })
      assert.equal(after.version, seen.version + 1)
      assert.equal(after.purchases.length, 1)
      assert.equal(after.balance, after.purchases[0].balance) // the winner's balance, nobody else's
      assert.equal(fromDbAmount(after.balance), fromDbAmount(after.purchases[0].amount))
    }
  })

  // The race above may or may not interleave; this one forces it. Both transactions read the
  // channel, then wait for each other, then update: under READ COMMITTED the second update
  // blocks on the first one's row lock and, once it commits, re-checks `version` and matches
  // nothing. (The libsql adapter runs one transaction at a time, so on SQLite they cannot
  // interleave and the barrier would wait forever.)
  it('two transactions both past their read when either writes: still exactly one wins', {
    skip: provider === 'sqlite' && 'the libsql adapter serializes transactions; they cannot interleave',
  }, async () => {
    const { db } = database()
    const [a, b] = [await insertArticle(db), await insertArticle(db)]
    const seen = await insertChannel(db)
    let arrived = 0
    let release!: () => void
    const bothRead = new Promise<void>((resolve) => (release = resolve))
    const race = (articleId: number, sig: number) =>
      db.$transaction(async (tx) => {
        const channel = await tx.channel.findUniqueOrThrow({ where: { id: seen.id } })
        if (++arrived === 2) release()
        await bothRead
        const { count } = await tx.channel.updateMany({
          where: { id: channel.id, version: channel.version },
          data: { balanceSignature: signature(sig), version: { increment: 1 } },
        })
        if (count === 0) throw new StaleVersion()
        await tx.purchase.create({ data: { buyer: channel.sender, channelId: channel.id, articleId, amount: toDbAmount(1n), balance: toDbAmount(1n), signature: signature(sig) } })
      })
    const results = await Promise.allSettled([race(a.id, 8), race(b.id, 9)])
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
    assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof StaleVersion))
    assert.equal((await db.channel.findUniqueOrThrow({ where: { id: seen.id } })).version, seen.version + 1)
    assert.equal(await db.purchase.count({ where: { channelId: seen.id } }), 1)
  })

  it('a throw inside the transaction rolls back every write', async () => {
    const { db } = database()
    const [channel, article] = [await insertChannel(db), await insertArticle(db)]
    const boom = new Error('after all writes')
    await assert.rejects(
      db.$transaction(async (tx) => {
        await tx.channel.updateMany({ where: { id: channel.id, version: channel.version }, data: { balance: toDbAmount(5n), version: { increment: 1 } } })
        await tx.purchase.create({ data: { buyer: channel.sender, channelId: channel.id, articleId: article.id, amount: toDbAmount(5n), balance: toDbAmount(5n), signature: signature(3) } })
        await tx.closingSignature.create({ data: { channelId: channel.id, balance: toDbAmount(5n), signature: signature(4) } })
        await tx.article.update({ where: { id: article.id }, data: { title: 'changed' } })
        throw boom
      }),
      boom,
    )
    assert.deepEqual(await db.channel.findUniqueOrThrow({ where: { id: channel.id } }), channel)
    assert.deepEqual(await db.article.findUniqueOrThrow({ where: { id: article.id } }), article)
    assert.equal(await db.purchase.count({ where: { channelId: channel.id } }), 0)
    assert.equal(await db.closingSignature.count({ where: { channelId: channel.id } }), 0)
  })

  it('a retried purchase fails on its unique key and takes its balance update back with it', async () => {
    const { db } = database()
    const [channel, article] = [await insertChannel(db), await insertArticle(db)]
    await debit(db, channel, article.id, 5n, 5)
    const now = await db.channel.findUniqueOrThrow({ where: { id: channel.id } })
    // The same article again, on the current version: the guard passes, the purchase does not.
    await assert.rejects(debit(db, now, article.id, 5n, 6), (error) => isUniqueViolation(error, 'Purchase_buyer_articleId_key'))
    assert.deepEqual(await db.channel.findUniqueOrThrow({ where: { id: channel.id } }), now) // charged once
  })

  it('the same buyer buying one article on two channels at once is charged once', async () => {
    const { db } = database()
    const article = await insertArticle(db)
    for (let round = 0; round < 10; round++) {
      const first = await insertChannel(db) // a new buyer each round
      const second = await db.channel.create({ data: { ...dataOf(await insertChannel(db)), sender: first.sender } })
      const results = await Promise.allSettled([debit(db, first, article.id, 5n, 7), debit(db, second, article.id, 5n, 8)])
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
      const lost = results.find((r) => r.status === 'rejected')!
      assert.ok(isUniqueViolation(lost.reason, 'Purchase_buyer_articleId_key'), String(lost.reason))
      // The loser's balance update was rolled back with its purchase.
      const balances = await Promise.all([first, second].map((c) => db.channel.findUniqueOrThrow({ where: { id: c.id } })))
      assert.deepEqual(balances.map((c) => fromDbAmount(c.balance)).sort(), [0n, 5n])
    }
    assert.equal(await db.purchase.count({ where: { articleId: article.id } }), 10)
  })
})
