// The chain watcher on its own (lib/receiver/watcher), against a real Hardhat node and a real
// database: a 10,000-block catch-up in bounded ranges with progress, and reorgs undone to the
// last byte. After every sync the receiver's records must equal what the chain says.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createPublicClient, getAddress, http, parseEther } from "viem";
import { hardhat } from "viem/chains";
import { getChannelEvents } from "../../lib/chain/getChannelEvents";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import { fromDbAmount } from "../../lib/db/amount";
import type { ChannelId } from "../../lib/protocol/typedData";
import { findChannel } from "../../lib/receiver/channels";
import type { Receiver } from "../../lib/receiver/context";
import { syncChain, type SyncProgress } from "../../lib/receiver/watcher/syncChain";
import { describeEachDatabase } from "../db/databases";
import { blockNumber, mine, rpc } from "../helpers/chain";
import { startTestChain, type TestChain } from "../helpers/localSite";
import { openChannel } from "../helpers/reader";
import { testReceiver } from "../helpers/testReceiver";

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

/**
 * Asserts that the receiver's records are the chain's: the stored events are exactly the
 * manager's logs for this receiver, and every channel row has the deposit, withdrawn amount,
 * status, settle time and delegate the contract holds (confirmations 1: everything counts).
 */
async function assertMatchesChain(receiver: Receiver): Promise<void> {
  const { db, config } = receiver;
  const head = await receiver.chain.getBlockNumber({ cacheTime: 0 });
  const events = await getChannelEvents(receiver.chain, { manager: config.channelManager, receiver: config.receiver.address, fromBlock: 0n, toBlock: head });
  const stored = await db.chainEvent.findMany({ orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] });
  assert.deepEqual(
    stored.map((e) => `${e.blockNumber}/${e.logIndex} ${e.kind} ${e.blockHash}`),
    events.map((e) => `${e.blockNumber}/${e.logIndex} ${e.kind} ${e.blockHash}`),
    "the stored events are not the chain's",
  );
  const ids = new Map<string, ChannelId>();
  for (const e of events) ids.set(`${e.channel.sender}/${e.channel.openBlock}`, e.channel);
  assert.equal(await db.channel.count(), ids.size, "a channel row the chain does not have");
  for (const id of ids.values()) {
    const row = await findChannel(receiver, id);
    assert.ok(row, `no row for ${id.sender}/${id.openBlock}`);
    const onChain = await getChannelInfo(receiver.chain, config.channelManager, id);
    if (!onChain) {
      assert.equal(row.status, "settled");
      continue;
    }
    assert.equal(fromDbAmount(row.deposit), onChain.deposit, "deposit");
    assert.equal(fromDbAmount(row.withdrawn), onChain.withdrawn, "withdrawn");
    assert.equal(row.status, onChain.settleTime === 0n ? "open" : "closing");
    assert.equal(row.settleAfter, onChain.settleTime === 0n ? null : onChain.settleTime);
    assert.equal(row.delegate ? getAddress(row.delegate) : undefined, onChain.delegate);
    assert.equal(row.confirmed, true);
  }
}

describeEachDatabase("the chain watcher", (database) => {
  it("catches up over 10,000 blocks in ranges of at most WATCHER_BLOCK_RANGE, saying how far it is", async () => {
    // The node's requests as the watcher makes them, to check the ranges it asks for.
    const ranges: [bigint, bigint][] = [];
    const receiver = testReceiver(chain, database(), { WATCHER_BLOCK_RANGE: "2000" });
    receiver.chain = createPublicClient({
      chain: hardhat,
      transport: http(chain.url, {
        onFetchRequest: async (request) => {
          const body = JSON.parse(await request.clone().text()) as { method: string; params: { fromBlock: string; toBlock: string }[] };
          if (body.method === "eth_getLogs") ranges.push([BigInt(body.params[0].fromBlock), BigInt(body.params[0].toBlock)]);
        },
      }),
    });
    await syncChain(receiver);

    const early = await openChannel(chain, 2, { deposit: parseEther("2") });
    await early.topUp(parseEther("1"));
    await mine(chain, 4000);
    const delegated = await openChannel(chain, 3, { delegate: getAddress("0x00000000000000000000000000000000000000de") });
    await delegated.requestClose(0n);
    await mine(chain, 6000);
    await openChannel(chain, 4);

    const progress: SyncProgress[] = [];
    ranges.length = 0;
    const result = await syncChain(receiver, (p) => progress.push(p));
    assert.ok(result.blocks >= 10_000n, `read ${result.blocks} blocks`);
    assert.equal(result.events, 5);
    assert.ok(ranges.length >= 5, `${ranges.length} getLogs calls`);
    for (const [from, to] of ranges) assert.ok(to - from + 1n <= 2000n, `a range of ${to - from + 1n} blocks`);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i][0], ranges[i - 1][1] + 1n, "the ranges leave a gap or overlap");
    assert.equal(progress[0].stage, "catching-up");
    assert.equal(progress.at(-1)!.stage, "caught-up");
    const steps = progress.filter((p) => p.stage === "progress");
    assert.ok(steps.length >= 5);
    assert.equal(steps.at(-1)!.toGo, 0n);
    await assertMatchesChain(receiver);
  });

  it("undoes a reorg: after a revert and other blocks, the records equal the surviving chain's", async () => {
    const receiver = testReceiver(chain, database());
    await syncChain(receiver);
    const survivor = await openChannel(chain, 5, { deposit: parseEther("1") });
    await syncChain(receiver);
    const fork = await rpc<string>(chain, "evm_snapshot");

    // A branch that will be dropped: a new channel, a top-up and a close request on the survivor.
    const dropped = await openChannel(chain, 6);
    await survivor.topUp(parseEther("5"));
    await survivor.requestClose(0n);
    await mine(chain, 3);
    await syncChain(receiver);
    assert.ok(await findChannel(receiver, dropped), "the watcher never saw the branch");
    assert.equal((await findChannel(receiver, survivor))?.status, "closing");
    const droppedHead = await blockNumber(chain);

    await rpc(chain, "evm_revert", [fork]);
    // The surviving chain: other transactions, and longer than the dropped branch.
    const replacement = await openChannel(chain, 7, { deposit: parseEther("3") });
    await mine(chain, Number(droppedHead - (await blockNumber(chain))) + 2);
    await syncChain(receiver);

    assert.equal(await findChannel(receiver, dropped), null, "the dropped channel's row remains");
    const row = await findChannel(receiver, survivor);
    assert.equal(row?.status, "open", "the dropped close request remains");
    assert.equal(fromDbAmount(row!.deposit), parseEther("1"), "the dropped top-up remains");
    assert.ok(await findChannel(receiver, replacement));
    await assertMatchesChain(receiver);

    // And a reorg to a chain of the same height, which only the hash tells apart.
    const again = await rpc<string>(chain, "evm_snapshot");
    await openChannel(chain, 8);
    await syncChain(receiver);
    await rpc(chain, "evm_revert", [again]);
    await openChannel(chain, 9);
    await syncChain(receiver);
    await assertMatchesChain(receiver);
  });
});
