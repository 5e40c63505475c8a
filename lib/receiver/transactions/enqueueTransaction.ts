import "server-only";
import type { Hex } from "viem";
import { toDbAmount } from "../../db/amount";
import type { ReceiverTransaction, TransactionKind } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

/**
 * Puts a transaction in the receiver's outbox, for the leader's transaction sender to send,
 * price, replace and confirm (transactionSender.ts). Any process may enqueue: the site's route
 * handlers, the CLI, an instance that does not lead.
 */
export function enqueueTransaction(
  receiver: Receiver,
  { kind, channelId, to, data, balance }: { kind: TransactionKind; channelId?: number; to: Hex; data: Hex; balance?: bigint },
): Promise<ReceiverTransaction> {
  return receiver.db.receiverTransaction.create({
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
