// The app's database client. 'server-only' makes an import from a client component fail the
// build; scripts and tests call createDb() instead (see createDb.ts for why).
import 'server-only'
import { createDb } from './createDb'
import type { Db } from './Db'

// Kept on globalThis so that Next.js dev-mode hot reloads, which re-evaluate this module, reuse
// the client and its connection pool instead of opening one more per edit.
const holder = globalThis as typeof globalThis & { __tollgateDb?: Db }

/**
 * The process-wide client for `DATABASE_URL`, created on first use (so that importing a module
 * that queries costs nothing at build time).
 */
export function getDb(): Db {
  return (holder.__tollgateDb ??= createDb())
}
