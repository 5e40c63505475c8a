import type { DbProvider } from './databaseUrl'
import type { DbTransaction } from './Db'

/**
 * The database server's clock, for leases that several hosts compare: each host's own clock
 * may be seconds off, the database's is one clock for all of them. Millisecond precision on
 * both providers.
 */
export async function databaseNow(db: Pick<DbTransaction, '$queryRaw'>, provider: DbProvider): Promise<Date> {
  const rows =
    provider === 'sqlite'
      ? await db.$queryRaw<{ now: bigint | number }[]>`SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER) AS now`
      : await db.$queryRaw<{ now: bigint | number }[]>`SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now`
  return new Date(Number(rows[0].now))
}
