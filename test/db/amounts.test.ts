// Amounts up to 2^128−1 and block numbers up to 2^63−1 survive both databases exactly, and
// SQL compares amounts as numbers (the point of their fixed-width encoding).
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { fromDbAmount, toDbAmount } from '../../lib/db/amount'
import { ChannelStatus } from '../../lib/db/Db'
import { MAX_UINT128 } from '../../lib/protocol/wire'
import { describeEachDatabase } from './databases'
import { address, insertChannel } from './fixtures'

const EDGE = [MAX_UINT128, MAX_UINT128 - 1n, 2n ** 127n + 1n, 2n ** 64n + 1n, 2n ** 63n, 10n ** 18n + 1n, 1n, 0n]

describeEachDatabase('amounts', (database) => {
  it('round-trip exactly near 2^128−1', async () => {
    const { db } = database()
    for (const amount of EDGE) {
      const channel = await insertChannel(db, { deposit: amount })
      const updated = await db.channel.update({
        where: { id: channel.id },
        data: { balance: toDbAmount(amount), version: { increment: 1 } },
      })
      const read = await db.channel.findUniqueOrThrow({ where: { id: updated.id } })
      assert.equal(fromDbAmount(read.deposit), amount)
      assert.equal(fromDbAmount(read.balance), amount)
    }
  })

  it('compare and sort as numbers in SQL', async () => {
    const { db } = database()
    const ids = []
    for (const amount of EDGE) ids.push((await insertChannel(db, { deposit: amount })).id)
    const sorted = await db.channel.findMany({ where: { id: { in: ids } }, orderBy: { deposit: 'asc' } })
    assert.deepEqual(sorted.map((c) => fromDbAmount(c.deposit)), [...EDGE].reverse())
    const above = await db.channel.count({ where: { id: { in: ids }, deposit: { gt: toDbAmount(2n ** 64n) } } })
    assert.equal(above, 4) // MAX, MAX−1, 2^127+1, 2^64+1
  })

  it('a new channel starts open, unconfirmed, at version 0, with nothing paid or withdrawn', async () => {
    const { db } = database()
    const { id } = await db.channel.create({
      data: { chainId: 1, contract: address(1), sender: address(2), receiver: address(3), openBlock: 1n, deposit: toDbAmount(1n) },
    })
    const channel = await db.channel.findUniqueOrThrow({ where: { id } })
    assert.deepEqual(
      [channel.status, channel.confirmed, channel.version, fromDbAmount(channel.balance), fromDbAmount(channel.withdrawn)],
      [ChannelStatus.open, false, 0, 0n, 0n],
    )
  })

  it('block numbers and timestamps round-trip up to 2^63−1', async () => {
    const { db } = database()
    const channel = await insertChannel(db)
    const max = 2n ** 63n - 1n
    await db.channel.update({ where: { id: channel.id }, data: { openBlock: max, settleAfter: max, confirmedBlock: max - 1n } })
    const read = await db.channel.findUniqueOrThrow({ where: { id: channel.id } })
    assert.deepEqual([read.openBlock, read.settleAfter, read.confirmedBlock], [max, max, max - 1n])
  })
})
