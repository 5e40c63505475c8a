import "server-only";
import { jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { Receiver } from "../context";

/**
 * Tokens the server signs and later takes back as proof (an entitlement, an admin session): JWTs
 * with HS256 under the receiver's token key (SESSION_SECRET, or derived from the receiver key),
 * bound to this deployment by their issuer and to one use by their audience, so that a token of
 * one kind, site or chain never passes for another.
 */
export type TokenClaims = JWTPayload & { sub: string; aud: string; exp: number };

const issuer = (receiver: Receiver) => `tollgate:${receiver.config.chainId}:${receiver.config.channelManager.toLowerCase()}`;

/**
 * Signs `claims` for `audience`, valid for `ttlSeconds`.
 *
 * @example
 * const token = await signToken(receiver, "admin-session", { sub: address }, 8 * 3600)
 */
export async function signToken(receiver: Receiver, audience: string, claims: JWTPayload & { sub: string }, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(issuer(receiver))
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(receiver.config.tokenKey);
}

/**
 * The claims of `token` if this server signed it for `audience` and it has not expired, else
 * null (never throws on a bad token: whatever a client sends is just not a proof).
 */
export async function verifyToken(receiver: Receiver, token: string, audience: string): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, receiver.config.tokenKey, { issuer: issuer(receiver), audience, algorithms: ["HS256"] });
    return typeof payload.sub === "string" && typeof payload.exp === "number" ? (payload as TokenClaims) : null;
  } catch {
    return null;
  }
}
