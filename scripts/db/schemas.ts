// The provider schemas are derived from prisma/models.prisma: this module says how, so that
// the generator and the drift check (generate-schemas.ts --check, test/db/schemas.test.ts)
// cannot disagree.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DbProvider } from '../../lib/db/databaseUrl'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const PRISMA_DIR = path.join(ROOT, 'prisma')
export const MODELS_PATH = path.join(PRISMA_DIR, 'models.prisma')
export const PROVIDERS: readonly DbProvider[] = ['sqlite', 'postgres']

/** prisma/<provider>/: the schema, and migrations/ beside it. */
export const schemaDir = (provider: DbProvider) => path.join(PRISMA_DIR, provider)
export const schemaPath = (provider: DbProvider) => path.join(schemaDir(provider), 'schema.prisma')
export const migrationsDir = (provider: DbProvider) => path.join(schemaDir(provider), 'migrations')

// Prisma's own provider names ("postgres" is ours, kept short for folder names).
const datasourceProvider: Record<DbProvider, string> = { sqlite: 'sqlite', postgres: 'postgresql' }

/** The full text of prisma/<provider>/schema.prisma for the given models. */
export function renderSchema(provider: DbProvider, models = readFileSync(MODELS_PATH, 'utf8')): string {
  return `// GENERATED from prisma/models.prisma by scripts/db/generate-schemas.ts. Do not edit.

generator client {
  provider            = "prisma-client"
  output              = "../generated/${provider}"
  moduleFormat        = "esm"
  importFileExtension = ""
}

// No url: the connection comes from DATABASE_URL through a driver adapter (lib/db/createDb.ts).
datasource db {
  provider = "${datasourceProvider[provider]}"
}

${models}`
}
