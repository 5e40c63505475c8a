/**
 * Top-ups: µRaiden's test_channel_topup.py, ERC-20 and ERC-223 paths, wrong channel data, the
 * deposit bound, the event, and no top-up once closing or closed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodePacked } from "viem";
import { addressOf, deployChannelFixture } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

describe("ChannelManager: topUp (ERC-20)", () => {
  it("adds to the deposit and emits ChannelToppedUp with the new total", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open(999n);
    await f.token.write.approve([f.manager.address, 14n], { account: f.sender.account });
    const hash = await f.manager.write.topUp([channel.receiver, channel.openBlock, 14n], { account: f.sender.account });
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelToppedUp", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      14n,
      1013n,
    ]);
    assert.equal((await f.info(channel)).deposit, 1013n);
    assert.equal(await f.balanceOf(f.manager.address), 1013n);
  });

  it("needs an allowance, a non-zero amount and an existing channel of the caller", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open(999n);
    const { receiver, openBlock } = channel;
    await viem.assertions.revertWithCustomError(
      f.manager.write.topUp([receiver, openBlock, 14n], { account: f.sender.account }),
      f.token,
      "ERC20InsufficientAllowance",
    );
    await f.token.write.approve([f.manager.address, 14n], { account: f.sender.account });
    await viem.assertions.revertWithCustomError(
      f.manager.write.topUp([receiver, openBlock, 0n], { account: f.sender.account }),
      f.manager,
      "ChannelZeroDeposit",
    );
    // Another account, another receiver, another block, block 0.
    await f.token.write.approve([f.manager.address, 14n], { account: f.other.account });
    for (const [account, to, block] of [
      [f.other.account, receiver, openBlock],
      [f.sender.account, f.other.account.address, openBlock],
      [f.sender.account, receiver, openBlock + 1n],
      [f.sender.account, receiver, 0n],
    ] as const) {
      await viem.assertions.revertWithCustomError(
        f.manager.write.topUp([to, block, 14n], { account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    await f.manager.write.topUp([receiver, openBlock, 14n], { account: f.sender.account });
    assert.equal((await f.info(channel)).deposit, 1013n);
  });

  it("is refused while closing and after closing", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await f.token.write.approve([f.manager.address, 100n], { account: f.sender.account });
    await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, 0n], { account: f.sender.account });
    await viem.assertions.revertWithCustomError(
      f.manager.write.topUp([channel.receiver, channel.openBlock, 33n], { account: f.sender.account }),
      f.manager,
      "ChannelIsClosing",
    );
    await networkHelpers.time.increase(f.challengePeriod + 1n);
    await f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account });
    await viem.assertions.revertWithCustomError(
      f.manager.write.topUp([channel.receiver, channel.openBlock, 33n], { account: f.sender.account }),
      f.manager,
      "ChannelNotFound",
    );
  });
});

describe("ChannelManager: top-up through ERC-223 (28 bytes: receiver, uint64 openBlock)", () => {
  it("adds to the deposit", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open223(700n);
    const data = encodePacked(["address", "uint64"], [channel.receiver, channel.openBlock]);
    const hash = await f.token.write.transfer([f.manager.address, 14n, data], { account: f.sender.account });
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelToppedUp", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      14n,
      714n,
    ]);
    assert.equal((await f.info(channel)).deposit, 714n);
  });

  it("rejects a wrong receiver, a wrong block and a zero value", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open223(700n);
    for (const data of [
      encodePacked(["address", "uint64"], [f.sender.account.address, channel.openBlock]),
      encodePacked(["address", "uint64"], [channel.receiver, channel.openBlock + 30n]),
    ]) {
      await viem.assertions.revertWithCustomError(
        f.token.write.transfer([f.manager.address, 14n, data], { account: f.sender.account }),
        f.manager,
        "ChannelNotFound",
      );
    }
    await viem.assertions.revertWithCustomError(
      f.token.write.transfer(
        [f.manager.address, 0n, encodePacked(["address", "uint64"], [channel.receiver, channel.openBlock])],
        { account: f.sender.account },
      ),
      f.manager,
      "ChannelZeroDeposit",
    );
    assert.equal((await f.info(channel)).deposit, 700n);
  });

  it("tops up to exactly the uint128 bound and refuses one more", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const mock = await viem.deployContract("MockERC20");
    const manager = await viem.deployContract("ChannelManager", [mock.address, 600n]);
    const max = 2n ** 128n - 1n;
    await mock.write.mint([f.sender.account.address, 2n * max]);
    const receiver = f.receiver.account.address;
    const hash = await mock.write.transfer([manager.address, 1n, encodePacked(["address"], [receiver])], {
      account: f.sender.account,
    });
    const { blockNumber } = await f.publicClient.waitForTransactionReceipt({ hash });
    const data = encodePacked(["address", "uint64"], [receiver, blockNumber]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      mock.write.transfer([manager.address, max, data], { account: f.sender.account }),
      manager,
      "ChannelDepositOverflow",
      [1n, max],
    );
    await mock.write.transfer([manager.address, max - 1n, data], { account: f.sender.account });
    const [, deposit] = await manager.read.getChannelInfo([f.sender.account.address, receiver, blockNumber]);
    assert.equal(deposit, max);
    assert.equal(await mock.read.balanceOf([manager.address]), max);
  });
});
