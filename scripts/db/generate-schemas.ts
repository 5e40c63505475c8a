// Writes prisma/{sqlite,postgres}/schema.prisma from prisma/models.prisma and generates both
// clients into prisma/generated/{sqlite,postgres} (gitignored).
//
//   npx tsx scripts/db/generate-schemas.ts           write schemas + prisma generate (both)
//   npx tsx scripts/db/generate-schemas.ts --check   exit 1 if the committed schemas drift
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { PROVIDERS, ROOT, renderSchema, schemaDir, schemaPath } from './schemas'

const check = process.argv.includes('--check')

const stale = PROVIDERS.filter(
  (p) => !existsSync(schemaPath(p)) || readFileSync(schemaPath(p), 'utf8') !== renderSchema(p),
)

if (check) {
  for (const p of stale) console.error(`${path.relative(ROOT, schemaPath(p))} is out of date with prisma/models.prisma`)
  if (stale.length) {
    console.error('Run: npx tsx scripts/db/generate-schemas.ts')
    process.exit(1)
  }
  console.log('Schemas match prisma/models.prisma.')
  process.exit(0)
}

for (const p of stale) {
  mkdirSync(schemaDir(p), { recursive: true })
  writeFileSync(schemaPath(p), renderSchema(p))
  console.log(`wrote ${path.relative(ROOT, schemaPath(p))}`)
}

// `prisma generate` first tries to download the native schema engine, which fails offline.
// The client needs no engine (queries go through driver adapters), so point the variable at
// any existing file to skip the download. A caller's own value wins.
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false' }
const prismaCli = path.join(ROOT, 'node_modules/prisma/build/index.js')

const started = performance.now()
await Promise.all(
  PROVIDERS.map(async (p) => {
    const { stdout } = await promisify(execFile)(process.execPath, [prismaCli, 'generate', '--schema', schemaPath(p)], {
      cwd: ROOT,
      env,
    })
    const done = stdout.split('\n').find((line) => line.includes('Generated'))
    console.log(`${p}: ${done?.trim() ?? 'generated'}`)
  }),
)
console.log(`prisma generate (both) took ${((performance.now() - started) / 1000).toFixed(1)} s`)
