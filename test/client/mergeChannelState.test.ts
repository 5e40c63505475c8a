import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Hex } from "viem";
import { mergeChannelState, type OnChainChannel } from "../../lib/client/mergeChannelState";

const sig = (n: number) => `0x${n.toString(16).padStart(130, "0")}` as Hex;
const open = (deposit: bigint, extra: Partial<OnChainChannel> = {}): OnChainChannel => ({
  deposit,
  withdrawn: 0n,
  closingBalance: 0n,
  settleTime: 0n,
  delegate: undefined,
  ...extra,
});
const local = (balance: bigint, deposit = 100n) => ({ deposit, balance, balanceSignature: balance ? sig(Number(balance)) : undefined, status: "open" as const });

describe("mergeChannelState", () => {
  it("takes the higher of the local and the server's balance, with its proof", () => {
    assert.deepEqual(
      { ...mergeChannelState({ local: local(30n), server: { balance: 50n, balanceSignature: sig(50) }, chain: open(100n) }) },
      { deposit: 100n, balance: 50n, balanceSignature: sig(50), signed: { balance: 50n, balanceSignature: sig(50) }, status: "open", settleTime: undefined, delegate: undefined },
    );
    assert.equal(mergeChannelState({ local: local(70n), server: { balance: 50n, balanceSignature: sig(50) }, chain: open(100n) }).balance, 70n);
  });

  it("never exceeds the deposit on chain: a proof above it is dropped, not capped", () => {
    const merged = mergeChannelState({ local: local(30n), server: { balance: 150n, balanceSignature: sig(150) }, chain: open(100n) });
    assert.equal(merged.balance, 30n);
    assert.equal(merged.balanceSignature, sig(30));
  });

  it("uses the chain's deposit, delegate and status", () => {
    const delegate = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
    const merged = mergeChannelState({ local: local(0n, 10n), chain: open(200n, { settleTime: 99n, delegate }) });
    assert.equal(merged.deposit, 200n);
    assert.equal(merged.status, "closing");
    assert.equal(merged.settleTime, 99n);
    assert.equal(merged.delegate, delegate);
    assert.equal(mergeChannelState({ local: local(10n), chain: null }).status, "settled");
  });

  it("never goes below what the receiver withdrew", () => {
    const merged = mergeChannelState({ local: local(10n), chain: open(100n, { withdrawn: 40n }) });
    assert.equal(merged.balance, 40n);
    assert.equal(merged.balanceSignature, undefined);
  });

  it("recovers from the server alone (empty local storage)", () => {
    const merged = mergeChannelState({ server: { balance: 20n, balanceSignature: sig(20) }, chain: open(100n) });
    assert.equal(merged.balance, 20n);
    assert.equal(merged.balanceSignature, sig(20));
  });

  it("property: the result is within [withdrawn, deposit] and at least every usable claim", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 1200n }),
        fc.bigInt({ min: 0n, max: 1200n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        (deposit, localBalance, serverBalance, withdrawnRaw) => {
          const withdrawn = withdrawnRaw > deposit ? deposit : withdrawnRaw;
          const merged = mergeChannelState({
            local: local(localBalance, deposit),
            server: { balance: serverBalance, balanceSignature: sig(Number(serverBalance) + 1) },
            chain: open(deposit, { withdrawn }),
          });
          assert.ok(merged.balance <= deposit);
          assert.ok(merged.balance >= withdrawn);
          for (const claim of [localBalance, serverBalance]) if (claim <= deposit) assert.ok(merged.balance >= claim);
        },
      ),
    );
  });
});
