import { z } from 'zod'

/** How long a SQLite statement waits for another connection's lock, in ms, when SQLITE_BUSY_TIMEOUT_MS is unset. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000

// libsql waits for a lock inside its synchronous call, so the wait holds up the whole process:
// more than a minute would look like a hung server.
export const busyTimeoutSchema = z.coerce.number().int().min(0).max(60_000)

/**
 * How long (ms) a SQLite statement waits for another connection's lock before it fails with
 * SQLITE_BUSY (default: `SQLITE_BUSY_TIMEOUT_MS`, then {@link DEFAULT_BUSY_TIMEOUT_MS}).
 *
 * @example
 * busyTimeoutMs('250') // 250
 */
export function busyTimeoutMs(value: string | undefined = process.env.SQLITE_BUSY_TIMEOUT_MS): number {
  return value ? busyTimeoutSchema.parse(value) : DEFAULT_BUSY_TIMEOUT_MS
}
