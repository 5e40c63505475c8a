// The driver under Prisma, for the one path where Prisma's own cost per query shows: the paid
// request (docs/benchmarks.md, "The acceptance path"). Prisma's query compiler and row mapping
// cost several times what the database itself does for a lookup by key (about 0.45 ms of CPU
// against 0.1 ms for the same read sent straight to the driver adapter), and a paid request
// makes two reads and two writes. Everything else goes through Prisma.
//
// The statements go through the same driver adapter instance Prisma uses, never a second
// connection: on SQLite the adapter serialises every statement and transaction on its one
// connection with a mutex, so a raw statement can never land inside a Prisma transaction, and
// a second connection would contend with the first for SQLite's write lock.
import type { ArgType, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils'
import type { DbProvider } from './databaseUrl'

export type { SqlDriverAdapter, SqlQueryable }

/** What a statement's `?` may stand for. An array is a PostgreSQL array parameter. */
export type SqlValue = string | number | bigint | boolean | Date | null | readonly SqlValue[]

/** One result row, by column name, as the adapter returns it (integers may come back as strings on SQLite). */
export type SqlRow = Record<string, unknown>

/**
 * Wraps `factory` so that the adapter Prisma connects through can be taken for raw statements:
 * `current()` is that adapter while Prisma holds it (between its connect and its dispose).
 */
export function capturingFactory(factory: SqlMigrationAwareDriverAdapterFactory) {
  let current: SqlDriverAdapter | undefined
  const connect = factory.connect.bind(factory)
  factory.connect = async () => {
    const adapter = await connect()
    const dispose = adapter.dispose.bind(adapter)
    adapter.dispose = () => {
      if (current === adapter) current = undefined
      return dispose()
    }
    return (current = adapter)
  }
  return { factory, current: () => current }
}

/**
 * A statement for the adapter, written with `?` placeholders whatever the provider (PostgreSQL's
 * `$1, $2, …` are numbered here). No literal in the SQL may contain a `?`.
 */
export function sqlStatement(provider: DbProvider, sql: string, args: readonly SqlValue[]): SqlQuery {
  let n = 0
  const text = provider === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql
  return { sql: text, args: [...args], argTypes: args.map(argType) }
}

function argType(value: SqlValue): ArgType {
  if (Array.isArray(value)) return { ...argType((value as SqlValue[])[0] ?? null), arity: 'list' }
  const scalarType =
    typeof value === 'string' ? 'string'
    : typeof value === 'number' ? 'int'
    : typeof value === 'bigint' ? 'bigint'
    : typeof value === 'boolean' ? 'boolean'
    : value instanceof Date ? 'datetime'
    : 'unknown'
  return { scalarType, arity: 'scalar' }
}

/** Runs a query and returns its rows as objects. */
export async function queryRows(queryable: SqlQueryable, statement: SqlQuery): Promise<SqlRow[]> {
  const { columnNames, rows } = await queryable.queryRaw(statement)
  return rows.map((row) => Object.fromEntries(columnNames.map((name, i) => [name, row[i]])))
}

/** A boolean column as the adapters return it: PostgreSQL's `true`, SQLite's integer (as a string, or a number). */
export const rowBoolean = (value: unknown): boolean => value === true || String(value) === '1'

/** A DateTime column as the adapters return it (ISO 8601 text on both), or null. */
export const rowDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string))

/**
 * Runs `fn` in one transaction on the adapter, committed if it resolves and rolled back if it
 * throws. Adapters differ on who sends COMMIT (libsql's commit() does; node-postgres' leaves it to
 * the caller, as Prisma's engine does, `usePhantomQuery: false`): both are handled here.
 */
export async function inDriverTransaction<T>(adapter: SqlDriverAdapter, fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
  const tx = await adapter.startTransaction()
  const end = (sql: 'COMMIT' | 'ROLLBACK') => (tx.options.usePhantomQuery ? Promise.resolve(0) : tx.executeRaw({ sql, args: [], argTypes: [] }))
  let result: T
  try {
    result = await fn(tx)
    await end('COMMIT')
  } catch (error) {
    await end('ROLLBACK').catch(() => {})
    await tx.rollback()
    throw error
  }
  await tx.commit()
  return result
}
