// Applies pending migrations to DATABASE_URL (default file:./tollgate.db): SQLite for file:
// URLs, PostgreSQL for postgres(ql):// URLs. Safe to run on every start: it applies nothing
// when the database is up to date.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tollgate npx tsx scripts/db/migrate.ts
import { parseDatabaseUrl, redactDatabaseUrl } from '../../lib/db/databaseUrl'
import { applyMigrations } from './migrations'

const { provider, url } = parseDatabaseUrl()
const shown = redactDatabaseUrl(url)
const started = performance.now()
const applied = await applyMigrations(url)
const took = `${Math.round(performance.now() - started)} ms`
if (applied.length === 0) console.log(`${provider} ${shown}: up to date, no migration applied (${took})`)
else console.log(`${provider} ${shown}: applied ${applied.length} migration(s) in ${took}:\n${applied.map((n) => `  ${n}`).join('\n')}`)
