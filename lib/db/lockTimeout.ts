import { z } from 'zod'

/** How long a write waits for another connection's lock, in ms, when DATABASE_LOCK_TIMEOUT_MS is unset. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000

// libsql waits for a lock inside its synchronous call, so on SQLite the wait holds up the whole
// process: more than a minute would look like a hung server. At least 1 ms: PostgreSQL reads 0
// as "wait for ever".
export const lockTimeoutSchema = z.coerce.number().int().min(1).max(60_000)

/**
 * How long (ms) a statement waits for a lock another connection holds before it fails, and its
 * request is answered 503 (lib/db/isDatabaseBusy.ts): SQLite's busy timeout, PostgreSQL's
 * `lock_timeout` (default: `DATABASE_LOCK_TIMEOUT_MS`, then {@link DEFAULT_LOCK_TIMEOUT_MS}).
 * Without it on PostgreSQL, a payment group blocked on a row another instance or a shell holds
 * would hold up every payment of this instance behind it, for as long as that lasts.
 *
 * @example
 * lockTimeoutMs('250') // 250
 */
export function lockTimeoutMs(value: string | undefined = process.env.DATABASE_LOCK_TIMEOUT_MS): number {
  return value ? lockTimeoutSchema.parse(value) : DEFAULT_LOCK_TIMEOUT_MS
}
