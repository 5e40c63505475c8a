import { z } from 'zod'

/** The database when DATABASE_URL is unset: a SQLite file beside the current directory. */
export const DEFAULT_DATABASE_URL = 'file:./tollgate.db'

/** The two providers Tollgate ships a schema, a client and migrations for. */
export type DbProvider = 'sqlite' | 'postgres'

/**
 * A database URL, classified. The scheme alone decides the provider, so one variable
 * (DATABASE_URL) picks the schema folder, the generated client, the driver adapter and the
 * migrations for every tool: the app, scripts/db/migrate.ts, prisma.config.ts and the tests.
 */
export type DatabaseUrl = { provider: DbProvider; url: string }

export const databaseUrlSchema = z
  .string()
  .trim()
  .min(1)
  .transform((url, ctx): DatabaseUrl => {
    if (url.startsWith('file:')) return { provider: 'sqlite', url }
    if (/^postgres(ql)?:\/\//.test(url)) return { provider: 'postgres', url }
    ctx.addIssue({
      code: 'custom',
      message: `DATABASE_URL must start with file: (SQLite) or postgres(ql):// (PostgreSQL), got "${url.split(':')[0]}:…"`,
    })
    return z.NEVER
  })

/**
 * Parses a database URL (default: `DATABASE_URL`, then {@link DEFAULT_DATABASE_URL}).
 *
 * @example
 * parseDatabaseUrl('postgres://postgres@127.0.0.1:5432/tollgate') // { provider: 'postgres', url: … }
 */
export function parseDatabaseUrl(url: string | undefined = process.env.DATABASE_URL): DatabaseUrl {
  return databaseUrlSchema.parse(url || DEFAULT_DATABASE_URL)
}

/** The URL with its password masked, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}
