import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client'

type ViolationCause = { table?: string; constraint?: { fields?: string[]; index?: string } }

/**
 * True when `error` is a unique-constraint violation (Prisma's P2002), and, if `constraint` is
 * given, one of that constraint — named as Prisma names it, `<Model>_<field>_…_key` (e.g.
 * 'Purchase_channelId_articleId_key' for a purchase retried on the same channel and article).
 *
 * Both generated clients throw the same runtime error class, but the adapters describe the
 * constraint differently: PostgreSQL reports the index name, SQLite (libsql) the table and
 * its fields. Both are mapped to Prisma's name here, so callers stay provider-agnostic.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof PrismaClientKnownRequestError) || error.code !== 'P2002') return false
  if (constraint === undefined) return true
  const cause = (error.meta?.driverAdapterError as { cause?: ViolationCause } | undefined)?.cause
  const { table, constraint: c } = cause ?? {}
  const name = c?.index ?? (table && c?.fields ? `${table}_${c.fields.join('_')}_key` : undefined)
  return name === constraint
}
