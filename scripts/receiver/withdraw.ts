/**
 * `npm run receiver -- withdraw`: enqueues the withdrawals and follows each to its confirmation.
 * The transactions go through the receiver's one transaction sender: a running site's watcher
 * sends them if one leads, otherwise this process takes the lead for as long as it waits.
 */
import { fromDbAmount } from "../../lib/db/amount";
import type { TransactionStatus } from "../../lib/db/Db";
import { formatTokenAmount } from "../../lib/protocol/amounts";
import type { Receiver } from "../../lib/receiver/context";
import { requestWithdrawals } from "../../lib/receiver/requestWithdrawals";
import { startWatcher } from "../../lib/receiver/watcher/startWatcher";
import { tokenUnit } from "../../lib/token";

const POLL_MS = 300;
const amount = (value: bigint) => formatTokenAmount(value, tokenUnit);

export async function withdraw(receiver: Receiver, { min }: { min: bigint }): Promise<boolean> {
  const { db } = receiver;
  const enqueued = await requestWithdrawals(receiver, { min });
  if (enqueued.length === 0) {
    console.log(`Nothing to withdraw: no open channel has ${min > 1n ? `${amount(min)} or more` : "anything"} beyond what was withdrawn (or a withdrawal is already under way).`);
    return true;
  }
  const channels = await db.channel.findMany({ where: { id: { in: enqueued.map((t) => t.channelId!) } } });
  const byId = new Map(channels.map((c) => [c.id, c]));
  const owed = (channelId: number, balance: bigint) => balance - fromDbAmount(byId.get(channelId)!.withdrawn);
  const total = enqueued.reduce((sum, t) => sum + owed(t.channelId!, fromDbAmount(t.balance!)), 0n);
  console.log(`Withdrawing ${amount(total)} from ${enqueued.length} channel(s), one transaction each.`);

  // Only warnings from the in-process watcher: the progress lines below come from the database,
  // the same whichever process sends.
  const watcher = startWatcher(receiver, { log: { info: () => undefined, warn: (line) => console.warn(line) } });
  const interrupt = async () => {
    await watcher.stop();
    console.log("\nStopped waiting. What was not sent stays queued: a running site, or the next withdraw, sends it.");
    process.exit(130);
  };
  process.once("SIGINT", interrupt);

  // Printed per transaction: the stages up to where it stands, each once, even those it passed
  // between two polls.
  const printed = new Map<number, number>();
  const stages: TransactionStatus[] = ["sent", "mined", "confirmed"];
  const ids = enqueued.map((t) => t.id);
  let failed = 0;
  for (;;) {
    const rows = await db.receiverTransaction.findMany({ where: { id: { in: ids } }, include: { broadcasts: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
    for (const tx of rows) {
      const channel = byId.get(tx.channelId!)!;
      const label = `  withdraw #${tx.id} (${amount(owed(tx.channelId!, fromDbAmount(tx.balance!)))} from ${channel.sender}/${channel.openBlock})`;
      if (tx.status === "failed") {
        if (printed.get(tx.id) === -1) continue;
        printed.set(tx.id, -1);
        failed++;
        console.log(`${label}: failed: ${tx.error}`);
        continue;
      }
      const reached = stages.indexOf(tx.status);
      for (let stage = (printed.get(tx.id) ?? -1) + 1; stage <= reached; stage++) {
        if (stages[stage] === "sent") console.log(`${label}: sent ${tx.broadcasts.at(-1)?.hash} (nonce ${tx.nonce}), waiting to be mined…`);
        else if (stages[stage] === "mined") console.log(`${label}: mined in block ${tx.blockNumber} (gas ${tx.gasUsed}), confirming…`);
        else console.log(`${label}: confirmed in block ${tx.blockNumber}`);
      }
      if (reached >= 0) printed.set(tx.id, Math.max(printed.get(tx.id) ?? -1, reached));
    }
    if (rows.every((tx) => tx.status === "confirmed" || tx.status === "failed")) break;
    watcher.nudge();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  process.off("SIGINT", interrupt);
  await watcher.stop();
  const done = enqueued.length - failed;
  console.log(failed === 0 ? `Withdrew ${amount(total)} from ${done} channel(s).` : `${done} withdrawal(s) confirmed, ${failed} failed.`);
  return failed === 0;
}
