import "server-only";
import type { Hex } from "viem";
import { toDbAmount } from "../../db/amount";
import type { Db, DbTransaction, ReceiverTransaction, TransactionKind } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

/**
 * Puts a transaction in the receiver's outbox, for the leader's transaction sender to send,
 * price, replace and confirm (transactionSender.ts). Any process may enqueue: the site's route
 * handlers, the CLI, an instance that does not lead. `db` may be a transaction, so that the row
 * and what it is for are written together (an x402 payment and its transfer).
 */
export function enqueueTransaction(
  receiver: Receiver,
  { kind, channelId, to, data, balance }: { kind: TransactionKind; channelId?: number; to: Hex; data: Hex; balance?: bigint },
  db: Db | DbTransaction = receiver.db,
): Promise<ReceiverTransaction> {
  return db.receiverTransaction.create({
    data: {
      chainId: receiver.config.chainId,
      sender: toDbAddress(receiver.config.receiver.address),
      kind,
      channelId,
      to: toDbAddress(to),
      data,
      balance: balance === undefined ? undefined : toDbAmount(balance),
    },
  });
}
