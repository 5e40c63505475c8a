import { PrismaLibSql } from '@prisma/adapter-libsql'
import type { Client, Config, Transaction, TransactionMode } from '@libsql/client'

const BEGIN: Record<TransactionMode, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN DEFERRED', deferred: 'BEGIN DEFERRED' }

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
 */
export class SharedConnectionLibSql extends PrismaLibSql {
  override createClient(config: Config): Client {
    const client = super.createClient(config)
    const transaction = async (mode: TransactionMode = 'write'): Promise<Transaction> => {
      await client.execute(BEGIN[mode])
      let open = true
      const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
        if (!open) return
        open = false
        await client.execute(sql)
      }
      const tx: Pick<Transaction, 'execute' | 'batch' | 'executeMultiple' | 'commit' | 'rollback' | 'close' | 'closed'> = {
        execute: (stmt) => client.execute(stmt),
        batch: (stmts) => client.batch(stmts),
        executeMultiple: (sql) => client.executeMultiple(sql),
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
    return new Proxy(client, {
      get: (target, key) => {
        if (key === 'transaction') return transaction
        const value = Reflect.get(target, key, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
}
