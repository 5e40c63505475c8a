import "server-only";
import { encodeFunctionData, type Hex } from "viem";
import { channelManagerAbi } from "../chain/abis.generated";
import { fromDbAmount } from "../db/amount";
import type { ReceiverTransaction } from "../db/Db";
import { toDbAddress } from "../db/hex";
import { channelId } from "./channels";
import type { Receiver } from "./context";
import { enqueueTransaction } from "./transactions/enqueueTransaction";

/**
 * Enqueues a `withdraw` of what the latest proof entitles the receiver to, for every open
 * channel (or those of `channelIds`) where that is at least `min` more than was withdrawn, and
 * no withdrawal is already on its way. The contract takes one channel per transaction. Returns
 * the transactions enqueued; the leader's transaction sender sends them.
 */
export async function requestWithdrawals(
  receiver: Receiver,
  { min = 1n, channelIds }: { min?: bigint; channelIds?: number[] } = {},
): Promise<ReceiverTransaction[]> {
  const { db, config } = receiver;
  const open = await db.channel.findMany({
    where: {
      chainId: config.chainId,
      contract: toDbAddress(config.channelManager),
      receiver: toDbAddress(config.receiver.address),
      status: "open",
      confirmed: true,
      balanceSignature: { not: null },
      ...(channelIds ? { id: { in: channelIds } } : {}),
    },
    include: { transactions: { where: { kind: "withdraw", status: { in: ["queued", "sent", "mined"] } }, select: { id: true } } },
    orderBy: { id: "asc" },
  });
  const floor = min > 1n ? min : 1n;
  const enqueued: ReceiverTransaction[] = [];
  for (const row of open) {
    const balance = fromDbAmount(row.balance);
    if (balance - fromDbAmount(row.withdrawn) < floor || row.transactions.length > 0) continue;
    const id = channelId(row);
    const data = encodeFunctionData({
      abi: channelManagerAbi,
      functionName: "withdraw",
      args: [id.sender, id.openBlock, balance, row.balanceSignature as Hex],
    });
    enqueued.push(await enqueueTransaction(receiver, { kind: "withdraw", channelId: row.id, to: config.channelManager, data, balance }));
  }
  return enqueued;
}
