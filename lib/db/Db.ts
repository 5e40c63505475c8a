// The database types the rest of the code uses, whichever provider is behind them.
//
// Prisma generates one client per provider (prisma/generated/{sqlite,postgres}) from the same
// models, so rows and enums are identical and are taken from the SQLite client. The client
// types are not interchangeable as generated: PostgreSQL accepts more inputs (`mode:
// 'insensitive'`, field references, …), and TypeScript cannot relate the conditional result
// types of `aggregate`/`groupBy` across the two declarations. `Db` is therefore the public
// surface both clients share; createDb.ts assigns each client to it without a cast, so
// `tsc` proves that both satisfy it.
import type { PrismaClient } from '../../prisma/generated/sqlite/client'
import type { DbProvider } from './databaseUrl'
import type { SqlDriverAdapter } from './driver'

export type {
  Article,
  ArticleDailyStats,
  ChainCursor,
  ChainEvent,
  Channel,
  ClosingSignature,
  Purchase,
  ReceiverTransaction,
  TransactionBroadcast,
  X402Payment,
} from '../../prisma/generated/sqlite/client'
export { ChainEventKind, ChannelStatus, TransactionKind, TransactionStatus, X402PaymentStatus } from '../../prisma/generated/sqlite/enums'

type ModelName =
  | 'article'
  | 'channel'
  | 'closingSignature'
  | 'purchase'
  | 'chainEvent'
  | 'chainCursor'
  | 'chainCheckpoint'
  | 'lease'
  | 'receiverTransaction'
  | 'transactionBroadcast'
  | 'signInNonce'
  | 'x402Payment'
  | 'articleDailyStats'
  | 'siteSetting'

// A model delegate without its symbol-keyed type metadata (provider-specific) and without
// aggregate/groupBy: amounts are strings, so `_sum`/`_avg` mean nothing here anyway; use
// `count`, or sum bigints in TypeScript.
type Delegate<M extends ModelName> = {
  [K in Exclude<keyof PrismaClient[M], symbol | 'aggregate' | 'groupBy'>]: PrismaClient[M][K]
}

/** The client inside an interactive transaction: the models and raw SQL, no `$transaction`. */
export type DbTransaction = { [M in ModelName]: Delegate<M> } & Pick<PrismaClient, '$queryRaw' | '$executeRaw'>

/** A Tollgate database client (SQLite or PostgreSQL); see lib/db/createDb.ts. */
export type Db = DbTransaction &
  Pick<PrismaClient, '$connect' | '$disconnect'> & {
    /** Which database this is, for the few statements whose SQL differs (lib/db/databaseNow.ts). */
    readonly provider: DbProvider
    /**
     * The driver adapter this client queries through, connected, for the paid path's raw
     * statements (lib/db/driver.ts). Anything else uses the models.
     */
    driver(): Promise<SqlDriverAdapter>
    /**
     * Runs `fn` in one database transaction: it commits if `fn` resolves and rolls back every
     * write if it throws. Only the interactive form is offered (the batch form's promise
     * types differ per provider). Default isolation: the database's own (SQLite serializes
     * writers; PostgreSQL is read committed), so guard concurrent writes with `version`.
     */
    $transaction<R>(
      fn: (tx: DbTransaction) => Promise<R>,
      options?: { maxWait?: number; timeout?: number; isolationLevel?: 'Serializable' },
    ): Promise<R>
  }
