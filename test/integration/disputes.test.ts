// The receiver disputes by itself (DESIGN.md): a sender who asks for an uncooperative close at a
// balance below the latest proof the receiver holds is answered, inside the challenge period, by
// a cooperativeClose with that proof, and the receiver is paid what it says. Also when the site
// was killed after the close request was mined and only started again later in the period.
// Real `next start` with its watcher and transaction sender, a real Hardhat node, both databases.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { channelManagerAbi } from "../../lib/chain/abis.generated";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import { waitFor } from "../../scripts/lib/processes";
import { describeEachDatabase } from "../db/databases";
import { seedArticles } from "../helpers/articles";
import { mine, rpc, tokenBalance } from "../helpers/chain";
import { send } from "../helpers/http";
import { channelRow } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { chainClients, openChannel, programHeaders, RECEIVER, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const DEPOSIT = parseEther("1");
const CHALLENGE_PERIOD = 120n; // the test chain's deployment
const articles = [
  { slug: "alpha", price: PRICE },
  { slug: "beta", price: 2n * PRICE },
];

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("disputes", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  /** A channel that bought alpha and beta: the receiver holds a proof of 3 × PRICE. */
  async function channelWithPurchases(index: number): Promise<TestChannel> {
    const channel = await openChannel(chain, index, { deposit: DEPOSIT });
    for (const [slug, balance] of [["alpha", PRICE], ["beta", 3n * PRICE]] as const) {
      const answer = await send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });
      assert.equal(answer.status, 200, answer.text);
    }
    return channel;
  }

  /**
   * Waits until the channel is gone from the contract (closed by the dispute) and returns the
   * close's event, asserting that it came before the challenge period ended.
   */
  async function disputed(channel: TestChannel, settleTime: bigint) {
    const { client } = chainClients(chain, channel.account);
    await waitFor("the receiver's dispute to close the channel", async () => (await getChannelInfo(client, chain.deployment.channelManager, channel)) === null, 60_000);
    const [settled] = await client.getContractEvents({
      address: chain.deployment.channelManager,
      abi: channelManagerAbi,
      eventName: "ChannelSettled",
      args: { sender: channel.sender, receiver: RECEIVER, openBlock: channel.openBlock },
      fromBlock: channel.openBlock,
    });
    const block = await client.getBlock({ blockNumber: settled.blockNumber });
    assert.ok(block.timestamp <= settleTime, `the dispute landed at ${block.timestamp}, after the challenge period ended at ${settleTime}`);
    return settled.args;
  }

  async function settleTimeOf(channel: TestChannel): Promise<bigint> {
    const { client } = chainClients(chain, channel.account);
    return (await getChannelInfo(client, chain.deployment.channelManager, channel))!.settleTime;
  }

  for (const claimed of [PRICE, 0n]) {
    it(`pays the receiver the latest proof when the sender closes at ${claimed === 0n ? "0" : "an old balance"}`, async () => {
      const channel = await channelWithPurchases(claimed === 0n ? 2 : 3);
      const [receiverBefore, senderBefore] = await Promise.all([tokenBalance(chain, RECEIVER), tokenBalance(chain, channel.sender)]);
      const { settleTime } = await channel.requestClose(claimed);
      const settled = await disputed(channel, settleTime);
      assert.equal(settled.balance, 3n * PRICE);
      assert.equal(await tokenBalance(chain, RECEIVER), receiverBefore + 3n * PRICE);
      assert.equal(await tokenBalance(chain, channel.sender), senderBefore + DEPOSIT - 3n * PRICE);

      // Recorded: the dispute's transaction, and the channel settled.
      const { db } = database();
      const row = await channelRow(db, channel);
      await waitFor("the dispute to be recorded as confirmed", async () => (await db.receiverTransaction.findFirst({ where: { channelId: row!.id, kind: "dispute" } }))?.status === "confirmed");
      assert.equal((await channelRow(db, channel))?.status, "settled");
    });
  }

  it("does not dispute a close at the balance it holds, or above", async () => {
    const channel = await channelWithPurchases(4);
    await channel.requestClose(3n * PRICE);
    await mine(chain, 2);
    const { db } = database();
    assert.equal(await db.receiverTransaction.count({ where: { channelId: (await channelRow(db, channel))!.id } }), 0);
  });

  it("still disputes in time when killed after the close request was mined and started again later", async () => {
    const channel = await channelWithPurchases(5);
    const receiverBefore = await tokenBalance(chain, RECEIVER);
    let settleTime = 0n;
    await site.kill();
    try {
      // While the site is down: the close request, then half the challenge period and blocks.
      const { client, wallet } = chainClients(chain, channel.account);
      await client.waitForTransactionReceipt({
        hash: await wallet.writeContract({ address: chain.deployment.channelManager, abi: channelManagerAbi, functionName: "uncooperativeClose", args: [RECEIVER, channel.openBlock, PRICE] }),
      });
      settleTime = await settleTimeOf(channel);
      await rpc(chain, "evm_increaseTime", [Number(CHALLENGE_PERIOD / 2n)]);
      await rpc(chain, "hardhat_mine", ["0x20"]);
    } finally {
      await site.restart();
    }
    const settled = await disputed(channel, settleTime);
    assert.equal(settled.balance, 3n * PRICE);
    assert.equal(await tokenBalance(chain, RECEIVER), receiverBefore + 3n * PRICE);
    assert.match(site.output(), /disputing/);
  });
});
