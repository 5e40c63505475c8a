/**
 * Payouts the token refuses (issue 9): a close pays two parties, and a token with a blocklist
 * (USDC, USDT) or a recipient that reverts must not freeze the other party's money. The refused
 * amount becomes claimable by its owner, to any address it names; `ChannelSettled` still reports
 * what each party was owed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodeFunctionData, getAddress, parseEther, parseEventLogs, zeroAddress, type Hex } from "viem";
import { channelManagerAbi } from "../../lib/chain/abis.generated.js";
import { DEPOSIT, addressOf, deployBlocklistChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployBlocklistChannelFixture(viem);
const BALANCE = 55n;
const ELSEWHERE = getAddress("0x000000000000000000000000000000000000e15e");

type Fixture = Awaited<ReturnType<typeof fixture>>;
type Channel = Awaited<ReturnType<Fixture["open"]>>;

async function cooperativeClose(f: Fixture, channel: Channel, balance = BALANCE) {
  return f.manager.write.cooperativeClose(
    [...idArgs(channel), balance, await f.signBalance(channel, balance), await f.signClosing(channel, balance)],
    { account: f.other.account },
  );
}

async function uncooperativeCloseAndSettle(f: Fixture, channel: Channel) {
  await f.manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], {
    account: f.sender.account,
  });
  await networkHelpers.time.increase(f.challengePeriod + 1n);
  return f.manager.write.settle([channel.receiver, channel.openBlock], { account: f.sender.account });
}

describe("ChannelManager: payouts the token refuses", () => {
  it("a blocklisted sender: cooperative close pays the receiver in full, keeps the refund claimable", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const senderBefore = await f.balanceOf(f.sender.account.address);
    await f.setBlocklisted(f.sender.account.address);

    const hash = await cooperativeClose(f, channel);
    // What the chain watcher decodes: the amounts owed, then the deferral of the sender's.
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const events = parseEventLogs({ abi: channelManagerAbi, logs: receipt.logs });
    assert.deepEqual(
      events.map((e) => e.eventName),
      ["ChannelSettled", "ChannelPayoutDeferred"],
    );
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelSettled", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      BALANCE,
      BALANCE,
      DEPOSIT - BALANCE,
    ]);
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelPayoutDeferred", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      addressOf(f.sender),
      DEPOSIT - BALANCE,
    ]);
    assert.equal(await f.balanceOf(f.receiver.account.address), parseEther("1000") + BALANCE, "receiver paid");
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore, "refund not transferred");
    assert.equal(await f.manager.read.claimable([f.sender.account.address]), DEPOSIT - BALANCE);
    assert.equal(await f.manager.read.claimable([f.receiver.account.address]), 0n);
    await viem.assertions.revertWithCustomError(
      f.manager.read.getChannelInfo(idArgs(channel)),
      f.manager,
      "ChannelNotFound",
    );
  });

  it("a blocklisted sender: settle pays the receiver; the sender claims its refund elsewhere", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await f.setBlocklisted(f.sender.account.address);
    const receiverBefore = await f.balanceOf(f.receiver.account.address);

    const settled = await uncooperativeCloseAndSettle(f, channel);
    await viem.assertions.emitWithArgs(settled, f.manager, "ChannelPayoutDeferred", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      addressOf(f.sender),
      DEPOSIT - BALANCE,
    ]);
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + BALANCE, "receiver paid");

    // Its own address is refused by the token; another one is not.
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.manager.write.claimPayout([f.sender.account.address], { account: f.sender.account }),
      f.token,
      "BlocklistTokenBlocked",
      [addressOf(f.sender)],
    );
    const claimed = await f.manager.write.claimPayout([ELSEWHERE], { account: f.sender.account });
    await viem.assertions.emitWithArgs(claimed, f.manager, "ChannelPayoutClaimed", [
      addressOf(f.sender),
      ELSEWHERE,
      DEPOSIT - BALANCE,
    ]);
    assert.equal(await f.balanceOf(ELSEWHERE), DEPOSIT - BALANCE);
    assert.equal(await f.manager.read.claimable([f.sender.account.address]), 0n);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("a blocklisted receiver: the sender is refunded, the receiver's earnings wait for its claim", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    const senderBefore = await f.balanceOf(f.sender.account.address);
    await f.setBlocklisted(f.receiver.account.address);

    const hash = await cooperativeClose(f, channel);
    await viem.assertions.emitWithArgs(hash, f.manager, "ChannelPayoutDeferred", [
      addressOf(f.sender),
      addressOf(f.receiver),
      channel.openBlock,
      addressOf(f.receiver),
      BALANCE,
    ]);
    assert.equal(await f.balanceOf(f.sender.account.address), senderBefore + DEPOSIT - BALANCE, "refunded");
    assert.equal(await f.manager.read.claimable([f.receiver.account.address]), BALANCE);

    // Taken off the blocklist later, it claims to itself.
    await f.setBlocklisted(f.receiver.account.address, false);
    const receiverBefore = await f.balanceOf(f.receiver.account.address);
    await f.manager.write.claimPayout([f.receiver.account.address], { account: f.receiver.account });
    assert.equal(await f.balanceOf(f.receiver.account.address), receiverBefore + BALANCE);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
  });

  it("refuses claims by a stranger, with nothing deferred, twice, to zero or to the manager", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open();
    await f.setBlocklisted(f.sender.account.address);
    await cooperativeClose(f, channel);
    const claim = (to: Hex, account = f.sender.account) => f.manager.write.claimPayout([to], { account });

    await viem.assertions.revertWithCustomErrorWithArgs(
      claim(f.other.account.address, f.other.account),
      f.manager,
      "ChannelNothingToClaim",
      [addressOf(f.other)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      claim(f.receiver.account.address, f.receiver.account),
      f.manager,
      "ChannelNothingToClaim",
      [addressOf(f.receiver)],
    );
    for (const to of [zeroAddress, getAddress(f.manager.address)]) {
      await viem.assertions.revertWithCustomErrorWithArgs(claim(to), f.manager, "ChannelInvalidClaimRecipient", [to]);
    }
    assert.equal(await f.manager.read.claimable([f.sender.account.address]), DEPOSIT - BALANCE, "untouched");

    await claim(ELSEWHERE);
    await viem.assertions.revertWithCustomErrorWithArgs(claim(ELSEWHERE), f.manager, "ChannelNothingToClaim", [
      addressOf(f.sender),
    ]);
    assert.equal(await f.balanceOf(ELSEWHERE), DEPOSIT - BALANCE, "paid once");
  });

  it("a receiver contract whose transfer hook reverts: the sender is refunded, it claims elsewhere", async () => {
    const token = await viem.deployContract("ReentrantToken");
    const manager = await viem.deployContract("ChannelManager", [token.address, 600n]);
    const party = await viem.deployContract("ReentrancyAttacker");
    const [, sender] = await viem.getWalletClients();
    const setHooked = encodeFunctionData({ abi: token.abi, functionName: "setHooked", args: [true] });
    await party.write.execute([token.address, setHooked]);
    await party.write.setRefusal([1]); // Refusal.Revert
    await token.write.mint([sender.account.address, DEPOSIT]);
    await token.write.approve([manager.address, DEPOSIT], { account: sender.account });
    const hash = await manager.write.createChannel([party.address, zeroAddress, DEPOSIT], { account: sender.account });
    const { blockNumber: openBlock } = await (await viem.getPublicClient()).waitForTransactionReceipt({ hash });

    await manager.write.uncooperativeClose([party.address, openBlock, BALANCE], { account: sender.account });
    await networkHelpers.time.increase(601n);
    const settled = await manager.write.settle([party.address, openBlock], { account: sender.account });
    await viem.assertions.emitWithArgs(settled, manager, "ChannelPayoutDeferred", [
      getAddress(sender.account.address),
      getAddress(party.address),
      openBlock,
      getAddress(party.address),
      BALANCE,
    ]);
    assert.equal(await token.read.balanceOf([sender.account.address]), DEPOSIT - BALANCE, "sender refunded");
    assert.equal(await manager.read.claimable([party.address]), BALANCE);

    await party.write.execute([
      manager.address,
      encodeFunctionData({ abi: manager.abi, functionName: "claimPayout", args: [ELSEWHERE] }),
    ]);
    assert.equal(await token.read.balanceOf([ELSEWHERE]), BALANCE, "claimed elsewhere");
    assert.equal(await token.read.balanceOf([manager.address]), 0n);
  });
});
