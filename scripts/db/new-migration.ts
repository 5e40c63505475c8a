// Creates the next migration for both providers from the change in prisma/models.prisma.
//
//   npx tsx scripts/db/new-migration.ts <name>    write prisma/{sqlite,postgres}/migrations/<timestamp>_<name>/
//   npx tsx scripts/db/new-migration.ts --check   exit 1 if the models have changes no migration covers
//
// Each migration folder holds Prisma's migration.sql and a snapshot of the schema it was made
// for; the next migration is the diff from that snapshot to the current schema. Diffing two
// datamodels needs no database, so this runs offline and without DATABASE_URL for both
// providers. (Prisma's way, replaying the migrations into a shadow database and introspecting
// it, fails over adapters: the pg adapter cannot introspect, and the WebAssembly engine sends
// each migration to the shadow as one executeRaw, of which libsql runs the first statement.
// test/db/migrate.test.ts checks the committed SQL against the schema instead.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  ColumnTypeEnum,
  mockMigrationAwareAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils'
import type { DbProvider } from '../../lib/db/databaseUrl'
import { LOCKFILE, MIGRATION_FILE, SNAPSHOT_FILE, migrationNames } from './migrations'
import { withSchemaEngine } from './schemaEngine'
import { PROVIDERS, ROOT, migrationsDir, renderSchema, schemaPath } from './schemas'

/**
 * A database-less adapter for diffing two datamodels. Prisma's mock adapter serves SQLite as
 * is; on PostgreSQL the engine first asks the server's version (to tell PostgreSQL from
 * CockroachDB) and nothing else, so that one query is answered here, as a stock PostgreSQL.
 * (Checked: the SQL equals what a live PostgreSQL 15 connection yields.)
 */
function offlineAdapterFactory(provider: DbProvider): SqlMigrationAwareDriverAdapterFactory {
  if (provider === 'sqlite') return mockMigrationAwareAdapterFactory('sqlite')
  const mock = mockMigrationAwareAdapterFactory('postgres')
  const answerVersionProbe = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    Object.assign(Object.create(adapter) as SqlDriverAdapter, {
      async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
        if (!query.sql.includes('server_version_num')) return adapter.queryRaw(query)
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
          rows: [[true, 'PostgreSQL 15.0', 150000]],
        }
      },
    })
  return {
    ...mock,
    connect: async () => answerVersionProbe(await mock.connect()),
    connectToShadowDb: async () => answerVersionProbe(await mock.connectToShadowDb()),
  }
}

/** The SQL that takes a database from the last migration's schema to the current one ('' if none). */
export async function pendingMigrationSql(provider: DbProvider): Promise<string> {
  const current = readFileSync(schemaPath(provider), 'utf8')
  const last = migrationNames(provider).at(-1)
  const snapshot = last && path.join(migrationsDir(provider), last, SNAPSHOT_FILE)
  const engineInput: [string, string][] = [[schemaPath(provider), current]] // it insists on one
  const { stdout } = await withSchemaEngine(offlineAdapterFactory(provider), engineInput, (engine) =>
    engine.diff({
      from: snapshot ? { tag: 'schemaDatamodel', files: [{ path: snapshot, content: readFileSync(snapshot, 'utf8') }] } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath(provider), content: current }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    }),
  )
  return stdout ?? ''
}

const isEmpty = (sql: string) => sql.replace(/^--.*$/gm, '').trim() === ''

/** Prisma's folder name: UTC yyyyMMddHHmmss, then the name. */
const folderName = (name: string, at = new Date()) => `${at.toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`

async function main() {
  const arg = process.argv[2]
  for (const p of PROVIDERS) {
    if (readFileSync(schemaPath(p), 'utf8') !== renderSchema(p)) {
      console.error(`${path.relative(ROOT, schemaPath(p))} is stale; run: npx tsx scripts/db/generate-schemas.ts`)
      process.exit(1)
    }
  }

  if (arg === '--check') {
    let pending = false
    for (const p of PROVIDERS) {
      if (isEmpty(await pendingMigrationSql(p))) continue
      console.error(`${p}: prisma/models.prisma has changes without a migration`)
      pending = true
    }
    if (pending) console.error('Run: npx tsx scripts/db/new-migration.ts <name>')
    else console.log('Migrations cover prisma/models.prisma.')
    process.exit(pending ? 1 : 0)
  }

  if (!arg || !/^[a-z][a-z0-9_]*$/.test(arg)) {
    console.error('Usage: npx tsx scripts/db/new-migration.ts <name>   (snake_case, e.g. add_refunds)')
    process.exit(2)
  }
  const folder = folderName(arg) // one timestamp, so both providers' histories line up
  for (const p of PROVIDERS) {
    const sql = await pendingMigrationSql(p)
    if (isEmpty(sql)) {
      console.log(`${p}: no changes, no migration`)
      continue
    }
    const dir = path.join(migrationsDir(p), folder)
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, MIGRATION_FILE), sql)
    writeFileSync(path.join(dir, SNAPSHOT_FILE), readFileSync(schemaPath(p), 'utf8'))
    const lockfile = path.join(migrationsDir(p), LOCKFILE)
    if (!existsSync(lockfile)) {
      // The same text `prisma migrate dev` writes; the engine checks the provider against it.
      writeFileSync(
        lockfile,
        `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${p === 'postgres' ? 'postgresql' : 'sqlite'}"\n`,
      )
    }
    console.log(`${p}: wrote ${path.relative(ROOT, dir)}/`)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main()
