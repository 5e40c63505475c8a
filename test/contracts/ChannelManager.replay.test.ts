/**
 * Replay across chains and deployments, end to end: the same deployer deploying in the same order
 * on two chains gets the same manager address, and identical channels (same sender, receiver and
 * open block). Only the chain id in the EIP-712 domain tells their proofs apart.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";
import { DEPOSIT, deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const home = await network.create();
const away = await network.create({ override: { chainId: 4242 } });

describe("ChannelManager: replay across chains and deployments", () => {
  it("a proof or closing signature from one chain is worthless on a twin deployment on another", async () => {
    const a = await deployChannelFixture(home.viem);
    const b = await deployChannelFixture(away.viem);
    assert.notEqual(a.chainId, b.chainId);
    assert.equal(getAddress(a.manager.address), getAddress(b.manager.address), "same address on both chains");

    const channelA = await a.open();
    const channelB = await b.open();
    assert.deepEqual(channelA, channelB, "same channel identity on both chains");

    const proofA = await a.signBalance(channelA, 40n);
    const closingA = await a.signClosing(channelA, 40n);
    await home.viem.assertions.revertWithCustomError(
      b.manager.write.withdraw([channelB.sender, channelB.openBlock, 40n, proofA], { account: b.receiver.account }),
      b.manager,
      "ChannelInvalidBalanceProof",
    );
    await home.viem.assertions.revertWithCustomError(
      b.manager.write.cooperativeClose(
        [...idArgs(channelB), 40n, await b.signBalance(channelB, 40n), closingA],
        { account: b.receiver.account },
      ),
      b.manager,
      "ChannelInvalidClosingCommitment",
    );
    // On its own chain it is good.
    await a.manager.write.withdraw([channelA.sender, channelA.openBlock, 40n, proofA], { account: a.receiver.account });
    assert.equal(await a.balanceOf(a.manager.address), DEPOSIT - 40n);
    assert.equal(await b.balanceOf(b.manager.address), DEPOSIT);
  });

  it("a proof for one deployment is worthless on another deployment on the same chain", async () => {
    const a = await deployChannelFixture(home.viem);
    const twin = await home.viem.deployContract("ChannelManager", [a.token.address, a.challengePeriod]);
    await a.token.write.approve([twin.address, 2n * DEPOSIT], { account: a.sender.account });
    const testClient = await home.viem.getTestClient();
    await a.token.write.approve([a.manager.address, DEPOSIT], { account: a.sender.account });
    await testClient.setAutomine(false);
    try {
      // Both opened in one block: the same (sender, receiver, openBlock) on both managers.
      await a.manager.write.createChannel([a.receiver.account.address, zeroAddress, DEPOSIT], {
        account: a.sender.account,
        gas: 300_000n,
      });
      await twin.write.createChannel([a.receiver.account.address, zeroAddress, DEPOSIT], {
        account: a.sender.account,
        gas: 300_000n,
      });
      await testClient.mine({ blocks: 1 });
    } finally {
      await testClient.setAutomine(true);
    }
    const openBlock = await a.publicClient.getBlockNumber();
    const channel = { sender: getAddress(a.sender.account.address), receiver: getAddress(a.receiver.account.address), openBlock };
    const proof = await a.signBalance(channel, 40n);
    await home.viem.assertions.revertWithCustomError(
      twin.write.withdraw([channel.sender, openBlock, 40n, proof], { account: a.receiver.account }),
      twin,
      "ChannelInvalidBalanceProof",
    );
    await a.manager.write.withdraw([channel.sender, openBlock, 40n, proof], { account: a.receiver.account });
  });
});
