/**
 * EIP-3009 on TollgateToken through viem: `lib/chain/eip3009.ts` (the one TypeScript definition of
 * the typed data) agrees with the contract, and the calls x402's `exact` facilitator makes
 * (@x402/evm: `transferWithAuthorization(…, v, r, s)` for a 65-byte signature, `(…, bytes)` for any
 * other, `authorizationState`, `name`, `version`, `balanceOf` for its diagnosis) work unchanged.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  encodeAbiParameters,
  getAddress,
  hashStruct,
  keccak256,
  parseEther,
  parseSignature,
  toFunctionSelector,
  toFunctionSignature,
  toHex,
  type Hex,
} from "viem";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated.js";
import {
  cancelAuthorizationTypedData,
  cancelAuthorizationTypes,
  receiveWithAuthorizationTypedData,
  receiveWithAuthorizationTypes,
  transferWithAuthorizationTypedData,
  transferWithAuthorizationTypes,
  type Authorization,
} from "../../lib/chain/eip3009.js";
import { addressOf, deployChannelFixture } from "../helpers/contractFixture.js";

const { viem, networkHelpers } = await network.create();
const fixture = () => deployChannelFixture(viem);

type Fixture = Awaited<ReturnType<typeof fixture>>;
type Wallet = Fixture["sender"];

/** EIP-712 `encodeType` for a type without dependencies, derived from the shared definition. */
function encodeType(types: Record<string, readonly { name: string; type: string }[]>): string {
  const [[name, fields]] = Object.entries(types);
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

const tokenDomain = (f: Fixture) => ({
  name: "Tollgate Token",
  version: "1",
  chainId: f.chainId,
  verifyingContract: f.token.address,
});

/** An authorization from the fixture's sender to its receiver, valid from 10 minutes ago for a minute. */
async function authorization(f: Fixture, overrides: Partial<Authorization> = {}): Promise<Authorization> {
  const now = BigInt(await networkHelpers.time.latest());
  return {
    from: f.sender.account.address,
    to: f.receiver.account.address,
    value: parseEther("3"),
    validAfter: now - 600n, // what x402's client signs
    validBefore: now + 60n,
    nonce: keccak256(toHex(`nonce ${Math.random()}`)),
    ...overrides,
  };
}

const authArgs = (a: Authorization) => [a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce] as const;

/** The facilitator's call of the bytes form. */
const transferBytes = async (f: Fixture, a: Authorization, signature: Hex) =>
  f.token.write.transferWithAuthorization([...authArgs(a), signature], { account: f.other.account });

/** x402's split of a 65-byte signature for the v, r, s overload (v 27 or 28). */
function splitSignature(signature: Hex) {
  const { r, s, v, yParity } = parseSignature(signature);
  return [Number(v ?? BigInt(yParity + 27)), r, s] as const;
}

const signTransfer = (f: Fixture, a: Authorization, signer: Wallet = f.sender) =>
  signer.signTypedData({ account: signer.account, ...transferWithAuthorizationTypedData(tokenDomain(f), a) });

describe("TollgateToken: EIP-3009 types shared with lib/chain/eip3009.ts", () => {
  it("type hashes equal the contract's constants (and the EIP's strings)", async () => {
    const harness = await viem.deployContract("TollgateTokenHarness");
    assert.equal(
      encodeType(transferWithAuthorizationTypes),
      "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
    );
    assert.equal(
      encodeType(receiveWithAuthorizationTypes),
      "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
    );
    assert.equal(encodeType(cancelAuthorizationTypes), "CancelAuthorization(address authorizer,bytes32 nonce)");
    for (const [types, onChain] of [
      [transferWithAuthorizationTypes, await harness.read.transferWithAuthorizationTypehash()],
      [receiveWithAuthorizationTypes, await harness.read.receiveWithAuthorizationTypehash()],
      [cancelAuthorizationTypes, await harness.read.cancelAuthorizationTypehash()],
    ] as const) {
      assert.equal(onChain, keccak256(toHex(encodeType(types))), Object.keys(types)[0]);
    }
    // viem's struct hash of the shared definition uses that type hash.
    const a = {
      from: getAddress("0x000000000000000000000000000000000000a11c"),
      to: getAddress("0x0000000000000000000000000000000000000b0b"),
      value: 1n,
      validAfter: 2n,
      validBefore: 3n,
    };
    const nonce = keccak256("0x01");
    assert.equal(
      hashStruct({
        types: transferWithAuthorizationTypes,
        primaryType: "TransferWithAuthorization",
        data: { ...a, nonce },
      }),
      keccak256(
        encodeAbiParameters(
          [
            { type: "bytes32" },
            { type: "address" },
            { type: "address" },
            { type: "uint256" },
            { type: "uint256" },
            { type: "uint256" },
            { type: "bytes32" },
          ],
          [await harness.read.transferWithAuthorizationTypehash(), a.from, a.to, 1n, 2n, 3n, nonce],
        ),
      ),
    );
  });

  it("uses the permit's domain: eip712Domain() is (Tollgate Token, 1, chain, token), and version() is 1", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const [fields, name, version, chainId, verifyingContract] = await f.token.read.eip712Domain();
    assert.equal(fields, "0x0f");
    assert.deepEqual(
      { name, version, chainId: Number(chainId), verifyingContract: getAddress(verifyingContract) },
      { ...tokenDomain(f), verifyingContract: getAddress(f.token.address) },
    );
    assert.equal(await f.token.read.version(), "1");
    assert.equal(await f.token.read.name(), name, "x402 compares name() with extra.name");
  });

  it("has the selectors x402's facilitator and USDC use", () => {
    const functions = tollgateTokenAbi.filter((item) => item.type === "function");
    const selectors = new Set(functions.map((item) => toFunctionSelector(toFunctionSignature(item))));
    for (const [selector, signature] of [
      ["0xe3ee160e", "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"],
      ["0xcf092995", "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"],
      ["0xef55bec6", "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"],
      ["0x88b7ab63", "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"],
      ["0x5a049a70", "cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)"],
      ["0xb7b72899", "cancelAuthorization(address,bytes32,bytes)"],
      ["0xe94a0102", "authorizationState(address,bytes32)"],
      ["0x54fd4d50", "version()"],
      ["0x06fdde03", "name()"],
      ["0x70a08231", "balanceOf(address)"],
    ] as const) {
      assert.equal(toFunctionSelector(signature), selector, signature);
      assert.ok(selectors.has(selector), signature);
    }
  });
});

describe("TollgateToken: EIP-3009 as x402's facilitator calls it", () => {
  it("transferWithAuthorization(…, v, r, s): simulated, then sent by a third party; not twice", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const a = await authorization(f);
    const args = [...authArgs(a), ...splitSignature(await signTransfer(f, a))] as const;
    const facilitator = f.other.account;
    assert.equal(await f.token.read.authorizationState([a.from, a.nonce]), false);

    await f.token.simulate.transferWithAuthorization(args, { account: facilitator.address }); // x402's verify step
    const payerBefore = await f.balanceOf(a.from);
    const payeeBefore = await f.balanceOf(a.to);
    const hash = await f.token.write.transferWithAuthorization(args, { account: facilitator });
    await viem.assertions.emitWithArgs(hash, f.token, "AuthorizationUsed", [getAddress(a.from), a.nonce]);
    assert.equal(await f.balanceOf(a.from), payerBefore - a.value);
    assert.equal(await f.balanceOf(a.to), payeeBefore + a.value);
    assert.equal(await f.token.read.authorizationState([a.from, a.nonce]), true);

    await viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.transferWithAuthorization(args, { account: facilitator }),
      f.token,
      "ERC3009UsedAuthorization",
      [getAddress(a.from), a.nonce],
    );
  });

  it("transferWithAuthorization(…, bytes): an EOA's signature and an ERC-1271 wallet's", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const a = await authorization(f);
    await transferBytes(f, a, await signTransfer(f, a));
    assert.equal(await f.token.read.authorizationState([a.from, a.nonce]), true);

    // A smart wallet owned by the sender pays; its owner signs the digest, the wallet says yes.
    const wallet = await viem.deployContract("ERC1271WalletMock", [f.sender.account.address]);
    await f.token.write.transfer([wallet.address, parseEther("10")], { account: f.sender.account });
    const w = await authorization(f, { from: wallet.address });
    const payeeBefore = await f.balanceOf(w.to);
    await transferBytes(f, w, await signTransfer(f, w));
    assert.equal(await f.balanceOf(w.to), payeeBefore + w.value);
    assert.equal(await f.balanceOf(wallet.address), parseEther("10") - w.value);
  });

  it("refuses a signature by another account, an altered amount and an expired authorization", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const a = await authorization(f);
    const byOther = splitSignature(await signTransfer(f, a, f.other));
    await viem.assertions.revertWithCustomError(
      f.token.write.transferWithAuthorization([...authArgs(a), ...byOther], { account: f.other.account }),
      f.token,
      "ERC3009InvalidSignature",
    );
    const good = splitSignature(await signTransfer(f, a));
    await viem.assertions.revertWithCustomError(
      f.token.write.transferWithAuthorization([...authArgs({ ...a, value: a.value + 1n }), ...good], {
        account: f.other.account,
      }),
      f.token,
      "ERC3009InvalidSignature",
    );
    // validBefore is exclusive: a block at exactly validBefore is too late, one second earlier is not.
    await networkHelpers.time.setNextBlockTimestamp(a.validBefore);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.transferWithAuthorization([...authArgs(a), ...good], { account: f.other.account }),
      f.token,
      "ERC3009InvalidAuthorizationTime",
      [a.validAfter, a.validBefore],
    );
    const b = await authorization(f);
    await networkHelpers.time.setNextBlockTimestamp(b.validBefore - 1n);
    await f.token.write.transferWithAuthorization([...authArgs(b), ...splitSignature(await signTransfer(f, b))], {
      account: f.other.account,
    });
    assert.equal(await f.token.read.authorizationState([b.from, b.nonce]), true);
  });
});

describe("TollgateToken: receiveWithAuthorization and cancelAuthorization", () => {
  it("receive is for the payee only, and its signature is no transfer authorization", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const a = await authorization(f);
    const signature = await f.sender.signTypedData({
      account: f.sender.account,
      ...receiveWithAuthorizationTypedData(tokenDomain(f), a),
    });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.receiveWithAuthorization([...authArgs(a), signature], { account: f.other.account }),
      f.token,
      "TollgateCallerNotPayee",
      [addressOf(f.other), getAddress(a.to)],
    );
    await viem.assertions.revertWithCustomError(
      f.token.write.transferWithAuthorization([...authArgs(a), ...splitSignature(signature)], {
        account: f.other.account,
      }),
      f.token,
      "ERC3009InvalidSignature",
    );
    const before = await f.balanceOf(a.to);
    await f.token.write.receiveWithAuthorization([...authArgs(a), ...splitSignature(signature)], {
      account: f.receiver.account,
    });
    assert.equal(await f.balanceOf(a.to), before + a.value);
  });

  it("a cancelled authorization cannot be used", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const a = await authorization(f);
    const cancel = await f.sender.signTypedData({
      account: f.sender.account,
      ...cancelAuthorizationTypedData(tokenDomain(f), { authorizer: a.from, nonce: a.nonce }),
    });
    const hash = await f.token.write.cancelAuthorization([a.from, a.nonce, cancel], { account: f.other.account });
    await viem.assertions.emitWithArgs(hash, f.token, "AuthorizationCanceled", [getAddress(a.from), a.nonce]);
    assert.equal(await f.token.read.authorizationState([a.from, a.nonce]), true);
    await viem.assertions.revertWithCustomErrorWithArgs(
      transferBytes(f, a, await signTransfer(f, a)),
      f.token,
      "ERC3009UsedAuthorization",
      [getAddress(a.from), a.nonce],
    );
  });
});
