// isDatabaseBusy against real refusals: a lock another connection holds (SQLite's write lock,
// a PostgreSQL table lock past lock_timeout) and a PostgreSQL deadlock, each told apart from an
// error that sending the request again cannot cure.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createClient } from '@libsql/client'
import pg from 'pg'
import { createAdapterFactory } from '../../lib/db/createAdapterFactory'
import { createDb } from '../../lib/db/createDb'
import { sqlStatement } from '../../lib/db/driver'
import { parseDatabaseUrl } from '../../lib/db/databaseUrl'
import { isDatabaseBusy } from '../../lib/db/isDatabaseBusy'
import { describeEachDatabase } from './databases'
import { insertArticle } from './fixtures'

const nonce = (value: string) => ({ data: { nonce: value, expiresAt: new Date(Date.now() + 60_000) } })

describeEachDatabase('telling a busy database from a failed query', (database, provider) => {
  it('a write that needs a lock another connection holds is busy', async () => {
    const { db, url } = database()
    if (provider === 'sqlite') {
      const other = createClient({ url })
      try {
        await other.execute('BEGIN IMMEDIATE')
        const refused = await db.signInNonce.create(nonce('held')).catch((error: unknown) => error)
        assert.ok(isDatabaseBusy(refused), String(refused))
        await other.execute('ROLLBACK')
      } finally {
        other.close()
      }
    } else {
      const other = new pg.Client({ connectionString: url })
      await other.connect()
      try {
        await other.query('BEGIN')
        await other.query('LOCK TABLE "SignInNonce" IN ACCESS EXCLUSIVE MODE')
        const refused = await db
          .$transaction(async (tx) => {
            await tx.$executeRaw`SET LOCAL lock_timeout = '100ms'`
            await tx.signInNonce.create(nonce('held'))
          })
          .catch((error: unknown) => error)
        assert.ok(isDatabaseBusy(refused), String(refused))
        await other.query('ROLLBACK')
      } finally {
        await other.end()
      }
    }
    await db.signInNonce.create(nonce('held'))
  })

  it('a transaction that cannot start in time (every connection, or the one SQLite connection, taken) is busy', async () => {
    const { db } = database()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const holding = new Promise<void>((resolve) => (started = resolve))
    // Holds the one SQLite connection (the adapter runs one transaction at a time) or, on
    // PostgreSQL, one pooled connection per transaction: enough of them to exhaust the pool.
    const holders = Array.from({ length: provider === 'sqlite' ? 1 : 40 }, () =>
      db.$transaction(async (tx) => {
        await tx.signInNonce.count()
        started()
        await held
      }, { maxWait: 10_000, timeout: 20_000 }),
    )
    await holding
    // Prisma's maxWait timer does not hold the event loop open, as a server's sockets do.
    const server = setInterval(() => {}, 1000)
    const refused = await db.$transaction((tx) => tx.signInNonce.count(), { maxWait: 50 }).catch((error: unknown) => error)
    clearInterval(server)
    release()
    await Promise.allSettled(holders)
    if (!(refused instanceof Error)) return assert.ok(provider === 'postgres', 'SQLite ran a second transaction beside the first')
    assert.ok(isDatabaseBusy(refused), String(refused))
  })

  it('a write waits no longer than DATABASE_LOCK_TIMEOUT_MS for a row another connection holds, through Prisma or the driver', { skip: provider === 'sqlite' && 'the site suite test/integration/busyDatabase.test.ts holds SQLite to it', timeout: 20_000 }, async () => {
    const { url } = database()
    const before = process.env.DATABASE_LOCK_TIMEOUT_MS
    process.env.DATABASE_LOCK_TIMEOUT_MS = '200'
    const db = createDb(url)
    if (before === undefined) delete process.env.DATABASE_LOCK_TIMEOUT_MS
    else process.env.DATABASE_LOCK_TIMEOUT_MS = before
    const other = new pg.Client({ connectionString: url })
    await other.connect()
    try {
      await db.signInNonce.create(nonce('row'))
      await other.query('BEGIN')
      await other.query(`SELECT * FROM "SignInNonce" WHERE nonce = 'row' FOR UPDATE`)
      const viaPrisma = await db.signInNonce.delete({ where: { nonce: 'row' } }).catch((error: unknown) => error)
      assert.ok(isDatabaseBusy(viaPrisma), String(viaPrisma))
      const viaDriver = await (await db.driver()).executeRaw(sqlStatement('postgres', `DELETE FROM "SignInNonce" WHERE nonce = ?`, ['row'])).catch((error: unknown) => error)
      assert.ok(isDatabaseBusy(viaDriver), String(viaDriver))
      await other.query('ROLLBACK')
      await db.signInNonce.delete({ where: { nonce: 'row' } })
    } finally {
      await other.end()
      await db.$disconnect()
    }
  })

  it("the driver adapter's own error for a statement sent to it directly is busy too", { skip: provider === 'postgres' && 'the lock case above covers the cause; this is about the error around it' }, async () => {
    const { url } = database()
    const adapter = await createAdapterFactory(parseDatabaseUrl(url)).connect()
    const other = createClient({ url })
    try {
      await other.execute('BEGIN IMMEDIATE')
      const refused = await adapter.startTransaction().catch((error: unknown) => error)
      assert.equal((refused as Error).name, 'DriverAdapterError')
      assert.ok(isDatabaseBusy(refused), String(refused))
      await other.execute('ROLLBACK')
    } finally {
      other.close()
      await adapter.dispose()
    }
  })

  it('a deadlock is busy: one of the two transactions can be sent again', { skip: provider === 'sqlite' && 'SQLite runs one writer at a time: no deadlock' }, async () => {
    const { db } = database()
    const [a, b] = [await insertArticle(db), await insertArticle(db)]
    let firstLocked!: () => void
    let secondLocked!: () => void
    const first = new Promise<void>((resolve) => (firstLocked = resolve))
    const second = new Promise<void>((resolve) => (secondLocked = resolve))
    const retitle = (id: number, title: string) => ({ where: { id }, data: { title } })
    const results = await Promise.allSettled([
      db.$transaction(async (tx) => {
        await tx.article.update(retitle(a.id, 'first'))
        firstLocked()
        await second
        await tx.article.update(retitle(b.id, 'first'))
      }),
      db.$transaction(async (tx) => {
        await first
        await tx.article.update(retitle(b.id, 'second'))
        secondLocked()
        await tx.article.update(retitle(a.id, 'second'))
      }),
    ])
    const refused = results.filter((r) => r.status === 'rejected')
    assert.equal(refused.length, 1, results.map((r) => r.status).join())
    assert.ok(isDatabaseBusy(refused[0].reason), String(refused[0].reason))
  })

  it('a failed query is not busy', async () => {
    const { db } = database()
    await db.signInNonce.create(nonce('taken'))
    assert.equal(isDatabaseBusy(await db.signInNonce.create(nonce('taken')).catch((error: unknown) => error)), false)
    assert.equal(isDatabaseBusy(new Error('SQLITE_BUSY: database is locked')), false, 'a message alone proves nothing')
  })
})
