// The committed provider schemas and migrations follow prisma/models.prisma: no hand edits
// to a generated schema, and no model change without a migration for both databases.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { pendingMigrationSql } from '../../scripts/db/new-migration'
import { PROVIDERS, renderSchema, schemaPath } from '../../scripts/db/schemas'

for (const provider of PROVIDERS) {
  it(`prisma/${provider}/schema.prisma is generated from the current models`, () => {
    assert.equal(readFileSync(schemaPath(provider), 'utf8'), renderSchema(provider), 'run: npx tsx scripts/db/generate-schemas.ts')
  })

  it(`prisma/${provider}/migrations cover the current models`, async () => {
    const sql = await pendingMigrationSql(provider)
    assert.equal(sql.replace(/^--.*$/gm, '').trim(), '', `run: npx tsx scripts/db/new-migration.ts <name>\n${sql}`)
  })
}
