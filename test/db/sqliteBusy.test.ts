// The site's one SQLite connection (lib/db/SharedConnectionLibSql.ts) against a second connection
// on the same file, as a backup, `npm run receiver` or a test's own client would be. In one
// process SQLite refuses a lock another connection holds at once, without the busy timeout, so
// each conflict below is immediate; across processes the same refusal comes after the timeout.
import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import { createClient, type Client } from '@libsql/client'
import { inDriverTransaction } from '../../lib/db/driver'
import { createTestDatabase, type TestDatabase } from './databases'

const busy = (error: unknown) => {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta?.driverAdapterError?.cause
  return cause?.kind === 'SocketTimeout'
}

describe('the shared SQLite connection when another connection holds the lock', () => {
  let database: TestDatabase
  let other: Client
  before(async () => (database = await createTestDatabase('sqlite')))
  after(() => database?.dispose())
  // A fresh one each time: a statement that failed busy poisons this client too.
  beforeEach(async () => {
    other = createClient({ url: database.url })
    await database.db.signInNonce.deleteMany()
  })
  afterEach(() => other.close())

  const nonce = (value: string) => ({ data: { nonce: value, expiresAt: new Date(Date.now() + 60_000) } })
  const seenByOther = async () => (await other.execute('SELECT nonce FROM SignInNonce ORDER BY nonce')).rows.map((row) => String(row.nonce))

  it('commits again once the lock is free, after a write and a transaction were refused busy', async () => {
    const { db } = database
    await other.execute('BEGIN IMMEDIATE')
    await assert.rejects(db.signInNonce.create(nonce('refused-write')), busy)
    await assert.rejects(db.$transaction((tx) => tx.signInNonce.create(nonce('refused-transaction'))), busy)
    await other.execute('ROLLBACK')

    // libsql leaves a statement that failed busy in progress: until the connection is replaced,
    // every COMMIT on it fails ("SQL statements in progress") and keeps the write lock.
    await db.$transaction(async (tx) => {
      await tx.signInNonce.count()
      await tx.signInNonce.create(nonce('committed-transaction'))
    })
    await db.signInNonce.create(nonce('committed-write'))
    assert.deepEqual(await seenByOther(), ['committed-transaction', 'committed-write'])
    await other.execute("INSERT INTO SignInNonce (nonce, expiresAt, createdAt) VALUES ('by-other', 0, 0)")
  })

  it('takes the write lock at BEGIN: a transaction that reads first is not refused when another connection writes meanwhile', async () => {
    const { db } = database
    let othersWrite: unknown
    await db.$transaction(async (tx) => {
      await tx.signInNonce.count()
      othersWrite = await other.execute("INSERT INTO SignInNonce (nonce, expiresAt, createdAt) VALUES ('by-other', 0, 0)").catch((error: unknown) => error)
      // Under BEGIN DEFERRED the other write commits, and this upgrade fails at once (SQLITE_BUSY_SNAPSHOT).
      await tx.signInNonce.create(nonce('after-the-read'))
    })
    assert.equal((othersWrite as { code?: string }).code, 'SQLITE_BUSY', 'the other connection waits for the lock this transaction holds')
    assert.deepEqual(await seenByOther(), ['after-the-read'])
  })

  it('rolls back a transaction whose COMMIT failed, so that nothing of it is seen and the next one begins', async () => {
    const { db } = database
    const driver = await db.driver()
    // A foreign key checked only at COMMIT: the COMMIT fails, as it can on a full disk.
    await assert.rejects(
      inDriverTransaction(driver, async (tx) => {
        await tx.executeRaw({ sql: 'PRAGMA defer_foreign_keys = ON', args: [], argTypes: [] })
        await tx.executeRaw({ sql: "INSERT INTO SignInNonce (nonce, expiresAt, createdAt) VALUES ('in-the-failed-commit', 0, 0)", args: [], argTypes: [] })
        await tx.executeRaw({ sql: "INSERT INTO Purchase (buyer, articleId, amount, createdAt) VALUES ('0xb', 999999, '1', 0)", args: [], argTypes: [] })
      }),
    )
    assert.equal(await db.signInNonce.count({ where: { nonce: 'in-the-failed-commit' } }), 0, 'the failed transaction is still open on the shared connection')
    await db.$transaction((tx) => tx.signInNonce.create(nonce('next-transaction')))
    assert.deepEqual(await seenByOther(), ['next-transaction'])
  })
})
