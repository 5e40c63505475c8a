import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concat, numberToHex, parseSignature, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { balanceProofTypedData, closeRequestTypedData, closingCommitmentTypedData } from "./typedData";
import { recoverSigner, verifyBalanceProof, verifyCloseRequest } from "./verifyBalanceProof";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const sender = privateKeyToAccount(generatePrivateKey());
const delegate = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const domain = { chainId: 31337, verifyingContract: "0x00000000000000000000000000000000000000aa" } as const;
const channel = { sender: sender.address, receiver: "0x00000000000000000000000000000000000000bb", openBlock: 7n } as const;
const sign = (account = sender, balance = 30n) => account.signTypedData(balanceProofTypedData(domain, channel, balance));

/** The same signature's malleable twin: s → n − s, with the other parity. */
function malleable(signature: Hex): Hex {
  const { r, s, v } = parseSignature(signature);
  return concat([r, numberToHex(N - BigInt(s), { size: 32 }), toHex(v === 27n ? 28 : 27, { size: 1 })]);
}

describe("verifyBalanceProof", () => {
  it("accepts the sender's proof and the delegate's, and names the signer", async () => {
    assert.deepEqual(await verifyBalanceProof(domain, channel, 30n, await sign()), { valid: true, signer: sender.address });
    assert.equal((await verifyBalanceProof(domain, channel, 30n, await sign(delegate), delegate.address)).valid, true);
  });

  it("refuses a stranger, a delegate the channel does not name, and a proof of another balance", async () => {
    assert.deepEqual(await verifyBalanceProof(domain, channel, 30n, await sign(stranger)), { valid: false, signer: stranger.address });
    assert.equal((await verifyBalanceProof(domain, channel, 30n, await sign(delegate), null)).valid, false);
    assert.equal((await verifyBalanceProof(domain, channel, 31n, await sign())).valid, false);
  });

  it("refuses the malleable twin of a valid signature, as the contract does", async () => {
    const signature = await sign();
    const twin = malleable(signature);
    assert.deepEqual(await verifyBalanceProof(domain, channel, 30n, twin), { valid: false, signer: undefined });
  });

  it("refuses a closing commitment offered as a balance proof, and garbage", async () => {
    const closing = await sender.signTypedData(closingCommitmentTypedData(domain, channel, 30n));
    assert.equal((await verifyBalanceProof(domain, channel, 30n, closing)).valid, false);
    assert.equal(await recoverSigner({ ...balanceProofTypedData(domain, channel, 30n), signature: `0x${"00".repeat(65)}` }), undefined);
  });
});

describe("verifyCloseRequest", () => {
  it("accepts the sender's or the delegate's request to close at a balance", async () => {
    const request = await sender.signTypedData(closeRequestTypedData(domain, channel, 30n));
    assert.equal((await verifyCloseRequest(domain, channel, 30n, request)).valid, true);
    const byDelegate = await delegate.signTypedData(closeRequestTypedData(domain, channel, 30n));
    assert.equal((await verifyCloseRequest(domain, channel, 30n, byDelegate, delegate.address)).valid, true);
    assert.equal((await verifyCloseRequest(domain, channel, 30n, byDelegate)).valid, false);
  });

  it("does not take a balance proof for a close request, nor the reverse: the stored proof is public", async () => {
    const proof = await sign();
    assert.equal((await verifyCloseRequest(domain, channel, 30n, proof)).valid, false);
    const request = await sender.signTypedData(closeRequestTypedData(domain, channel, 30n));
    assert.equal((await verifyBalanceProof(domain, channel, 30n, request)).valid, false);
  });
});
