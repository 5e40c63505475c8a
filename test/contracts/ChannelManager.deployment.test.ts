/**
 * Deployment and surface: µRaiden's test_uraiden.py (constructor checks, variable access,
 * function access, getChannelInfo) and test_trusted_contracts.py, whose owner-managed trusted
 * contracts Tollgate replaces by per-channel delegates: there is no owner and no admin function.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256, encodePacked, zeroAddress } from "viem";
import { deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

describe("ChannelManager: deployment", () => {
  it("needs a token with code and a non-zero challenge period", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    await assert.rejects(viem.deployContract("ChannelManager", [f.other.account.address, 600n]), (error: Error) =>
      error.message.includes("ChannelInvalidToken"),
    );
    await assert.rejects(viem.deployContract("ChannelManager", [zeroAddress, 600n]), (error: Error) =>
      error.message.includes("ChannelInvalidToken"),
    );
    await assert.rejects(viem.deployContract("ChannelManager", [f.token.address, 0n]), (error: Error) =>
      error.message.includes("ChannelInvalidChallengePeriod"),
    );
    // Any positive period, up to the type's maximum, is accepted.
    const longest = await viem.deployContract("ChannelManager", [f.token.address, 2n ** 64n - 1n]);
    assert.equal(await longest.read.challengePeriod(), 2n ** 64n - 1n);
  });

  it("exposes its token and challenge period and holds nothing", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    assert.equal(getAddress(await f.manager.read.token()), getAddress(f.token.address));
    assert.equal(await f.manager.read.challengePeriod(), f.challengePeriod);
    assert.equal(await f.balanceOf(f.manager.address), 0n);
    assert.equal(await f.publicClient.getBalance({ address: f.manager.address }), 0n);
  });

  it("has no owner, no admin and no upgrade function", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const functions = f.manager.abi.filter((item) => item.type === "function").map((item) => item.name);
    const admin = ["owner", "addTrustedContracts", "removeTrustedContracts", "transferOwnership", "upgradeToAndCall"];
    for (const forbidden of admin) {
      assert.ok(!functions.includes(forbidden as never), forbidden);
    }
    assert.deepEqual(
      [...functions].sort(),
      [
        "BALANCE_PROOF_TYPEHASH",
        "CLOSING_COMMITMENT_TYPEHASH",
        "balanceProofDigest",
        "challengePeriod",
        "claimPayout",
        "claimable",
        "closingCommitmentDigest",
        "cooperativeClose",
        "createChannel",
        "createChannelWithPermit",
        "eip712Domain",
        "getChannelInfo",
        "getKey",
        "settle",
        "token",
        "tokenFallback",
        "topUp",
        "uncooperativeClose",
        "withdraw",
      ],
    );
    // It refuses plain ether (no receive or fallback function).
    await assert.rejects(f.sender.sendTransaction({ to: f.manager.address, value: 1n }));
  });

  it("getChannelInfo answers for live channels only; getKey is the packed keccak", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const channel = await f.open(100n);
    assert.equal(
      await f.manager.read.getKey(idArgs(channel)),
      keccak256(encodePacked(["address", "address", "uint64"], [channel.sender, channel.receiver, channel.openBlock])),
    );
    for (const args of [
      [channel.sender, channel.receiver, channel.openBlock - 2n],
      [f.other.account.address, channel.receiver, channel.openBlock],
      [channel.sender, f.other.account.address, channel.openBlock],
    ] as const) {
      await viem.assertions.revertWithCustomError(f.manager.read.getChannelInfo(args), f.manager, "ChannelNotFound");
    }
    await networkHelpers.mine(6);
    const info = await f.info(channel);
    assert.deepEqual(
      [info.key, info.deposit, info.withdrawn, info.closingBalance, info.settleTime, info.delegate],
      [await f.manager.read.getKey(idArgs(channel)), 100n, 0n, 0n, 0n, zeroAddress],
    );
  });
});
