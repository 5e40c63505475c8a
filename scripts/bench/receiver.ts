/**
 * The receiver's chain work in `npm run bench` (issue #8), each against a real Hardhat node:
 *
 * - `catch_up`: the watcher (syncChain) catching up from nothing over 10,000 blocks that hold a
 *   few hundred channel events: blocks and events per second, and this process's peak memory;
 * - `dispute`: blocks and seconds from a stale close being mined to the site's dispute being
 *   mined, beside the challenge period it must fit in;
 * - `failover`: seconds from SIGKILL of the leading instance to the other one watching (two
 *   `next start` on one PostgreSQL), beside the lease;
 * - `withdraw`: the gas of withdrawing N channels one transaction each, and what one batched
 *   transaction would save.
 */
import { parseEther, parseEventLogs, type Hex } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import { syncChain } from "../../lib/receiver/watcher/syncChain";
import { createTestDatabase, postgresUnavailable } from "../../test/db/databases";
import { seedArticles } from "../../test/helpers/articles";
import { mine } from "../../test/helpers/chain";
import { send } from "../../test/helpers/http";
import { startSite, startTestChain, type TestChain } from "../../test/helpers/localSite";
import { chainClients, openChannel, programHeaders, RECEIVER } from "../../test/helpers/reader";
import { testReceiver } from "../../test/helpers/testReceiver";
import { devAccount } from "../lib/localChain";
import { onShutdown, waitFor } from "../lib/processes";
import { printFigures } from "./report";

/** Catch-up: senders (dev accounts 2 …), each opening a channel and topping it up, between long runs of empty blocks. */
const CATCH_UP_SENDERS = 10;
const TOP_UPS = 19;
const CATCH_UP_BLOCKS = 10_000;
/** Withdrawals: channels withdrawn one by one (dev accounts 12 … 19, the node's last funded ones). */
const WITHDRAW_CHANNELS = 8;
/** An Ethereum transaction's intrinsic gas: what a batch pays once instead of once per channel. */
const TX_BASE_GAS = 21_000n;

export type CatchUpFigures = { name: "catch_up"; blocks: number; events: number; seconds: number; blocks_per_s: number; events_per_s: number; peak_rss_mb: number; rss_growth_mb: number };
export type DisputeFigures = { name: "dispute"; blocks: number; seconds: number; challenge_period_s: number };
export type FailoverFigures = { name: "failover"; seconds: number; lease_s: number } | { name: "failover"; skipped: string };
export type WithdrawFigures = {
  name: "withdraw";
  channels: number;
  gas_total: number;
  gas_per_channel: number;
  /** Estimated: one transaction's base for all, the per-channel work unchanged. */
  batched_gas_estimate: number;
  batched_saving: number;
  batched_saving_share: number;
};
export type ReceiverFigures = CatchUpFigures | DisputeFigures | FailoverFigures | WithdrawFigures;

const PRICE = parseEther("0.01");

export async function benchReceiver(log: (line: string) => void): Promise<ReceiverFigures[]> {
  const chain = await startTestChain();
  try {
    return [await catchUp(chain, log), await withdrawals(chain, log), await dispute(chain, log), await failover(chain, log)];
  } finally {
    chain.stop();
  }
}

/** Sends a contract write from dev account `index` and waits for it (the node mines one block per transaction). */
async function write(chain: TestChain, index: number, call: Parameters<ReturnType<typeof chainClients>["wallet"]["writeContract"]>[0]) {
  const { client, wallet } = chainClients(chain, devAccount(index));
  return client.waitForTransactionReceipt({ hash: await wallet.writeContract(call) });
}

async function catchUp(chain: TestChain, log: (line: string) => void): Promise<CatchUpFigures> {
  log(`  catch-up: ${CATCH_UP_SENDERS} channels with ${TOP_UPS} top-ups each, between ${CATCH_UP_BLOCKS} mined blocks`);
  const { token, channelManager } = chain.deployment;
  const amount = parseEther("1");
  for (let s = 0; s < CATCH_UP_SENDERS; s++) {
    const index = s + 2;
    const total = amount * BigInt(TOP_UPS + 1);
    await write(chain, index, { address: token, abi: tollgateTokenAbi, functionName: "faucet", args: [total], chain: undefined, account: devAccount(index) });
    await write(chain, index, { address: token, abi: tollgateTokenAbi, functionName: "approve", args: [channelManager, total], chain: undefined, account: devAccount(index) });
    const created = await write(chain, index, { address: channelManager, abi: channelManagerAbi, functionName: "createChannel", args: [RECEIVER, "0x0000000000000000000000000000000000000000", amount], chain: undefined, account: devAccount(index) });
    for (let t = 0; t < TOP_UPS; t++) {
      await write(chain, index, { address: channelManager, abi: channelManagerAbi, functionName: "topUp", args: [RECEIVER, created.blockNumber, amount], chain: undefined, account: devAccount(index) });
    }
    await mine(chain, CATCH_UP_BLOCKS / CATCH_UP_SENDERS);
  }
  await using database = await createTestDatabase("sqlite");
  const receiver = testReceiver(chain, database);
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = performance.now();
  const result = await syncChain(receiver);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const blocks = Number(result.blocks);
  return {
    name: "catch_up",
    blocks,
    events: result.events,
    seconds: Number(seconds.toFixed(2)),
    blocks_per_s: Math.round(blocks / seconds),
    events_per_s: Math.round(result.events / seconds),
    peak_rss_mb: Number((peak / 2 ** 20).toFixed(1)),
    rss_growth_mb: Number(((peak - startRss) / 2 ** 20).toFixed(1)),
  };
}

async function withdrawals(chain: TestChain, log: (line: string) => void): Promise<WithdrawFigures> {
  log(`  withdrawals: ${WITHDRAW_CHANNELS} channels, one withdraw transaction each`);
  const gas: bigint[] = [];
  for (let c = 0; c < WITHDRAW_CHANNELS; c++) {
    // Dev accounts past the catch-up's senders: fresh channels with a proof the receiver holds.
    const channel = await openChannel(chain, CATCH_UP_SENDERS + 2 + c);
    const proof = await channel.sign(PRICE);
    const receipt = await write(chain, 1, {
      address: chain.deployment.channelManager,
      abi: channelManagerAbi,
      functionName: "withdraw",
      args: [channel.sender, channel.openBlock, proof.balance, proof.balanceSignature as Hex],
      chain: undefined,
      account: devAccount(1),
    });
    if (receipt.status !== "success") throw new Error(`withdraw ${c} reverted`);
    gas.push(receipt.gasUsed);
  }
  const total = gas.reduce((a, b) => a + b, 0n);
  const batched = total - TX_BASE_GAS * BigInt(WITHDRAW_CHANNELS - 1);
  return {
    name: "withdraw",
    channels: WITHDRAW_CHANNELS,
    gas_total: Number(total),
    gas_per_channel: Math.round(Number(total) / WITHDRAW_CHANNELS),
    batched_gas_estimate: Number(batched),
    batched_saving: Number(total - batched),
    batched_saving_share: Number((Number(total - batched) / Number(total)).toFixed(3)),
  };
}

async function dispute(chain: TestChain, log: (line: string) => void): Promise<DisputeFigures> {
  log("  dispute: a site on SQLite holds a proof; the sender closes at 0; until the dispute is mined");
  await using database = await createTestDatabase("sqlite");
  await seedArticles(database.db, [{ slug: "bench-dispute", price: PRICE }]);
  const site = await startSite({ databaseUrl: database.url, chain });
  try {
    // A new channel of account 2 (its catch-up channel is another one).
    const index = 2;
    const channel = await openChannel(chain, index);
    const answer = await send(site, "/articles/bench-dispute", { headers: programHeaders(await channel.sign(PRICE)) });
    if (answer.status !== 200) throw new Error(`the paid read answered ${answer.status}: ${answer.text}`);
    const { client } = chainClients(chain, channel.account);
    const challengePeriod = await client.readContract({ address: chain.deployment.channelManager, abi: channelManagerAbi, functionName: "challengePeriod" });
    const close = await write(chain, index, {
      address: chain.deployment.channelManager,
      abi: channelManagerAbi,
      functionName: "uncooperativeClose",
      args: [RECEIVER, channel.openBlock, 0n],
      chain: undefined,
      account: channel.account,
    });
    const minedAt = performance.now();
    await waitFor("the site's dispute", async () => (await getChannelInfo(client, chain.deployment.channelManager, channel)) === null, 60_000);
    const seconds = (performance.now() - minedAt) / 1000;
    const logs = await client.getLogs({ address: chain.deployment.channelManager, fromBlock: close.blockNumber });
    const [settled] = parseEventLogs({ abi: channelManagerAbi, logs, eventName: "ChannelSettled" }).filter((e) => e.args.sender === channel.sender);
    return { name: "dispute", blocks: Number(settled.blockNumber - close.blockNumber), seconds: Number(seconds.toFixed(2)), challenge_period_s: Number(challengePeriod) };
  } finally {
    await site.stop();
  }
}

async function failover(chain: TestChain, log: (line: string) => void): Promise<FailoverFigures> {
  if (postgresUnavailable) return { name: "failover", skipped: postgresUnavailable };
  log("  failover: two instances on one PostgreSQL; SIGKILL the leader; until the other leads");
  const database = await createTestDatabase("postgres");
  const forget = onShutdown(() => database.dispose());
  const leads = (output: string) => /watcher: this process leads/.test(output);
  const first = await startSite({ databaseUrl: database.url, chain });
  const second = await startSite({ databaseUrl: database.url, chain }).catch(async (error) => (await first.stop(), Promise.reject(error)));
  try {
    await waitFor("one instance to lead", async () => leads(first.output()) || leads(second.output()));
    const [leader, other] = leads(first.output()) ? [first, second] : [second, first];
    const killedAt = performance.now();
    await leader.kill();
    await waitFor("the other instance to lead", async () => leads(other.output()), 60_000);
    return { name: "failover", seconds: Number(((performance.now() - killedAt) / 1000).toFixed(2)), lease_s: Number(first.env.LEADER_LEASE_SECONDS ?? 10) };
  } finally {
    await first.stop();
    await second.stop();
    forget();
    await database.dispose();
  }
}

export function printReceiver(rows: ReceiverFigures[]): void {
  const cells: Array<[string, string]> = rows.map((row): [string, string] => {
    switch (row.name) {
      case "catch_up":
        return ["watcher catch-up", `${row.blocks} blocks, ${row.events} events in ${row.seconds} s: ${row.blocks_per_s} blocks/s, ${row.events_per_s} events/s; peak RSS ${row.peak_rss_mb} MB (+${row.rss_growth_mb} MB)`];
      case "dispute":
        return ["dispute latency", `${row.blocks} block(s), ${row.seconds} s from the stale close mined to the dispute mined (challenge period ${row.challenge_period_s} s)`];
      case "failover":
        return ["failover", "skipped" in row ? `skipped: ${row.skipped}` : `${row.seconds} s from SIGKILL of the leader to the other instance leading (lease ${row.lease_s} s)`];
      case "withdraw":
        return [
          "withdrawals",
          `${row.channels} channels one by one: ${row.gas_total} gas (${row.gas_per_channel} each); one batched transaction ≈ ${row.batched_gas_estimate} gas, saving ${row.batched_saving} (${(row.batched_saving_share * 100).toFixed(1)}%)`,
        ];
    }
  });
  printFigures("The receiver's chain work", ["figure", "measured"], cells);
}
