import { PrismaLibSql } from '@prisma/adapter-libsql'
import type { Client, Config, InStatement, Transaction, TransactionMode } from '@libsql/client'

/**
 * Prisma's adapter starts every interactive transaction as 'deferred', and every one of ours
 * writes. A DEFERRED transaction takes the write lock at its first write, and when it has read
 * before, SQLite refuses that upgrade at once with SQLITE_BUSY (the busy timeout does not apply:
 * waiting could deadlock two readers) whenever another connection holds the lock or has written
 * since the read. IMMEDIATE takes the lock at BEGIN, waiting up to the busy timeout like any
 * write. It costs this process nothing: the adapter runs one transaction at a time anyway.
 */
const BEGIN: Record<TransactionMode, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN DEFERRED', deferred: 'BEGIN IMMEDIATE' }

const SQLITE_BUSY = 5

/** SQLITE_BUSY or one of its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, …), from libsql's error. */
function isBusy(error: unknown): boolean {
  const rawCode = (error as { rawCode?: unknown } | null)?.rawCode
  return typeof rawCode === 'number' && (rawCode & 0xff) === SQLITE_BUSY
}

/**
 * Prisma's libsql adapter, with interactive transactions run on the client's one SQLite
 * connection. @libsql/client hands its connection over to each `transaction()` and lazily
 * opens a new one for whatever comes next, never closing the one it handed over
 * (libsql-client-ts#350): under a paying load the server held hundreds of open connections,
 * each with a cold page cache, until garbage collection.
 *
 * Sharing the connection is safe because the adapter serialises access: it holds one mutex
 * from `startTransaction` until commit or rollback, and every query outside the transaction
 * waits for that mutex (@prisma/adapter-libsql, `LOCK_TAG`). So no statement can interleave
 * with an open transaction on the shared connection.
 *
 * A statement that fails with SQLITE_BUSY poisons the connection it ran on: libsql never resets
 * it (libsql-js#237, libsql-client-ts#352), so SQLite counts it in progress until the garbage
 * collector finalizes it. Meanwhile a failed upgrade keeps its read snapshot pinned (every later
 * write fails at once with SQLITE_BUSY_SNAPSHOT), and a failed write makes every later COMMIT
 * fail ("SQL statements in progress"). So after a busy error the connection is replaced by a
 * fresh one: at once, or at the end of the transaction it happened in.
 */
export class SharedConnectionLibSql extends PrismaLibSql {
  override createClient(config: Config): Client {
    const client = super.createClient(config)
    let inTransaction = false
    let poisoned = false
    const renewIfPoisoned = async () => {
      if (!poisoned || inTransaction) return
      poisoned = false
      // Sqlite3Client's reconnect() closes the connection and opens another; it is async,
      // although the Client interface types it void.
      await (client.reconnect() as void | Promise<void>)
    }
    const guarded =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await call(...args)
        } catch (error) {
          if (isBusy(error)) poisoned = true
          await renewIfPoisoned()
          throw error
        }
      }
    const execute = guarded((stmt: InStatement) => client.execute(stmt))
    const executeMultiple = guarded((sql: string) => client.executeMultiple(sql))

    const transaction = async (mode: TransactionMode = 'write'): Promise<Transaction> => {
      await execute(BEGIN[mode])
      inTransaction = true
      let open = true
      const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
        if (!open) return
        open = false
        try {
          await execute(sql)
        } catch (error) {
          // SQLite keeps a transaction whose COMMIT failed (busy, a full disk, an I/O error, a
          // deferred constraint) open: roll it back here, while the adapter's lock is still
          // held, or every later statement on the shared connection would run inside it, and
          // the next BEGIN fail.
          if (sql === 'COMMIT') await execute('ROLLBACK').catch(() => {})
          throw error
        } finally {
          inTransaction = false
          await renewIfPoisoned()
        }
      }
      const tx: Pick<Transaction, 'execute' | 'batch' | 'executeMultiple' | 'commit' | 'rollback' | 'close' | 'closed'> = {
        execute,
        batch: (stmts) => client.batch(stmts),
        executeMultiple,
        commit: () => end('COMMIT'),
        rollback: () => end('ROLLBACK'),
        close: () => void end('ROLLBACK'),
        get closed() {
          return !open
        },
      }
      return tx as Transaction
    }
    // Sqlite3Client keeps its connection in private fields, so its methods must run on itself.
    const own = new Map<PropertyKey, unknown>([
      ['transaction', transaction],
      ['execute', execute],
      ['executeMultiple', executeMultiple],
    ])
    return new Proxy(client, {
      get: (target, key) => {
        if (own.has(key)) return own.get(key)
        const value = Reflect.get(target, key, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
}
