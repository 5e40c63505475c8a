import "server-only";
import { generateSiweNonce } from "viem/siwe";
import type { Db } from "../../db/Db";

/** Long enough to sign in with a wallet prompt, short enough that a leaked nonce goes stale. */
export const SIGN_IN_NONCE_TTL_MS = 10 * 60_000;

/** A fresh nonce for an EIP-4361 message, stored until it is used or expires. */
export async function issueSignInNonce(db: Db): Promise<string> {
  const nonce = generateSiweNonce();
  const now = Date.now();
  // Expired nonces are swept here, so the table holds at most the last TTL's worth.
  await db.signInNonce.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
  await db.signInNonce.create({ data: { nonce, expiresAt: new Date(now + SIGN_IN_NONCE_TTL_MS) } });
  return nonce;
}

/**
 * Uses `nonce` up: true the first time for a nonce this server issued that has not expired,
 * false ever after. One delete decides, so two requests with the same signed message cannot
 * both succeed.
 */
export async function consumeSignInNonce(db: Db, nonce: string): Promise<boolean> {
  const { count } = await db.signInNonce.deleteMany({ where: { nonce, expiresAt: { gte: new Date() } } });
  return count === 1;
}

/** Whether `nonce` was issued and is neither used nor expired (without using it). */
export async function signInNonceIsLive(db: Db, nonce: string): Promise<boolean> {
  return (await db.signInNonce.count({ where: { nonce, expiresAt: { gte: new Date() } } })) === 1;
}
