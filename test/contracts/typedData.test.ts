/**
 * The contract and `lib/protocol/typedData.ts` must describe the same EIP-712 messages: type
 * hashes, struct hashes, digests and domain. A signature made the way clients make it must verify
 * on chain.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  concat,
  encodeAbiParameters,
  getAddress,
  domainSeparator,
  hashStruct,
  hashTypedData,
  keccak256,
  parseEther,
  recoverTypedDataAddress,
  toHex,
} from "viem";
import {
  EIP712_NAME,
  EIP712_VERSION,
  balanceProofTypedData,
  balanceProofTypes,
  channelDomain,
  closingCommitmentTypedData,
  closingCommitmentTypes,
} from "../../lib/protocol/typedData.js";
import { deployChannelFixture, idArgs } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

/** EIP-712 `encodeType` for a type without dependencies, derived from the shared definition. */
function encodeType(types: Record<string, readonly { name: string; type: string }[]>): string {
  const [[name, fields]] = Object.entries(types);
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

describe("EIP-712 types shared with lib/protocol/typedData.ts", () => {
  it("type hashes equal the contract's constants", async () => {
    const { manager } = await networkHelpers.loadFixture(fixture);
    assert.equal(
      encodeType(balanceProofTypes),
      "BalanceProof(address sender,address receiver,uint64 openBlock,uint128 balance)",
    );
    assert.equal(await manager.read.BALANCE_PROOF_TYPEHASH(), keccak256(toHex(encodeType(balanceProofTypes))));
    assert.equal(
      await manager.read.CLOSING_COMMITMENT_TYPEHASH(),
      keccak256(toHex(encodeType(closingCommitmentTypes))),
    );
  });

  it("viem's struct hashes use the contract's type hashes", async () => {
    const { manager, sender, receiver } = await networkHelpers.loadFixture(fixture);
    const message = { sender: sender.account.address, receiver: receiver.account.address, openBlock: 1234n };
    for (const [types, primaryType, typehash, balanceField] of [
      [balanceProofTypes, "BalanceProof", await manager.read.BALANCE_PROOF_TYPEHASH(), "balance"],
      [closingCommitmentTypes, "ClosingCommitment", await manager.read.CLOSING_COMMITMENT_TYPEHASH(), "closingBalance"],
    ] as const) {
      const viemHash = hashStruct({ types, primaryType, data: { ...message, [balanceField]: 77n } } as never);
      const manual = keccak256(
        encodeAbiParameters(
          [{ type: "bytes32" }, { type: "address" }, { type: "address" }, { type: "uint64" }, { type: "uint128" }],
          [typehash, message.sender, message.receiver, message.openBlock, 77n],
        ),
      );
      assert.equal(viemHash, manual, primaryType);
    }
  });

  it("eip712Domain() is channelDomain(chainId, manager)", async () => {
    const { manager, chainId } = await networkHelpers.loadFixture(fixture);
    const [fields, name, version, domainChainId, verifyingContract, salt, extensions] =
      await manager.read.eip712Domain();
    assert.equal(fields, "0x0f");
    assert.equal(salt, `0x${"00".repeat(32)}`);
    assert.deepEqual(extensions, []);
    assert.deepEqual(
      { name, version, chainId: Number(domainChainId), verifyingContract: getAddress(verifyingContract) },
      channelDomain(chainId, getAddress(manager.address)),
    );
    assert.equal(name, EIP712_NAME);
    assert.equal(version, EIP712_VERSION);
  });

  it("the digests equal viem's hashTypedData for both types", async () => {
    const { manager, domain, sender, receiver } = await networkHelpers.loadFixture(fixture);
    for (const [openBlock, balance] of [
      [1n, 0n],
      [4_804_175n, parseEther("22")],
      [2n ** 64n - 1n, 2n ** 128n - 1n],
    ] as const) {
      const channel = { sender: sender.account.address, receiver: receiver.account.address, openBlock };
      assert.equal(
        await manager.read.balanceProofDigest([...idArgs(channel), balance]),
        hashTypedData(balanceProofTypedData(domain, channel, balance)),
      );
      assert.equal(
        await manager.read.closingCommitmentDigest([...idArgs(channel), balance]),
        hashTypedData(closingCommitmentTypedData(domain, channel, balance)),
      );
    }
    // And the domain part alone: 0x1901 ‖ hashDomain(channelDomain) ‖ hashStruct is the digest.
    const separator = domainSeparator({ domain: channelDomain(domain.chainId, domain.verifyingContract) });
    const channel = { sender: sender.account.address, receiver: receiver.account.address, openBlock: 9n };
    const structHash = hashStruct({ types: balanceProofTypes, primaryType: "BalanceProof", data: { ...channel, balance: 5n } });
    assert.equal(
      await manager.read.balanceProofDigest([...idArgs(channel), 5n]),
      keccak256(concat(["0x1901", separator, structHash])),
    );
  });

  it("a wallet's signTypedData of balanceProofTypedData pays out on chain", async () => {
    const { manager, open, signBalance, receiver, sender, domain, balanceOf } =
      await networkHelpers.loadFixture(fixture);
    const channel = await open();
    const signature = await signBalance(channel, parseEther("3"));
    assert.equal(
      await recoverTypedDataAddress({ ...balanceProofTypedData(domain, channel, parseEther("3")), signature }),
      getAddress(sender.account.address),
    );
    const before = await balanceOf(receiver.account.address);
    await manager.write.withdraw([channel.sender, channel.openBlock, parseEther("3"), signature], {
      account: receiver.account,
    });
    assert.equal((await balanceOf(receiver.account.address)) - before, parseEther("3"));
  });
});
