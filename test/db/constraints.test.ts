// The invariants prisma/models.prisma documents, enforced by the database itself.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { toDbAmount } from '../../lib/db/amount'
import { isUniqueViolation } from '../../lib/db/isUniqueViolation'
import { describeEachDatabase } from './databases'
import { address, dataOf, insertArticle, insertChannel, signature } from './fixtures'

const rejectsAsDuplicate = (write: Promise<unknown>, constraint: string) =>
  assert.rejects(write, (error) => isUniqueViolation(error, constraint))

describeEachDatabase('schema constraints', (database) => {
  it('a purchase is unique per (buyer, article): a retry or a second channel cannot charge twice', async () => {
    const { db } = database()
    const [channel, article, other] = [await insertChannel(db), await insertArticle(db), await insertArticle(db)]
    const purchase = { buyer: channel.sender, channelId: channel.id, articleId: article.id, amount: article.price, balance: article.price, signature: signature(1) }
    await db.purchase.create({ data: purchase })
    await rejectsAsDuplicate(db.purchase.create({ data: { ...purchase, signature: signature(2) } }), 'Purchase_buyer_articleId_key')
    // The same buyer on another of its channels, or with no channel at all (x402): still a duplicate.
    const second = await db.channel.create({ data: { ...dataOf(await insertChannel(db)), sender: channel.sender } })
    await rejectsAsDuplicate(db.purchase.create({ data: { ...purchase, channelId: second.id } }), 'Purchase_buyer_articleId_key')
    await rejectsAsDuplicate(db.purchase.create({ data: { buyer: channel.sender, articleId: article.id, amount: article.price } }), 'Purchase_buyer_articleId_key')
    // Same buyer, another article; and the same article for another buyer: both fine.
    await db.purchase.create({ data: { ...purchase, articleId: other.id } })
    const stranger = await insertChannel(db)
    await db.purchase.create({ data: { ...purchase, buyer: stranger.sender, channelId: stranger.id } })
    // A purchase paid another way than a channel has no channel, balance or signature.
    await db.purchase.create({ data: { buyer: address(0xfeed), articleId: article.id, amount: article.price } })
    assert.equal(await db.purchase.count({ where: { articleId: article.id } }), 3)
  })

  it('an article slug is unique', async () => {
    const { db } = database()
    const article = await insertArticle(db)
    await rejectsAsDuplicate(db.article.create({ data: { ...dataOf(article), title: 'Another title' } }), 'Article_slug_key')
  })

  it('a closing signature is issued once per (channel, balance)', async () => {
    const { db } = database()
    const channel = await insertChannel(db)
    const closing = { channelId: channel.id, balance: toDbAmount(5n), signature: signature(3) }
    await db.closingSignature.create({ data: closing })
    await rejectsAsDuplicate(db.closingSignature.create({ data: { ...closing, signature: signature(4) } }), 'ClosingSignature_channelId_balance_key')
    await db.closingSignature.create({ data: { ...closing, balance: toDbAmount(6n) } })
  })

  it('a channel is stored once per (chain, contract, sender, receiver, open block)', async () => {
    const { db } = database()
    const channel = dataOf(await insertChannel(db))
    await rejectsAsDuplicate(db.channel.create({ data: channel }), 'Channel_chainId_contract_sender_receiver_openBlock_key')
    // A redeployed chain may reuse every other part of the identity.
    await db.channel.create({ data: { ...channel, contract: '0x' + 'd'.repeat(40) } })
  })

  it('purchases keep their channel and article: deleting either is refused', async () => {
    const { db } = database()
    const [channel, article] = [await insertChannel(db), await insertArticle(db)]
    await db.purchase.create({ data: { buyer: channel.sender, channelId: channel.id, articleId: article.id, amount: article.price, balance: article.price, signature: signature(5) } })
    const isForeignKeyViolation = (error: unknown) => (error as { code?: string }).code === 'P2003'
    await assert.rejects(db.article.delete({ where: { id: article.id } }), isForeignKeyViolation)
    await assert.rejects(db.channel.delete({ where: { id: channel.id } }), isForeignKeyViolation)
  })
})
