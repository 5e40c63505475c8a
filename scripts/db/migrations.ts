// The migration folders (Prisma's standard layout) and applying them to a database.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { MigrationList } from '@prisma/schema-engine-wasm'
import { createDb } from '../../lib/db/createDb'
import { createAdapterFactory } from '../../lib/db/createAdapterFactory'
import { parseDatabaseUrl, type DbProvider } from '../../lib/db/databaseUrl'
import { withSchemaEngine } from './schemaEngine'
import { migrationsDir, schemaPath } from './schemas'

export const LOCKFILE = 'migration_lock.toml'
export const MIGRATION_FILE = 'migration.sql'
/** The schema each migration was generated for, saved beside it: the `from` of the next diff. */
export const SNAPSHOT_FILE = 'schema.prisma.snapshot'

/** Migration folder names, oldest first (their timestamp prefix orders them). */
export function migrationNames(provider: DbProvider): string[] {
  const dir = migrationsDir(provider)
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

/** The migrations of `provider` in the shape the schema engine takes (as Prisma's CLI builds it). */
export function readMigrations(provider: DbProvider): MigrationList {
  const baseDir = migrationsDir(provider)
  const lockfilePath = path.join(baseDir, LOCKFILE)
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: migrationNames(provider).map((name) => ({
      path: name,
      migrationFile: { path: MIGRATION_FILE, content: { tag: 'ok', value: readFileSync(path.join(baseDir, name, MIGRATION_FILE), 'utf8') } },
    })),
  }
}

/**
 * Applies the pending migrations of the URL's provider to the database at `url` (default:
 * `DATABASE_URL`, then `file:./tollgate.db`) and returns the names of those it applied, in
 * order; none on a second run. History is kept in Prisma's `_prisma_migrations` table.
 *
 * Hand-written SQL beware: on PostgreSQL the pg adapter runs a migration by splitting it on
 * every `;`, so a semicolon inside a string literal or a function body breaks it (apply such a
 * migration with `prisma migrate deploy`, where the native engine is available).
 *
 * @example
 * const applied = await applyMigrations('file:./tollgate.db') // ['20260101000000_init']
 */
export async function applyMigrations(url?: string): Promise<string[]> {
  const parsed = parseDatabaseUrl(url)
  const schema = schemaPath(parsed.provider)
  const applied = await withSchemaEngine(createAdapterFactory(parsed), [[schema, readFileSync(schema, 'utf8')]], async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: readMigrations(parsed.provider),
      filters: { externalTables: [], externalEnums: [] },
    })
    return appliedMigrationNames
  })
  if (parsed.provider === 'sqlite') await enableWriteAheadLog(parsed.url)
  return applied
}

/**
 * Puts a SQLite database in WAL mode, a setting the file keeps. A commit then appends to the
 * log with one sync instead of rewriting a rollback journal with several, and readers (a
 * backup, `sqlite3` at a prompt) no longer block the server's writers. `synchronous` stays at
 * its default (FULL): an accepted payment must survive a power cut, not only a crash.
 */
async function enableWriteAheadLog(url: string): Promise<void> {
  const db = createDb(url)
  try {
    await db.$queryRaw`PRAGMA journal_mode = WAL`
  } finally {
    await db.$disconnect()
  }
}
