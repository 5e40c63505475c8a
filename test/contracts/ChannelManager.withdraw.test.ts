/**
 * Withdrawals: µRaiden's test_channel_withdraw.py (calls, no channel, balance too big, remaining
 * balance, challenge period, state, close after withdraw, event).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { DEPOSIT, addressOf, deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

describe("ChannelManager: withdraw", () => {
  it("pays the receiver the proof's balance minus what it withdrew, keeping the channel open", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const receiverBefore = await f.balanceOf(f.receiver.account.address);
    const senderBefore = await f.balanceOf(f.sender.account.address);

    const first = await f.manager.write.withdraw(
      [channel.sender, channel.openBlock, 20n, await f.signBalance(channel, 20n)],
      { account: f.receiver.account },
    );
    await viem.assertions.emitWithArgs(first, f.manager, "ChannelWithdrawn", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      20n,
      20n,
    ]);
    let info = await f.info(channel);
    assert.deepEqual([info.deposit, info.withdrawn, info.closingBalance, info.settleTime], [DEPOSIT, 20n, 0n, 0n]);
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + 20n);
    assert.equal(await f.balanceOf(f.manager.address), DEPOSIT - 20n);

    const second = await f.manager.write.withdraw(
      [channel.sender, channel.openBlock, DEPOSIT, await f.signBalance(channel, DEPOSIT)],
      { account: f.receiver.account },
    );
    await viem.assertions.emitWithArgs(second, f.manager, "ChannelWithdrawn", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      DEPOSIT - 20n,
      DEPOSIT,
    ]);
    info = await f.info(channel);
    assert.equal(info.withdrawn, DEPOSIT);
    assert.equal(info.deposit, DEPOSIT, "still open, fully spent");
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + DEPOSIT);
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("rejects an empty signature, a zero balance and a repeated proof", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const sig = await f.signBalance(channel, 30n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.withdraw([channel.sender, channel.openBlock, 30n, "0x"], { account: f.receiver.account }),
      f.manager,
      "ChannelInvalidBalanceProof",
      ["0x0000000000000000000000000000000000000000"],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.withdraw([channel.sender, channel.openBlock, 0n, await f.signBalance(channel, 0n)], {
        account: f.receiver.account,
      }),
      f.manager,
      "ChannelNothingToWithdraw",
      [0n, 0n],
    );
    await f.manager.write.withdraw([channel.sender, channel.openBlock, 30n, sig], { account: f.receiver.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.withdraw([channel.sender, channel.openBlock, 30n, sig], { account: f.receiver.account }),
      f.manager,
      "ChannelNothingToWithdraw",
      [30n, 30n],
    );
  });

  it("fails for anyone but the receiver, and with a proof for another receiver", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const sig = await f.signBalance(channel, 10n);
    for (const account of [f.sender.account, f.other.account]) {
      await viem.assertions.revertWithCustomError(
        f.manager.write.withdraw([channel.sender, channel.openBlock, 10n, sig], { account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    // A proof the sender made for a channel to `other` (same open block, no such channel).
    const forOther = await f.signBalance({ ...channel, receiver: addressOf(f.other) }, 10n);
    await viem.assertions.revertWithCustomError(
      f.manager.write.withdraw([channel.sender, channel.openBlock, 10n, forOther], { account: f.receiver.account }),
      f.manager,
      "ChannelInvalidBalanceProof",
    );
  });

  it("never pays above the deposit, however the proof is split", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.withdraw(
        [channel.sender, channel.openBlock, DEPOSIT + 1n, await f.signBalance(channel, DEPOSIT + 1n)],
        { account: f.receiver.account },
      ),
      f.manager,
      "ChannelBalanceExceedsDeposit",
      [DEPOSIT + 1n, DEPOSIT],
    );
    await f.manager.write.withdraw([channel.sender, channel.openBlock, 30n, await f.signBalance(channel, 30n)], {
      account: f.receiver.account,
    });
    await viem.assertions.revertWithCustomError(
      f.manager.write.withdraw(
        [channel.sender, channel.openBlock, DEPOSIT + 1n, await f.signBalance(channel, DEPOSIT + 1n)],
        { account: f.receiver.account },
      ),
      f.manager,
      "ChannelBalanceExceedsDeposit",
    );
    await f.manager.write.withdraw(
      [channel.sender, channel.openBlock, DEPOSIT, await f.signBalance(channel, DEPOSIT)],
      { account: f.receiver.account },
    );
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("is refused during the challenge period", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const sig = await f.signBalance(channel, 30n);
    await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, 30n], { account: f.sender.account });
    assert.ok((await f.info(channel)).settleTime > 0n);
    await viem.assertions.revertWithCustomError(
      f.manager.write.withdraw([channel.sender, channel.openBlock, 30n, sig], { account: f.receiver.account }),
      f.manager,
      "ChannelIsClosing",
    );
  });

  it("is followed by a cooperative close that pays only the rest", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await f.manager.write.withdraw([channel.sender, channel.openBlock, 20n, await f.signBalance(channel, 20n)], {
      account: f.receiver.account,
    });
    const receiverBefore = await f.balanceOf(f.receiver.account.address);
    const senderBefore = await f.balanceOf(f.sender.account.address);
    await f.manager.write.cooperativeClose(
      [...idArgs(channel), 70n, await f.signBalance(channel, 70n), await f.signClosing(channel, 70n)],
      { account: f.receiver.account },
    );
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + 50n);
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore + DEPOSIT - 70n);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });
});
