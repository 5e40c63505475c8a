// Sign-in with Ethereum (lib/receiver/auth) and the server's signed tokens, against a real
// database and a real Hardhat node (viem checks signatures through the chain, for smart
// wallets): every way a message or a token could be passed off is refused.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import { AuthenticationError } from "../../lib/protocol/errors";
import { signToken, verifyToken } from "../../lib/receiver/auth/signedToken";
import { issueSignInNonce } from "../../lib/receiver/auth/signInNonces";
import { verifySignIn } from "../../lib/receiver/auth/verifySignIn";
import type { Receiver } from "../../lib/receiver/context";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";
import { startTestChain, type TestChain } from "../helpers/localSite";
import { testReceiver } from "../helpers/testReceiver";

const DOMAIN = "reader.example";
const reader = devAccount(4);
const stranger = devAccount(5);

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("sign-in with Ethereum and signed tokens", (database) => {
  let receiver: Receiver;
  before(() => (receiver = testReceiver(chain, database())));

  async function signedIn(fields: Partial<Parameters<typeof createSiweMessage>[0]> = {}, signer = reader) {
    const message = createSiweMessage({
      address: reader.address,
      chainId: chain.deployment.chainId,
      domain: DOMAIN,
      nonce: await issueSignInNonce(receiver.db),
      uri: `https://${DOMAIN}/`,
      version: "1",
      ...fields,
    });
    return { message, signature: (await signer.signMessage({ message })) as Hex };
  }

  const refused = async (attempt: Promise<unknown>, reason: RegExp) => {
    await assert.rejects(attempt, (error: unknown) => error instanceof AuthenticationError && error.status === 401 && reason.test(error.shortMessage));
  };

  it("signs in the address that signed, once per nonce", async () => {
    const signIn = await signedIn();
    const { address } = await verifySignIn(receiver, { ...signIn, domain: DOMAIN, purpose: "/" });
    assert.equal(address, reader.address);
    await refused(verifySignIn(receiver, { ...signIn, domain: DOMAIN, purpose: "/" }), /nonce is unknown, expired or already used/);
  });

  it("lets one of two concurrent uses of one signed message through", async () => {
    const signIn = await signedIn();
    const results = await Promise.allSettled([1, 2, 3].map(() => verifySignIn(receiver, { ...signIn, domain: DOMAIN, purpose: "/" })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  it("refuses a message for another site, another chain, out of its window, or not signed by its address", async () => {
    await refused(verifySignIn(receiver, { ...(await signedIn()), domain: "evil.example", purpose: "/" }), /is for reader\.example, not evil\.example/);
    await refused(verifySignIn(receiver, { ...(await signedIn({ chainId: 1 })), domain: DOMAIN, purpose: "/" }), /for chain 1/);
    await refused(verifySignIn(receiver, { ...(await signedIn({ expirationTime: new Date(Date.now() - 1000) })), domain: DOMAIN, purpose: "/" }), /expired/);
    await refused(verifySignIn(receiver, { ...(await signedIn({ notBefore: new Date(Date.now() + 60_000) })), domain: DOMAIN, purpose: "/" }), /not valid yet/);
    await refused(verifySignIn(receiver, { ...(await signedIn({}, stranger)), domain: DOMAIN, purpose: "/" }), /signature is not/);
    await refused(verifySignIn(receiver, { message: "hello", signature: "0x00", domain: DOMAIN, purpose: "/" }), /not an EIP-4361/);
  });

  it("refuses a message for another purpose or another site's URI: a reader's sign-in never opens the admin, nor the reverse", async () => {
    const asReader = await signedIn();
    await refused(verifySignIn(receiver, { ...asReader, domain: DOMAIN, purpose: "/admin" }), /signs in to https:\/\/reader\.example\/, not to this site's admin/);
    const asPublisher = await signedIn({ uri: `https://${DOMAIN}/admin` });
    await refused(verifySignIn(receiver, { ...asPublisher, domain: DOMAIN, purpose: "/" }), /not to a reader's purchases on this site/);
    await refused(verifySignIn(receiver, { ...(await signedIn({ uri: "https://evil.example/admin" })), domain: DOMAIN, purpose: "/admin" }), /signs in to https:\/\/evil\.example\/admin/);
    await refused(verifySignIn(receiver, { ...(await signedIn({ uri: `https://${DOMAIN}/admin/articles` })), domain: DOMAIN, purpose: "/admin" }), /signs in to/);
    // The refusals spent no nonce: each message signs in for its own purpose.
    assert.equal((await verifySignIn(receiver, { ...asPublisher, domain: DOMAIN, purpose: "/admin" })).address, reader.address);
    assert.equal((await verifySignIn(receiver, { ...asReader, domain: DOMAIN, purpose: "/" })).address, reader.address);
  });

  it("refuses a nonce the server never issued or that expired, and a forged attempt does not burn the real one", async () => {
    const never = createSiweMessage({ address: reader.address, chainId: chain.deployment.chainId, domain: DOMAIN, nonce: "abcdefgh12345678", uri: `https://${DOMAIN}/`, version: "1" });
    await refused(verifySignIn(receiver, { message: never, signature: await reader.signMessage({ message: never }), domain: DOMAIN, purpose: "/" }), /nonce/);

    const stale = await signedIn();
    const nonce = /Nonce: (\w+)/.exec(stale.message)![1];
    await receiver.db.signInNonce.update({ where: { nonce }, data: { expiresAt: new Date(Date.now() - 1) } });
    await refused(verifySignIn(receiver, { ...stale, domain: DOMAIN, purpose: "/" }), /nonce/);

    const real = await signedIn();
    const forged = { message: real.message, signature: await stranger.signMessage({ message: real.message }) };
    await refused(verifySignIn(receiver, { ...forged, domain: DOMAIN, purpose: "/" }), /signature is not/);
    assert.equal((await verifySignIn(receiver, { ...real, domain: DOMAIN, purpose: "/" })).address, reader.address);
  });

  it("takes back only its own tokens, for their audience, before they expire", async () => {
    const token = await signToken(receiver, "admin-session", { sub: reader.address }, 60);
    assert.equal((await verifyToken(receiver, token, "admin-session"))?.sub, reader.address);
    assert.equal(await verifyToken(receiver, token, "entitlement"), null, "another audience");
    const [header, payload, mac] = token.split(".");
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: stranger.address })).toString("base64url")}.${mac}`;
    assert.equal(await verifyToken(receiver, tampered, "admin-session"), null, "a tampered token");
    assert.equal(await verifyToken(receiver, `${header}.${payload}.`, "admin-session"), null, "an unsigned token");
    const expired = await signToken(receiver, "admin-session", { sub: reader.address }, -1);
    assert.equal(await verifyToken(receiver, expired, "admin-session"), null, "an expired token");
    const otherKey = testReceiver(chain, database(), { SESSION_SECRET: "x".repeat(40) });
    assert.equal(await verifyToken(otherKey, token, "admin-session"), null, "another server's key");
    const otherDeployment = testReceiver(chain, database(), { CHANNEL_MANAGER_ADDRESS: chain.deployment.token });
    assert.equal(await verifyToken(otherDeployment, token, "admin-session"), null, "another deployment");
    for (const junk of ["", "a.b.c", "not a token", "e30.e30."]) assert.equal(await verifyToken(receiver, junk, "admin-session"), null);
  });
});
