/**
 * The SDK's chain side against a real Hardhat node with the real contracts: opening by
 * approve + create and by permit, progress events, top-up, the log scan, and the three closes.
 * No site is involved (the receiver's closing signature is made here with its dev key).
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, http, parseEther, toHex, type Address, type PublicClient } from "viem";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import type { Deployment } from "../../lib/chain/deployment";
import type { ChannelChain, TransactionEvent } from "../../lib/client/chain/ChannelChain";
import { createViemChannelChain } from "../../lib/client/chain/createViemChannelChain";
import { detectPermit } from "../../lib/client/chain/detectPermit";
import { closeChannelUncooperatively } from "../../lib/client/closeChannelUncooperatively";
import { createChannelStore, type ChannelRecord } from "../../lib/client/channelStore";
import { ChainTransactionError, ChannelUnavailableError } from "../../lib/client/errors";
import { settleChannel } from "../../lib/client/settleChannel";
import { createMemoryStorage } from "../../lib/client/storage/createMemoryStorage";
import { closingCommitmentTypedData, type ChannelId } from "../../lib/protocol/typedData";
import { deployLocal, devAccount, startLocalChain } from "../../scripts/lib/localChain";
import { stop } from "../../scripts/lib/processes";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let node: Awaited<ReturnType<typeof startLocalChain>>;
let deployment: Deployment;
let publicClient: PublicClient;
let chain: ChannelChain;
const events: TransactionEvent[] = [];
const reader = devAccount(3);
const receiver = devAccount(1);
const deposit = parseEther("1");

async function rpc(method: string, params: unknown[] = []) {
  await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
}
const balanceOf = (owner: Address) =>
  publicClient.readContract({ address: deployment.token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [owner] });
const actions = () => events.splice(0).map((e) => `${e.action}:${e.stage}`);

before(async () => {
  node = await startLocalChain({ port: await freePort() });
  deployment = await deployLocal(node.url, { quiet: true, challengePeriod: 120 });
  const transport = http(node.url);
  publicClient = createPublicClient({ transport });
  const walletClient = createWalletClient({ account: reader, transport });
  await walletClient.writeContract({ address: deployment.token, abi: tollgateTokenAbi, functionName: "faucet", args: [parseEther("100")], chain: null });
  chain = createViemChannelChain({ publicClient, walletClient, onTransaction: (event) => events.push(event) });
});
after(() => stop(node.node));

const open = (permit: "always" | "never", amount = deposit) =>
  chain.openChannel({ manager: deployment.channelManager, token: deployment.token, receiver: receiver.address, delegate: undefined, deposit: amount, permit });

describe("createViemChannelChain against a Hardhat node", () => {
  it("detects the token's EIP-2612 domain", async () => {
    const domain = await detectPermit(publicClient, deployment.token, reader.address);
    assert.equal(domain?.name, "Tollgate Token");
    assert.equal(domain?.version, "1");
    assert.equal(await detectPermit(publicClient, deployment.channelManager, reader.address), undefined, "the manager has no nonces()");
  });

  it("opens with approve + createChannel, reporting each transaction's progress", async () => {
    const before = await balanceOf(reader.address);
    const opened = await open("never");
    assert.equal(opened.method, "approve");
    assert.deepEqual(actions(), ["approve:pending", "approve:confirmed", "createChannel:pending", "createChannel:confirmed"]);
    const info = await chain.readChannel(deployment.channelManager, opened.channel);
    assert.equal(info?.deposit, deposit);
    assert.equal(await balanceOf(reader.address), before - deposit);
    assert.equal(opened.channel.sender, reader.address);
  });

  it("opens with one createChannelWithPermit transaction", async () => {
    const opened = await open("always");
    assert.equal(opened.method, "permit");
    assert.deepEqual(actions(), ["createChannelWithPermit:pending", "createChannelWithPermit:confirmed"]);
    assert.equal((await chain.readChannel(deployment.channelManager, opened.channel))?.deposit, deposit);
  });

  it("tops up, finds its channels in the logs, and reads a missing one as null", async () => {
    const { channel } = await open("never");
    actions();
    await chain.topUp({ manager: deployment.channelManager, token: deployment.token, channel, amount: deposit });
    assert.deepEqual(actions(), ["approve:pending", "approve:confirmed", "topUp:pending", "topUp:confirmed"]);
    assert.equal((await chain.readChannel(deployment.channelManager, channel))?.deposit, 2n * deposit);
    const found = await chain.findChannels(deployment.channelManager, { sender: reader.address, receiver: receiver.address });
    assert.ok(found.some((id) => id.openBlock === channel.openBlock));
    assert.equal(found.length, 3, "the approve, permit and this channel");
    assert.equal(await chain.readChannel(deployment.channelManager, { ...channel, openBlock: 1n }), null);
  });

  it("closes cooperatively with the sender's proof and the receiver's closing signature", async () => {
    const { channel } = await open("never");
    const domain = { chainId: deployment.chainId, verifyingContract: deployment.channelManager };
    const balance = parseEther("0.3");
    const balanceSignature = await chain.signBalanceProof(domain, channel, balance);
    const closingSignature = await receiver.signTypedData(closingCommitmentTypedData(domain, channel, balance));
    const [senderBefore, receiverBefore] = await Promise.all([balanceOf(reader.address), balanceOf(receiver.address)]);
    await chain.cooperativeClose({ manager: deployment.channelManager, channel, balance, balanceSignature, closingSignature });
    assert.equal(await chain.readChannel(deployment.channelManager, channel), null);
    assert.equal(await balanceOf(reader.address), senderBefore + deposit - balance);
    assert.equal(await balanceOf(receiver.address), receiverBefore + balance);
  });

  it("closes uncooperatively and settles only after the challenge period", async () => {
    const { channel } = await open("never");
    const store = createChannelStore(createMemoryStorage());
    const record: ChannelRecord = await store.put({
      ...(channel as ChannelId),
      chainId: deployment.chainId,
      contract: deployment.channelManager,
      token: deployment.token,
      deposit,
      balance: 0n,
      status: "open",
      updatedAt: 0,
    });
    const closing = await closeChannelUncooperatively({ chain, store }, record);
    assert.equal(closing.channel.status, "closing");
    assert.ok(closing.settleTime > 0n);
    await assert.rejects(settleChannel({ chain, store }, closing.channel), (error: unknown) => {
      assert.ok(error instanceof ChannelUnavailableError);
      assert.match(error.shortMessage, /challenge period runs until/);
      return true;
    });
    // The contract agrees, and says so by name.
    await assert.rejects(chain.settle({ manager: deployment.channelManager, channel }), (error: unknown) => error instanceof ChainTransactionError && error.errorName === "ChannelChallengePeriodActive");
    await rpc("evm_increaseTime", [121]);
    await rpc("hardhat_mine", [toHex(1)]);
    const before = await balanceOf(reader.address);
    const settled = await settleChannel({ chain, store }, closing.channel);
    assert.equal(settled.channel.status, "settled");
    assert.equal(await balanceOf(reader.address), before + deposit);
  });
});
