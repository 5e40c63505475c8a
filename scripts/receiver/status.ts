/** `npm run receiver -- status`: the receiver's channels and transactions, as the database and the chain say. */
import { formatEther } from "viem";
import { fromDbAmount } from "../../lib/db/amount";
import { toDbAddress } from "../../lib/db/hex";
import { formatTokenAmount } from "../../lib/protocol/amounts";
import type { Receiver } from "../../lib/receiver/context";
import { confirmedThrough } from "../../lib/receiver/watcher/cursor";
import { getWatcherStatus } from "../../lib/receiver/watcher/watcherStatus";
import { tokenUnit } from "../../lib/token";

const amount = (value: bigint) => formatTokenAmount(value, tokenUnit);

export async function printStatus(receiver: Receiver): Promise<void> {
  const { db, config } = receiver;
  const watcher = await getWatcherStatus(receiver);
  const gas = await receiver.chain.getBalance({ address: config.receiver.address }).catch(() => undefined);
  console.log(`Receiver  ${config.receiver.address} on chain ${config.chainId}, channel manager ${config.channelManager}`);
  console.log(
    watcher.block === null
      ? "Watcher   has not read the chain yet (is a site or `npm run watcher` running?)"
      : `Watcher   block ${watcher.block} of ${watcher.head} (${watcher.lagBlocks} behind), synced ${ago(watcher.syncedAt!)}${watcher.current ? "" : " — NOT CURRENT: the site refuses payments"}; ${watcher.leader ? `led by ${watcher.leader.holder}` : "no process leads"}${watcher.lastError ? `; last error: ${watcher.lastError}` : ""}`,
  );
  console.log(`Gas       ${gas === undefined ? "unknown (the chain does not answer)" : `${formatEther(gas)} ETH`}`);

  const channels = await db.channel.findMany({
    where: { chainId: config.chainId, contract: toDbAddress(config.channelManager), receiver: toDbAddress(config.receiver.address) },
    include: { transactions: { orderBy: { id: "desc" } } },
    orderBy: { openBlock: "asc" },
  });
  // Deposits seen on chain that are not confirmed yet do not count; show them as pending.
  const unconfirmed = watcher.head === null ? [] : await db.chainEvent.findMany({
    where: { chainId: config.chainId, contract: toDbAddress(config.channelManager), kind: { in: ["created", "toppedUp"] }, blockNumber: { gt: confirmedThrough(receiver, watcher.head) } },
  });

  const rows = channels.map((c) => {
    const received = fromDbAmount(c.balance);
    const withdrawn = fromDbAmount(c.withdrawn);
    const pendingDeposit = unconfirmed
      .filter((e) => e.sender === c.sender && e.openBlock === c.openBlock)
      .reduce((sum, e) => sum + fromDbAmount(e.amount), 0n);
    const notes: string[] = [];
    if (!c.confirmed) notes.push("opening not confirmed yet");
    if (pendingDeposit > 0n && c.confirmed) notes.push(`top-up of ${amount(pendingDeposit)} not confirmed yet`);
    if (c.closeIssuedAt && c.status === "open") notes.push("closing signature issued");
    if (c.status === "closing") {
      const claimed = fromDbAmount(c.closingBalance ?? "0".repeat(39));
      notes.push(`sender closes at ${amount(claimed)}, settles after ${new Date(Number(c.settleAfter) * 1000).toISOString()}`);
      if (claimed >= received) notes.push("no dispute needed");
    }
    for (const tx of c.transactions.filter((t) => t.kind === "dispute" || t.status !== "confirmed").slice(0, 2)) {
      notes.push(`${tx.kind} #${tx.id} ${tx.status}${tx.error ? ` (${tx.error})` : ""}`);
    }
    return {
      channel: `${c.sender}/${c.openBlock}`,
      state: c.status,
      deposit: amount(fromDbAmount(c.deposit)),
      received: amount(received),
      withdrawn: amount(withdrawn),
      withdrawable: c.status === "open" ? amount(received - withdrawn) : "—",
      pending: notes.join("; ") || "—",
    };
  });
  console.log("");
  if (rows.length === 0) console.log("No channels yet.");
  else printTable(rows);

  const sum = (pick: (c: (typeof channels)[number]) => string) => channels.reduce((total, c) => total + fromDbAmount(pick(c)), 0n);
  const count = (status: string) => channels.filter((c) => c.status === status).length;
  const open = channels.filter((c) => c.status === "open");
  const withdrawable = open.reduce((total, c) => total + fromDbAmount(c.balance) - fromDbAmount(c.withdrawn), 0n);
  console.log(
    `\nReceived ${amount(sum((c) => c.balance))}, withdrawn ${amount(sum((c) => c.withdrawn))}, withdrawable now ${amount(withdrawable)}; ` +
      `${count("open")} open, ${count("closing")} closing, ${count("settled")} settled.`,
  );
  const inFlight = await db.receiverTransaction.count({ where: { chainId: config.chainId, status: { in: ["queued", "sent", "mined"] } } });
  if (inFlight > 0) console.log(`${inFlight} transaction(s) of the receiver under way.`);
}

function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
}

function ago(date: Date): string {
  const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}
