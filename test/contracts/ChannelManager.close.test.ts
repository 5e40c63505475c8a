/**
 * Closing: µRaiden's test_channel_close.py (uncooperative close, challenge period, settle,
 * cooperative close by anyone, wrong balances and signatures, state, events), and the receiver's
 * dispute during the challenge period with time travel.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { DEPOSIT, addressOf, deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);
const BALANCE = 55n;

describe("ChannelManager: uncooperativeClose", () => {
  it("starts the challenge period: settle time = now + challengePeriod", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const hash = await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], {
      account: f.sender.account,
    });
    const block = await f.publicClient.getBlock({ blockNumber: (await f.channelOf(hash)).openBlock });
    const settleTime = block.timestamp + f.challengePeriod;
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelCloseRequested", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      BALANCE,
      settleTime,
    ]);
    const info = await f.info(channel);
    assert.equal(info.closingBalance, BALANCE);
    assert.equal(info.settleTime, settleTime);
    assert.equal(await f.balanceOf(f.manager.address), DEPOSIT, "nothing paid yet");
  });

  it("is for the sender only, on an existing channel, once, within [withdrawn, deposit]", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const { receiver, openBlock } = channel;
    for (const account of [f.receiver.account, f.other.account]) {
      await viem.assertions.revertWithCustomError(
        f.manager.write.uncooperativeClose([receiver, openBlock, BALANCE], { account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    for (const [to, block] of [
      [f.other.account.address, openBlock],
      [receiver, openBlock - 1n],
    ] as const) {
      await viem.assertions.revertWithCustomError(
        f.manager.write.uncooperativeClose([to, block, BALANCE], { account: f.sender.account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.uncooperativeClose([receiver, openBlock, DEPOSIT + 1n], { account: f.sender.account }),
      f.manager,
      "ChannelBalanceExceedsDeposit",
      [DEPOSIT + 1n, DEPOSIT],
    );
    await f.manager.write.withdraw([channel.sender, openBlock, 10n, await f.signBalance(channel, 10n)], {
      account: f.receiver.account,
    });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.uncooperativeClose([receiver, openBlock, 9n], { account: f.sender.account }),
      f.manager,
      "ChannelBalanceBelowWithdrawn",
      [9n, 10n],
    );
    await f.manager.write.uncooperativeClose([receiver, openBlock, DEPOSIT], { account: f.sender.account });
    await viem.assertions.revertWithCustomError(
      f.manager.write.uncooperativeClose([receiver, openBlock, BALANCE], { account: f.sender.account }),
      f.manager,
      "ChannelIsClosing",
    );
  });
});

describe("ChannelManager: settle", () => {
  it("waits for the end of the challenge period, then pays by the closing balance", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await viem.assertions.revertWithCustomError(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account }),
      f.manager,
      "ChannelNotClosing",
    );
    await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], {
      account: f.sender.account,
    });
    const { settleTime } = await f.info(channel);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account }),
      f.manager,
      "ChannelChallengePeriodActive",
      [settleTime],
    );
    // The last second of the challenge still belongs to the receiver.
    await networkHelpers.time.setNextBlockTimestamp(settleTime);
    await viem.assertions.revertWithCustomError(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account }),
      f.manager,
      "ChannelChallengePeriodActive",
    );
    await networkHelpers.time.setNextBlockTimestamp(settleTime + 1n);

    const receiverBefore = await f.balanceOf(f.receiver.account.address);
    const senderBefore = await f.balanceOf(f.sender.account.address);
    const hash = await f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account });
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelSettled", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      BALANCE,
      BALANCE,
      DEPOSIT - BALANCE,
    ]);
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + BALANCE);
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore + DEPOSIT - BALANCE);
    assert.equal(await f.balanceOf(f.manager.address), 0n);

    // Gone: no info, no second settle, no top-up.
    await viem.assertions.revertWithCustomError(
      f.manager.read.getChannelInfo(idArgs(channel)),
      f.manager,
      "ChannelNotFound",
    );
    await networkHelpers.mine(30);
    await viem.assertions.revertWithCustomError(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account }),
      f.manager,
      "ChannelNotFound",
    );
  });

  it("is for the sender only", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], {
      account: f.sender.account,
    });
    await networkHelpers.time.increase(f.challengePeriod + 1n);
    for (const [account, to, block] of [
      [f.receiver.account, channel.receiver, channel.openBlock],
      [f.other.account, channel.receiver, channel.openBlock],
      [f.sender.account, f.sender.account.address, channel.openBlock],
      [f.sender.account, channel.receiver, channel.openBlock + 1n],
    ] as const) {
      await viem.assertions.revertWithCustomError(
        f.manager.write.settle([to, block], { account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    await f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account });
  });
});

describe("ChannelManager: cooperativeClose", () => {
  it("can be submitted by anyone and pays both parties at once", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    for (const submitter of [f.sender, f.receiver, f.other]) {
      const channel = await f.open();
      const receiverBefore = await f.balanceOf(f.receiver.account.address);
      const senderBefore = await f.balanceOf(f.sender.account.address);
      const hash = await f.manager.write.cooperativeClose(
        [...idArgs(channel), BALANCE, await f.signBalance(channel, BALANCE), await f.signClosing(channel, BALANCE)],
        { account: submitter.account },
      );
      await viem.assertions.emitWithArgs(hash, f.manager, "ChannelSettled", [
        addressOf(f.sender),
        addressOf(f.receiver),
        channel.openBlock,
        BALANCE,
        BALANCE,
        DEPOSIT - BALANCE,
      ]);
      assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + BALANCE);
      assert.equal(await f.balanceOf(f.sender.account.address), senderBefore + DEPOSIT - BALANCE);
    }
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("rejects empty and zeroed signatures, wrong balances and a foreign receiver", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const balanceSig = await f.signBalance(channel, BALANCE);
    const closingSig = await f.signClosing(channel, BALANCE);
    const zeros = `0x${"00".repeat(65)}` as const;
    const close = (balance: bigint, b: `0x${string}`, c: `0x${string}`) =>
      f.manager.write.cooperativeClose([...idArgs(channel), balance, b, c], { account: f.sender.account });

    await viem.assertions.revertWithCustomError(close(BALANCE, "0x", closingSig), f.manager, "ChannelInvalidBalanceProof");
    await viem.assertions.revertWithCustomError(
      close(BALANCE, balanceSig, "0x"),
      f.manager,
      "ChannelInvalidClosingCommitment",
    );
    await viem.assertions.revertWithCustomError(close(BALANCE, zeros, closingSig), f.manager, "ChannelInvalidBalanceProof");
    await viem.assertions.revertWithCustomError(
      close(BALANCE, balanceSig, zeros),
      f.manager,
      "ChannelInvalidClosingCommitment",
    );
    // Balance argument off by one; sender signed another balance; receiver signed another balance.
    await viem.assertions.revertWithCustomError(
      close(BALANCE + 1n, balanceSig, closingSig),
      f.manager,
      "ChannelInvalidBalanceProof",
    );
    await viem.assertions.revertWithCustomError(
      close(BALANCE, await f.signBalance(channel, BALANCE - 1n), closingSig),
      f.manager,
      "ChannelInvalidBalanceProof",
    );
    await viem.assertions.revertWithCustomError(
      close(BALANCE, balanceSig, await f.signClosing(channel, BALANCE - 1n)),
      f.manager,
      "ChannelInvalidClosingCommitment",
    );
    // The closing signature of this receiver for a channel to `other` (µRaiden's diff receiver).
    const toOther = await f.open(DEPOSIT, { to: f.other.account.address });
    await viem.assertions.revertWithCustomError(
      f.manager.write.cooperativeClose(
        [...idArgs(toOther), BALANCE, await f.signBalance(toOther, BALANCE), await f.signClosing(toOther, BALANCE)],
        { account: f.sender.account },
      ),
      f.manager,
      "ChannelInvalidClosingCommitment",
    );
    // Unknown channel.
    await viem.assertions.revertWithCustomError(
      f.manager.write.cooperativeClose(
        [channel.sender, channel.receiver, channel.openBlock - 1n, BALANCE, balanceSig, closingSig],
        { account: f.sender.account },
      ),
      f.manager,
      "ChannelNotFound",
    );
    await close(BALANCE, balanceSig, closingSig);
    await networkHelpers.mine(30);
    await viem.assertions.revertWithCustomError(close(BALANCE, balanceSig, closingSig), f.manager, "ChannelNotFound");
  });

  it("is the receiver's dispute: during the challenge it closes on the sender's latest proof", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const latest = await f.signBalance(channel, 80n);
    // The sender claims 10 though it signed 80.
    await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, 10n], { account: f.sender.account });
    await networkHelpers.time.increase(f.challengePeriod - 5n);
    const receiverBefore = await f.balanceOf(f.receiver.account.address);
    await f.manager.write.cooperativeClose([...idArgs(channel), 80n, latest, await f.signClosing(channel, 80n)], {
      account: f.receiver.account,
    });
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + 80n);
    await networkHelpers.time.increase(10n);
    await viem.assertions.revertWithCustomError(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account }),
      f.manager,
      "ChannelNotFound",
    );
  });

  it("closes at zero and at the full deposit (one transfer each)", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    for (const balance of [0n, DEPOSIT]) {
      const channel = await f.open();
      const hash = await f.manager.write.cooperativeClose(
        [...idArgs(channel), balance, await f.signBalance(channel, balance), await f.signClosing(channel, balance)],
        { account: f.other.account },
      );
      const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
      const transfers = receipt.logs.filter((log) => log.address.toLowerCase() === f.token.address.toLowerCase());
      assert.equal(transfers.length, 1, "no zero-value transfer");
    }
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });
});
