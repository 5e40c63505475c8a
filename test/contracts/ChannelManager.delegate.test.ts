/**
 * Delegates (session keys), Tollgate's replacement for µRaiden's trusted contracts
 * (test_channel_delegate.py): a channel may name one extra balance-proof signer at opening, through
 * every opening path. Its proofs count on that channel only, and it has no other power.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { parseEther } from "viem";
import { DEPOSIT, addressOf, deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

describe("ChannelManager: delegate signer", () => {
  it("is accepted from every opening path and pays through withdraw and cooperative close", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const permit = await f.signPermit(f.sender, DEPOSIT, deadline);
    const viaPermit = await f.channelOf(
      await f.manager.write.createChannelWithPermit(
        [f.receiver.account.address, f.delegate.account.address, DEPOSIT, deadline, permit.v, permit.r, permit.s],
        { account: f.sender.account },
      ),
    );
    const channels = [
      await f.open(DEPOSIT, { delegate: f.delegate.account.address }),
      await f.open223(DEPOSIT, f.delegate.account.address),
      viaPermit,
    ];
    for (const channel of channels) {
      assert.equal((await f.info(channel)).delegate, addressOf(f.delegate));
      await f.manager.write.withdraw(
        [channel.sender, channel.openBlock, 10n, await f.signBalance(channel, 10n, f.delegate)],
        { account: f.receiver.account },
      );
      await f.manager.write.cooperativeClose(
        [...idArgs(channel), 25n, await f.signBalance(channel, 25n, f.delegate), await f.signClosing(channel, 25n)],
        { account: f.delegate.account },
      );
    }
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("has no say on a channel without it, or after its channel closed", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const mine = await f.open(DEPOSIT, { delegate: f.delegate.account.address });
    const plain = await f.open(DEPOSIT);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.withdraw(
        [plain.sender, plain.openBlock, 10n, await f.signBalance(plain, 10n, f.delegate)],
        { account: f.receiver.account },
      ),
      f.manager,
      "ChannelInvalidBalanceProof",
      [addressOf(f.delegate)],
    );
    const late = await f.signBalance(mine, 90n, f.delegate);
    await f.manager.write.cooperativeClose(
      [...idArgs(mine), 20n, await f.signBalance(mine, 20n), await f.signClosing(mine, 20n)],
      { account: f.receiver.account },
    );
    await viem.assertions.revertWithCustomError(
      f.manager.write.withdraw([mine.sender, mine.openBlock, 90n, late], { account: f.receiver.account }),
      f.manager,
      "ChannelNotFound",
    );
  });

  it("cannot top up, close uncooperatively, settle or sign the closing commitment", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open(DEPOSIT, { delegate: f.delegate.account.address });
    await viem.assertions.revertWithCustomError(
      f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, 0n], { account: f.delegate.account }),
      f.manager,
      "ChannelNotFound",
    );
    await viem.assertions.revertWithCustomError(
      f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.delegate.account }),
      f.manager,
      "ChannelNotFound",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.cooperativeClose(
        [
          ...idArgs(channel),
          10n,
          await f.signBalance(channel, 10n, f.delegate),
          await f.signClosing(channel, 10n, f.delegate),
        ],
        { account: f.delegate.account },
      ),
      f.manager,
      "ChannelInvalidClosingCommitment",
      [addressOf(f.delegate)],
    );
  });

  it("can at worst move the deposit to the receiver", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open(parseEther("5"), { delegate: f.delegate.account.address });
    const senderBefore = await f.balanceOf(f.sender.account.address);
    await viem.assertions.revertWithCustomError(
      f.manager.write.withdraw(
        [channel.sender, channel.openBlock, parseEther("6"), await f.signBalance(channel, parseEther("6"), f.delegate)],
        { account: f.receiver.account },
      ),
      f.manager,
      "ChannelBalanceExceedsDeposit",
    );
    await f.manager.write.withdraw(
      [channel.sender, channel.openBlock, parseEther("5"), await f.signBalance(channel, parseEther("5"), f.delegate)],
      { account: f.receiver.account },
    );
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });
});
