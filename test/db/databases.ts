// Fresh databases for tests, on both providers. Any suite that needs receiver state (these
// database tests, the gate's integration tests) runs its tests once per provider with
// `describeEachDatabase`, or takes one database with `createTestDatabase` when it needs the
// URL itself (e.g. to start a server with DATABASE_URL).
//
// SQLite: a new file in a new temporary directory. PostgreSQL: a scratch database
// `tollgate_test_<pid>_<n>` created on the server at TEST_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. When that server does
// not answer, PostgreSQL suites are skipped with the reason, except under CI=true, where
// they fail: CI must never pass by skipping the scale-out database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe } from 'node:test'
import pg from 'pg'
import { createDb } from '../../lib/db/createDb'
import { redactDatabaseUrl, type DbProvider } from '../../lib/db/databaseUrl'
import type { Db } from '../../lib/db/Db'
import { applyMigrations } from '../../scripts/db/migrations'

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TestDatabase extends AsyncDisposable {
  provider: DbProvider
  /** The database's URL, for createDb or a child process's DATABASE_URL. */
  url: string
  /** A client on it, closed by dispose. */
  db: Db
  /** Closes the client and deletes the database. */
  dispose(): Promise<void>
}

/** Why PostgreSQL tests cannot run here, or null when the server answers. Asked once. */
export const postgresUnavailable: string | null = await (async () => {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return `PostgreSQL does not answer at ${redactDatabaseUrl(POSTGRES_ADMIN_URL)}: ${(error as Error).message || String(error)}`
  } finally {
    await client.end().catch(() => {})
  }
})()

let created = 0

/**
 * Creates an empty database of `provider`, migrated unless `migrate: false`.
 *
 * @example
 * await using t = await createTestDatabase('sqlite')
 * await t.db.article.count()
 */
export async function createTestDatabase(
  provider: DbProvider,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { url, drop } = provider === 'sqlite' ? createSqliteFile() : await createPostgresDatabase()
  try {
    if (migrate) await applyMigrations(url)
  } catch (error) {
    await drop()
    throw error
  }
  const db = createDb(url)
  const dispose = async () => {
    await db.$disconnect()
    await drop()
  }
  return { provider, url, db, dispose, [Symbol.asyncDispose]: dispose }
}

/**
 * Declares `body` once per provider, as `<name> (sqlite)` and `<name> (postgres)`, each with
 * its own fresh database (shared by that suite's tests: give rows distinct keys). `database()`
 * returns it inside tests and hooks; `provider` is known while declaring (e.g. to skip a test).
 *
 * @example
 * describeEachDatabase('articles', (database) => {
 *   it('counts', async () => assert.equal(await database().db.article.count(), 0))
 * })
 */
export function describeEachDatabase(
  name: string,
  body: (database: () => TestDatabase, provider: DbProvider) => void,
  { migrate = true }: { migrate?: boolean } = {},
): void {
  for (const provider of ['sqlite', 'postgres'] as const) {
    const unavailable = provider === 'postgres' ? postgresUnavailable : null
    const skip = unavailable && process.env.CI !== 'true' ? `${unavailable} (set CI=true to fail instead)` : false
    describe(`${name} (${provider})`, { skip }, () => {
      let current: TestDatabase | undefined
      before(async () => {
        if (unavailable) throw new Error(`${unavailable}; CI=true requires the PostgreSQL tests to run`)
        current = await createTestDatabase(provider, { migrate })
      })
      after(() => current?.dispose())
      body(() => {
        if (!current) throw new Error('The test database exists only inside tests and hooks')
        return current
      }, provider)
    })
  }
}

function createSqliteFile() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-test-'))
  return {
    url: `file:${path.join(dir, 'test.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

async function createPostgresDatabase() {
  const name = `tollgate_test_${process.pid}_${++created}`
  await adminQuery(`CREATE DATABASE "${name}"`)
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // FORCE: a client a failed test left open must not keep the database alive.
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  }
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
