// For Prisma's own CLI (studio, validate, and `migrate deploy` where the native engine can be
// downloaded). DATABASE_URL picks the schema folder, as it picks the client in lib/db/createDb.ts
// and the migrations in scripts/db/migrate.ts: file: → prisma/sqlite, postgres(ql):// →
// prisma/postgres. Project scripts pass --schema explicitly and do not depend on this file.
import { defineConfig } from 'prisma/config'
import { parseDatabaseUrl } from './lib/db/databaseUrl'

const { provider, url } = parseDatabaseUrl()

export default defineConfig({
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url },
})
