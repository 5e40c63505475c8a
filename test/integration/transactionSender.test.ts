// The receiver's one transaction sender (lib/receiver/transactions), against a real Hardhat node
// and a real database: several tasks share the key's nonces; a stuck transaction is replaced at
// a higher fee; a nonce used elsewhere, an RPC that is down, a reverting call, a node that forgot
// a transaction and a reorg that drops a mined one are each survived; the log says what happened.
import assert from "node:assert/strict";
import { after, before, beforeEach, it } from "node:test";
import { parseEther, parseGwei, toHex, type Hash } from "viem";
import { toDbAmount } from "../../lib/db/amount";
import type { Article } from "../../lib/db/Db";
import { acceptPayment } from "../../lib/receiver/acceptPayment";
import type { Receiver } from "../../lib/receiver/context";
import { enqueueDisputes } from "../../lib/receiver/enqueueDisputes";
import { requestWithdrawals } from "../../lib/receiver/requestWithdrawals";
import { createTransactionSender } from "../../lib/receiver/transactions/transactionSender";
import { startWatcher } from "../../lib/receiver/watcher/startWatcher";
import { syncChain } from "../../lib/receiver/watcher/syncChain";
import { waitFor } from "../../scripts/lib/processes";
import { describeEachDatabase } from "../db/databases";
import { rpc, tokenBalance } from "../helpers/chain";
import { startTestChain, type TestChain } from "../helpers/localSite";
import { chainClients, openChannel, RECEIVER, type TestChannel } from "../helpers/reader";
import { startRpcProxy, type RpcProxy } from "../helpers/rpcProxy";
import { recordingLog, testReceiver } from "../helpers/testReceiver";
import { devAccount } from "../../scripts/lib/localChain";

const PRICE = parseEther("0.01");

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("the receiver's transaction sender", (database) => {
  let receiver: Receiver;
  let article: Article;
  let reader = 2;
  before(async () => {
    receiver = testReceiver(chain, database());
    article = await database().db.article.create({ data: { slug: "paid", title: "t", teaser: "t", body: "b", price: toDbAmount(PRICE), published: true } });
  });
  beforeEach(() => rpc(chain, "evm_setAutomine", [true]));

  /** A channel the receiver has accepted one proof on (PRICE), so there is something to withdraw. */
  async function paidChannel(): Promise<TestChannel> {
    const channel = await openChannel(chain, reader++);
    await syncChain(receiver);
    await acceptPayment(receiver, article, await channel.sign(PRICE));
    return channel;
  }

  const senderFor = (log = recordingLog(), on = receiver) => ({ log, sender: createTransactionSender(on, { isLeader: () => true, holdsLease: async () => true, log }) });
  const statuses = async () => (await database().db.receiverTransaction.findMany({ orderBy: { id: "asc" } })).map((t) => t.status);
  const latest = () => database().db.receiverTransaction.findFirstOrThrow({ orderBy: { id: "desc" }, include: { broadcasts: { orderBy: { id: "asc" } } } });
  const nonceOf = () => chainClients(chain, devAccount(1)).client.getTransactionCount({ address: RECEIVER, blockTag: "latest" });

  it("sends the transactions of several tasks with consecutive nonces, disputes first, and confirms each", async () => {
    const withdrawing = [await paidChannel(), await paidChannel(), await paidChannel()];
    const closing = await paidChannel();
    await closing.requestClose(0n);
    await syncChain(receiver);
    const before = await tokenBalance(chain, RECEIVER);
    await requestWithdrawals(receiver);
    assert.equal(await enqueueDisputes(receiver, () => undefined), 1);
    const { sender, log } = senderFor();
    const firstNonce = await nonceOf();
    await sender.step();
    await sender.step();
    const txs = await database().db.receiverTransaction.findMany({ where: { status: "confirmed" }, orderBy: { nonce: "asc" } });
    assert.equal(txs.length, 4, (await statuses()).join());
    assert.deepEqual(txs.map((t) => t.nonce), [firstNonce, firstNonce + 1, firstNonce + 2, firstNonce + 3]);
    assert.equal(txs[0].kind, "dispute");
    assert.equal(await tokenBalance(chain, RECEIVER), before + 4n * PRICE);
    for (const stage of [/sent 0x/, /mined in block \d+/, /confirmed/]) assert.ok(log.has(stage), `no "${stage}" in the log:\n${log.lines.join("\n")}`);
    assert.equal(withdrawing.length, 3);
  });

  it("replaces a transaction stuck below the base fee with a higher fee at the same nonce", async () => {
    await paidChannel();
    await requestWithdrawals(receiver);
    await rpc(chain, "evm_setAutomine", [false]);
    const { sender, log } = senderFor();
    await sender.step();
    const sent = await latest();
    assert.equal(sent.status, "sent");
    const first = sent.broadcasts[0];
    // The base fee jumps past what it offered, for longer than TX_STUCK_BLOCKS empty blocks.
    await rpc(chain, "hardhat_setNextBlockBaseFeePerGas", [toHex((BigInt(first.maxFeePerGas) * 16n) / 10n)]);
    await rpc(chain, "hardhat_mine", [toHex(receiver.config.transactions.stuckAfterBlocks)]);
    await sender.step();
    const replaced = await latest();
    assert.equal(replaced.broadcasts.length, 2, log.lines.join("\n"));
    const second = replaced.broadcasts[1];
    assert.ok(BigInt(second.maxFeePerGas) > (BigInt(first.maxFeePerGas) * 11n) / 10n);
    assert.ok(BigInt(second.maxPriorityFeePerGas) > (BigInt(first.maxPriorityFeePerGas) * 11n) / 10n);
    assert.ok(log.has(/not mined after \d+ blocks; replaced it with 0x/), log.lines.join("\n"));
    await rpc(chain, "evm_mine");
    await sender.step();
    const mined = await latest();
    assert.equal(mined.status, "confirmed");
    assert.equal(mined.hash, second.hash, "the replacement was not the one mined");
  });

  it("does not bump a stuck transaction past MAX_FEE_PER_GAS_GWEI, and says so once", async () => {
    const capped = testReceiver(chain, database(), { MAX_FEE_PER_GAS_GWEI: "3" });
    await paidChannel();
    await requestWithdrawals(capped);
    await rpc(chain, "evm_setAutomine", [false]);
    const { sender, log } = senderFor(recordingLog(), capped);
    await sender.step();
    // Stuck for three rounds of TX_STUCK_BLOCKS: the first bump reaches the cap, the others cannot.
    await rpc(chain, "hardhat_setNextBlockBaseFeePerGas", [toHex(parseGwei("100"))]);
    for (let round = 0; round < 3; round++) {
      await rpc(chain, "hardhat_mine", [toHex(capped.config.transactions.stuckAfterBlocks)]);
      await sender.step();
    }
    const tx = await latest();
    for (const b of tx.broadcasts) assert.ok(BigInt(b.maxFeePerGas) <= parseGwei("3"), `offered ${b.maxFeePerGas}`);
    assert.equal(log.lines.filter((line) => /at the cap MAX_FEE_PER_GAS_GWEI=3/.test(line)).length, 1, log.lines.join("\n"));
    // Let it through: the base fee falls back and the cap is lifted.
    await rpc(chain, "hardhat_setNextBlockBaseFeePerGas", [toHex(parseGwei("1"))]);
    await rpc(chain, "evm_mine");
    await senderFor().sender.step();
    assert.equal((await latest()).status, "confirmed");
  });

  it("sends again with a new nonce when another transaction of the key took its nonce", async () => {
    await paidChannel();
    await requestWithdrawals(receiver);
    await rpc(chain, "evm_setAutomine", [false]);
    const { sender, log } = senderFor();
    await sender.step();
    const ours = await latest();
    // Someone else with the receiver's key replaces it in the mempool.
    const { wallet } = chainClients(chain, devAccount(1));
    await wallet.sendTransaction({ to: RECEIVER, value: 0n, nonce: ours.nonce!, maxFeePerGas: BigInt(ours.broadcasts[0].maxFeePerGas) * 3n, maxPriorityFeePerGas: BigInt(ours.broadcasts[0].maxPriorityFeePerGas) * 3n });
    await rpc(chain, "evm_mine");
    await sender.step();
    assert.ok(log.has(/nonce \d+ was used by another transaction/), log.lines.join("\n"));
    // The same step sent it again, with the next nonce.
    await rpc(chain, "evm_mine");
    await sender.step();
    const done = await latest();
    assert.equal(done.status, "confirmed");
    assert.equal(done.nonce, ours.nonce! + 1);
  });

  it("fails a transaction the contract would revert, with its reason, and sends nothing", async () => {
    const channel = await paidChannel();
    await requestWithdrawals(receiver);
    await channel.requestClose(PRICE); // withdraw now reverts: the channel is closing
    const nonce = await nonceOf();
    const { sender, log } = senderFor();
    await sender.step();
    const tx = await latest();
    assert.equal(tx.status, "failed");
    assert.match(tx.error!, /^ChannelIsClosing\(\d+\)$/);
    assert.equal(tx.broadcasts.length, 0);
    assert.equal(await nonceOf(), nonce);
    assert.ok(log.has(/failed before sending: ChannelIsClosing/));
  });

  it("waits out an RPC that is down, with backoff, and sends once it is back", async () => {
    const proxy: RpcProxy = await startRpcProxy(chain.url);
    try {
      const behind = testReceiver(chain, database(), { WATCHER_POLL_MS: "100" }, proxy.url);
      await paidChannel();
      await requestWithdrawals(behind);
      // Only gas estimation fails: that one transaction waits, with a growing delay.
      proxy.setDown(true, ["eth_estimateGas"]);
      const { sender, log } = senderFor(recordingLog(), behind);
      await sender.step();
      const tx = await latest();
      assert.equal(tx.status, "queued");
      assert.equal(tx.attempts, 1);
      assert.ok(tx.nextAttemptAt && tx.nextAttemptAt > new Date());
      assert.ok(log.has(/could not estimate its gas.*trying again in 2 s/), log.lines.join("\n"));
      await sender.step(); // before nextAttemptAt: not tried again
      assert.equal((await latest()).attempts, 1);
      proxy.setDown(false);
      await waitFor("the withdrawal to be sent after its backoff", async () => (await sender.step(), (await latest()).status === "confirmed"));

      // The whole RPC down: the watcher's loop backs off instead of hammering it, and carries on.
      await paidChannel();
      await requestWithdrawals(behind);
      proxy.setDown(true);
      const watcherLog = recordingLog();
      const watcher = startWatcher(behind, { log: watcherLog });
      try {
        const refusedAt = proxy.refused();
        await waitFor("the watcher to meet the dead RPC", async () => proxy.refused() > refusedAt + 1);
        const started = performance.now();
        const attemptsBefore = proxy.refused();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const perSecond = ((proxy.refused() - attemptsBefore) * 1000) / (performance.now() - started);
        assert.ok(perSecond < 5, `${perSecond.toFixed(1)} requests a second to a dead RPC at a 100 ms poll`);
        assert.equal(watcherLog.lines.filter((line) => /^WARN watcher:/.test(line)).length, 1, "the same error was logged more than once");
        proxy.setDown(false);
        await waitFor("the watcher to send once the RPC is back", async () => (await latest()).status === "confirmed", 60_000);
      } finally {
        await watcher.stop();
      }
    } finally {
      await proxy.close();
    }
  });

  it("sends a recorded transaction again when the node has forgotten it (a restart, a dropped mempool)", async () => {
    await paidChannel();
    await requestWithdrawals(receiver);
    await rpc(chain, "evm_setAutomine", [false]);
    await senderFor().sender.step();
    const sent = await latest();
    await rpc(chain, "hardhat_dropTransaction", [sent.broadcasts[0].hash]);
    const { sender, log } = senderFor(); // a new process
    await sender.step();
    assert.ok(log.has(/sent 0x[0-9a-f]+ again \(the node had forgotten it\)/), log.lines.join("\n"));
    await rpc(chain, "evm_mine");
    await sender.step();
    const done = await latest();
    assert.equal(done.status, "confirmed");
    assert.equal(done.hash, sent.broadcasts[0].hash);
  });

  it("follows a mined transaction again when a reorg drops its block", async () => {
    const deep = testReceiver(chain, database(), { CONFIRMATIONS: "3" });
    await paidChannel();
    await requestWithdrawals(deep);
    const snapshot = await rpc<string>(chain, "evm_snapshot");
    const { sender, log } = senderFor(recordingLog(), deep);
    await sender.step(); // sent (and mined at once: automine)
    await sender.step();
    assert.equal((await latest()).status, "mined");
    await rpc(chain, "evm_revert", [snapshot]);
    await sender.step();
    assert.ok(log.has(/dropped by a reorg/), log.lines.join("\n"));
    await sender.step(); // the node no longer has it: sent again, and mined (automine)
    await rpc(chain, "hardhat_mine", ["0x3"]);
    await sender.step();
    await sender.step();
    const done = await latest();
    assert.equal(done.status, "confirmed", log.lines.join("\n"));
    const receipt = await chainClients(chain, devAccount(1)).client.getTransactionReceipt({ hash: done.hash as Hash });
    assert.equal(receipt.status, "success");
  });

  it("warns when the receiver's gas balance runs low", async () => {
    const { client } = chainClients(chain, devAccount(1));
    const balance = await client.getBalance({ address: RECEIVER });
    await rpc(chain, "hardhat_setBalance", [RECEIVER, toHex(parseEther("0.001"))]);
    try {
      const { sender, log } = senderFor();
      await sender.step();
      assert.ok(log.has(/has 0\.001 ETH for gas, below GAS_BALANCE_WARNING_ETH=0\.05: fund it/), log.lines.join("\n"));
    } finally {
      await rpc(chain, "hardhat_setBalance", [RECEIVER, toHex(balance)]);
    }
  });
});
