import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client'

type ViolationCause = { kind?: string; table?: string; constraint?: { fields?: string[]; index?: string } }

/**
 * True when `error` is a unique-constraint violation, and, if `constraint` is given, one of that
 * constraint — named as Prisma names it, `<Model>_<field>_…_key` (e.g.
 * 'Purchase_buyer_articleId_key' for a second purchase of one article by one buyer).
 *
 * The error is Prisma's P2002 for a query through the client, or the driver adapter's own error
 * for a raw statement sent to the driver (lib/db/driver.ts); recognised by its name, as
 * @prisma/driver-adapter-utils' isDriverAdapterError does. The adapters describe the constraint
 * differently: PostgreSQL reports the index name, SQLite (libsql) the table and its fields. Both
 * are mapped to Prisma's name here, so callers stay provider-agnostic.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const cause = violationCause(error)
  if (cause === undefined) return false
  if (constraint === undefined) return true
  const { table, constraint: c } = cause
  const name = c?.index ?? (table && c?.fields ? `${table}_${c.fields.join('_')}_key` : undefined)
  return name === constraint
}

function violationCause(error: unknown): ViolationCause | undefined {
  if (error instanceof PrismaClientKnownRequestError) {
    if (error.code !== 'P2002') return undefined
    return (error.meta?.driverAdapterError as { cause?: ViolationCause } | undefined)?.cause ?? {}
  }
  if (error instanceof Error && error.name === 'DriverAdapterError') {
    const cause = error.cause as ViolationCause | undefined
    return cause?.kind === 'UniqueConstraintViolation' ? cause : undefined
  }
  return undefined
}
