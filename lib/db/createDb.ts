// A Prisma client for any supported database URL. No 'server-only' here on purpose: scripts
// and tests run outside Next.js, where importing 'server-only' throws (it resolves to an empty
// module only under the `react-server` condition that Next.js sets for server code). The app
// gets its client from lib/db/client.ts, which adds that guard and the singleton.
import { PrismaClient as PostgresClient } from '../../prisma/generated/postgres/client'
import { PrismaClient as SqliteClient } from '../../prisma/generated/sqlite/client'
import { createAdapterFactory } from './createAdapterFactory'
import { parseDatabaseUrl } from './databaseUrl'
import type { Db } from './Db'
import { capturingFactory } from './driver'

/**
 * Creates a client for `url` (default: `DATABASE_URL`, then `file:./tollgate.db`), with the
 * driver adapter and generated client of its provider. The caller owns it: `await
 * db.$disconnect()` closes its connections.
 *
 * @example
 * const db = createDb('postgres://postgres@127.0.0.1:5432/tollgate')
 * const article = await db.article.findUnique({ where: { slug: 'hello' } })
 */
export function createDb(url?: string): Db {
  const parsed = parseDatabaseUrl(url)
  const { factory: adapter, current } = capturingFactory(createAdapterFactory(parsed))
  const client = parsed.provider === 'sqlite' ? new SqliteClient({ adapter }) : new PostgresClient({ adapter })
  const driver = async () => {
    if (!current()) await client.$connect()
    return current()!
  }
  // Typed as Db without a cast (this is where tsc checks that both clients satisfy it), but for
  // what the clients do not know and is attached here: the provider and the driver under them.
  const db: Db = Object.defineProperties(client as typeof client & Pick<Db, 'provider' | 'driver'>, {
    provider: { value: parsed.provider, enumerable: false },
    driver: { value: driver, enumerable: false },
  })
  return db
}
