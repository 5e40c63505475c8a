/**
 * TollgateToken: metadata, the capped faucet (µRaiden's test_token.py minted for ether; ours mints
 * for free within a cap), the ERC-223-style transfer and EIP-2612 permit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { parseEther } from "viem";
import { addressOf, deployChannelFixture } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

describe("TollgateToken", () => {
  it("is Tollgate Token (TOLL), 18 decimals, minted only by the faucet", async () => {
    const { token } = await networkHelpers.loadFixture(fixture);
    assert.equal(await token.read.name(), "Tollgate Token");
    assert.equal(await token.read.symbol(), "TOLL");
    assert.equal(await token.read.decimals(), 18);
    assert.equal(await token.read.totalSupply(), parseEther("3000"), "three faucet calls in the fixture");
  });

  it("faucet: at most 1,000 TOLL a call and 10,000 TOLL an address", async () => {
    const { token, delegate } = await networkHelpers.loadFixture(fixture);
    const account = delegate.account;
    await viem.assertions.revertWithCustomErrorWithArgs(
      token.write.faucet([parseEther("1000") + 1n], { account }),
      token,
      "TollgateFaucetInvalidAmount",
      [parseEther("1000") + 1n, parseEther("1000")],
    );
    for (let i = 0; i < 10; i++) await token.write.faucet([parseEther("1000")], { account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      token.write.faucet([1n], { account }),
      token,
      "TollgateFaucetCapExceeded",
      [addressOf(delegate), parseEther("10000"), 1n],
    );
    assert.equal(await token.read.balanceOf([account.address]), parseEther("10000"));
  });

  it("transfer(to, value, data) calls tokenFallback on contracts and rejects those without it", async () => {
    const { token, sender } = await networkHelpers.loadFixture(fixture);
    const target = await viem.deployContract("TokenReceiverMock");
    await token.write.transfer([target.address, 5n, "0xabcdef"], { account: sender.account });
    assert.equal(await target.read.lastFrom(), addressOf(sender));
    assert.equal(await target.read.lastValue(), 5n);
    assert.equal(await target.read.lastData(), "0xabcdef");
    assert.equal(await target.read.balanceDuringCall(), 5n);
    const noFallback = await viem.deployContract("NoFallback");
    await viem.assertions.revert(token.write.transfer([noFallback.address, 5n, "0x"], { account: sender.account }));
  });

  it("permit sets an allowance from a signature", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
    const { v, r, s } = await f.signPermit(f.sender, 7n, deadline);
    await f.token.write.permit([f.sender.account.address, f.manager.address, 7n, deadline, v, r, s], {
      account: f.other.account,
    });
    assert.equal(await f.token.read.allowance([f.sender.account.address, f.manager.address]), 7n);
  });
});
