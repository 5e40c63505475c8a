// scripts/db/migrate.ts, the one command that migrates either database: it applies every
// migration to an empty database, then nothing; and what it builds is exactly the schema.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { it } from 'node:test'
import { promisify } from 'node:util'
import { createAdapterFactory } from '../../lib/db/createAdapterFactory'
import { parseDatabaseUrl } from '../../lib/db/databaseUrl'
import { applyMigrations, migrationNames } from '../../scripts/db/migrations'
import { withSchemaEngine } from '../../scripts/db/schemaEngine'
import { ROOT, schemaPath } from '../../scripts/db/schemas'
import { describeEachDatabase } from './databases'

const migrate = async (url: string) => {
  const script = path.join(ROOT, 'scripts/db/migrate.ts')
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
  })
  return stdout
}

describeEachDatabase(
  'scripts/db/migrate.ts',
  (database, provider) => {
    it('applies every migration to an empty database, then nothing (idempotent)', async () => {
      const { url, db } = database()
      const names = migrationNames(provider)
      assert.ok(names.length > 0)

      const first = await migrate(url)
      assert.match(first, new RegExp(`applied ${names.length} migration`))
      for (const name of names) assert.match(first, new RegExp(`^  ${name}$`, 'm'))

      assert.match(await migrate(url), /up to date, no migration applied/)

      // Prisma's own history table, so that `prisma migrate deploy` would agree.
      const rows = await db.$queryRaw<{ migration_name: string; finished: boolean }[]>`
        SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name`
      assert.deepEqual(
        rows.map((r) => [r.migration_name, Boolean(r.finished)]),
        names.map((n) => [n, true]),
      )
    })

    // new-migration.ts diffs from the schema snapshot saved with the last migration; this
    // checks the committed SQL itself: introspect the migrated database, diff it against the
    // schema, expect nothing. (The engine's own replay of migrations into a shadow database
    // cannot serve here: it sends each migration as one executeRaw, and libsql runs only the
    // first statement of it.)
    it('builds exactly the schema (the migrated database diffs empty against it)', {
      skip: provider === 'postgres' && "the pg adapter cannot introspect (Column type 'char' could not be deserialized)",
    }, async () => {
      await applyMigrations(database().url) // a no-op after the test above; here so this one stands alone
      const schema = readFileSync(schemaPath(provider), 'utf8')
      const files = [{ path: schemaPath(provider), content: schema }]
      const { stdout } = await withSchemaEngine(createAdapterFactory(parseDatabaseUrl(database().url)), [[files[0].path, schema]], (engine) =>
        engine.diff({
          from: { tag: 'schemaDatasource', files, configDir: ROOT },
          to: { tag: 'schemaDatamodel', files },
          script: true,
          exitCode: null,
          filters: { externalTables: [], externalEnums: [] },
        }),
      )
      assert.equal(stdout, '-- This is an empty migration.\n')
    })
  },
  { migrate: false },
)
