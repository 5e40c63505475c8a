import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client'

/** How a driver adapter describes a failure (Prisma passes it on as `meta.driverAdapterError.cause`). */
type AdapterCause = { kind?: string; code?: string }

/**
 * The adapters' kinds of failure that say "not now" rather than "not this query":
 * - SocketTimeout: SQLite's SQLITE_BUSY (every extended code) from libsql, once the busy
 *   timeout ran out or at once where waiting cannot help; a socket timeout from node-postgres;
 * - TransactionWriteConflict: PostgreSQL's serialization failure (40001) or deadlock (40P01);
 * - TooManyConnections: PostgreSQL refused a connection, max_connections reached (53300).
 */
const BUSY_KINDS = new Set(['SocketTimeout', 'TransactionWriteConflict', 'TooManyConnections'])

/** PostgreSQL's lock_not_available: a lock_timeout (or NOWAIT) ran out. The pg adapter has no kind for it. */
const LOCK_NOT_AVAILABLE = '55P03'

/**
 * Prisma's transaction API error: an interactive transaction could not start within its
 * `maxWait` (every pooled connection taken; on SQLite, the adapter's one connection held by
 * another transaction) or outlived its `timeout` under load.
 */
const TRANSACTION_API_ERROR = 'P2028'

/**
 * True when `error` is the database refusing work for now, because it is busy: another
 * connection holds the lock the query needs, transactions conflicted, no connection is left, or
 * a transaction could not start in time.
 * The same request can succeed when sent again. Read from the adapter's structured cause, never
 * from a message: as Prisma passes it on for a query through the client, or the adapter's own
 * error for a statement sent to the adapter directly (recognised by its name, as
 * @prisma/driver-adapter-utils' isDriverAdapterError does).
 *
 * @example
 * try { await issueSignInNonce(db) } catch (error) { if (isDatabaseBusy(error)) return retryLater() }
 */
export function isDatabaseBusy(error: unknown): boolean {
  if (error instanceof PrismaClientKnownRequestError && error.code === TRANSACTION_API_ERROR) return true
  const cause = adapterCause(error)
  if (!cause?.kind) return false
  return BUSY_KINDS.has(cause.kind) || (cause.kind === 'postgres' && cause.code === LOCK_NOT_AVAILABLE)
}

function adapterCause(error: unknown): AdapterCause | undefined {
  if (error instanceof PrismaClientKnownRequestError) return (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause
  if (error instanceof Error && error.name === 'DriverAdapterError') return error.cause as AdapterCause | undefined
  return undefined
}
