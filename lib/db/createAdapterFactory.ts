import { PrismaPg } from '@prisma/adapter-pg'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { lockTimeoutMs } from './lockTimeout'
import type { DatabaseUrl } from './databaseUrl'
import { SharedConnectionLibSql } from './SharedConnectionLibSql'

/**
 * The driver adapter for a database URL: libsql for SQLite (N-API prebuilt, so it runs on
 * Node 22 with no native build), node-postgres for PostgreSQL. Both the query client
 * (createDb) and the WebAssembly schema engine (applyMigrations) talk through it.
 */
export function createAdapterFactory({ provider, url }: DatabaseUrl): SqlMigrationAwareDriverAdapterFactory {
  // intMode 'bigint': libsql's default ('number') throws on reading an integer beyond 2^53,
  // and BigInt columns (block numbers, timestamps) may hold up to 2^63−1. The adapter turns
  // bigints into what Prisma expects for both Int and BigInt fields.
  // timeout: how long (ms) a statement waits for another connection's lock before failing with
  // SQLITE_BUSY. Without it, one concurrent reader of the file (a backup, a second process) made
  // a commit fail at once and left the site answering 500 (scripts/bench/concurrentReader.ts).
  if (provider === 'sqlite') return new SharedConnectionLibSql({ url, intMode: 'bigint', timeout: lockTimeoutMs() })
  // Pool fields rather than `connectionString`: the adapter's shadow database (used when a
  // migration is diffed against a live database) overrides `database`, and a connection
  // string would win over that override.
  const u = new URL(url)
  return new PrismaPg({
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    ssl: ['require', 'verify-ca', 'verify-full'].includes(u.searchParams.get('sslmode') ?? '') || undefined,
    // A statement waiting longer for a row or table lock fails (55P03), and its request is
    // answered 503, rather than holding up every request queued behind it.
    lock_timeout: lockTimeoutMs(),
  })
}
