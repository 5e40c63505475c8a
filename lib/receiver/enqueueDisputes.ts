import "server-only";
import { encodeFunctionData, type Hex } from "viem";
import { channelManagerAbi } from "../chain/abis.generated";
import { fromDbAmount } from "../db/amount";
import { toDbAddress } from "../db/hex";
import { closingCommitmentTypedData } from "../protocol/typedData";
import { channelId } from "./channels";
import type { Receiver } from "./context";
import { enqueueTransaction } from "./transactions/enqueueTransaction";

/**
 * Decides the disputes (DESIGN.md): every channel whose sender asked for an uncooperative close
 * at a balance below the latest proof the receiver holds gets a `cooperativeClose` with that
 * proof and the receiver's own closing signature, which pays the receiver what the proof says.
 * The contract takes it until the channel is settled, so it is sent whatever the clock says.
 *
 * Idempotent, and driven by the database alone: it runs on every watcher tick, so a dispute the
 * last leader decided but never sent (it was killed) is sent by the next one; one is on its way
 * at a time; one that failed is tried again, with a growing wait, until the channel is no longer
 * closing (the watcher sees it settled). Returns the disputes it enqueued.
 */
export async function enqueueDisputes(receiver: Receiver, log: (line: string) => void = console.log): Promise<number> {
  const { db, config } = receiver;
  const closing = await db.channel.findMany({
    where: {
      chainId: config.chainId,
      contract: toDbAddress(config.channelManager),
      receiver: toDbAddress(config.receiver.address),
      status: "closing",
      closingBalance: { not: null },
      balanceSignature: { not: null },
    },
    include: { transactions: { where: { kind: "dispute" }, select: { balance: true, status: true, updatedAt: true } } },
  });
  let enqueued = 0;
  for (const row of closing) {
    const claimed = fromDbAmount(row.closingBalance!);
    const held = fromDbAmount(row.balance);
    if (claimed >= held) continue;
    const disputes = row.transactions;
    // One on its way, or one that went through: nothing to add.
    if (disputes.some((t) => t.status !== "failed" && (t.status !== "confirmed" || fromDbAmount(t.balance!) >= held))) continue;
    // Failed ones (ran out of gas, a transient revert): try again while the channel is still
    // closing, waiting longer after each failure.
    const failures = disputes.filter((t) => t.status === "failed");
    const lastFailure = Math.max(0, ...failures.map((t) => t.updatedAt.getTime()));
    if (failures.length > 0 && Date.now() - lastFailure < Math.min(2 ** failures.length, 300) * 1000) continue;
    const id = channelId(row);
    const domain = { chainId: config.chainId, verifyingContract: config.channelManager };
    const closingSignature = await config.receiver.signTypedData(closingCommitmentTypedData(domain, id, held));
    const data = encodeFunctionData({
      abi: channelManagerAbi,
      functionName: "cooperativeClose",
      args: [id.sender, id.receiver, id.openBlock, held, row.balanceSignature as Hex, closingSignature],
    });
    await enqueueTransaction(receiver, { kind: "dispute", channelId: row.id, to: config.channelManager, data, balance: held });
    log(
      `watcher: channel ${id.sender}/${id.openBlock} asks to close at ${claimed}, below the ${held} its sender signed: disputing${failures.length ? ` (attempt ${failures.length + 1}; the last one failed)` : ""}`,
    );
    enqueued++;
  }
  return enqueued;
}
