import "server-only";
import { getAddress, isAddress, isAddressEqual, type Address, type Hex } from "viem";
import { AuthenticationError, ForbiddenError } from "../../protocol/errors";
import { signToken, verifyToken } from "../auth/signedToken";
import { verifySignIn } from "../auth/verifySignIn";
import type { Receiver } from "../context";

/** The publisher's session cookie: an HS256 token (signedToken.ts) naming the signed-in address. */
export const ADMIN_SESSION_COOKIE = "tollgate-admin";
const AUDIENCE = "admin-session";
/** A working day: long enough not to interrupt an editor, short enough that a stolen cookie goes stale. */
export const ADMIN_SESSION_TTL_SECONDS = 8 * 3600;

const isPublisher = (receiver: Receiver, address: Address) => receiver.config.publishers.some((p) => isAddressEqual(p, address));

/**
 * Checks an EIP-4361 sign-in (single-use nonce, this site's domain and chain, the signer's own
 * signature) and that the signer is one of the site's publishers; returns a session token.
 *
 * @throws {AuthenticationError} (401) for a message or signature that does not check out.
 * @throws {ForbiddenError} (403) for a valid sign-in by an address that is not a publisher.
 */
export async function signInPublisher(receiver: Receiver, input: { message: string; signature: Hex; domain: string }) {
  const { address } = await verifySignIn(receiver, { ...input, purpose: "/admin" });
  if (!isPublisher(receiver, address)) throw new ForbiddenError({ reason: `${address} is not one of this site's publishers` });
  const token = await signToken(receiver, AUDIENCE, { sub: address }, ADMIN_SESSION_TTL_SECONDS);
  return { address, token, maxAge: ADMIN_SESSION_TTL_SECONDS };
}

/**
 * The publisher a session cookie names. Checked on every admin request, against the current
 * publisher list: removing an address from PUBLISHER_ADDRESSES ends its sessions at once.
 *
 * @throws {AuthenticationError} (401) without a cookie, or with one this server did not sign,
 *   that expired, or that was tampered with.
 * @throws {ForbiddenError} (403) for a genuine session of an address that is no longer a publisher.
 */
export async function publisherOfSession(receiver: Receiver, token: string | undefined): Promise<Address> {
  if (!token) throw new AuthenticationError({ reason: "this page is for the site's publishers" });
  const claims = await verifyToken(receiver, token, AUDIENCE);
  if (!claims || !isAddress(claims.sub)) throw new AuthenticationError({ reason: "the session is invalid or has expired" });
  const address = getAddress(claims.sub);
  if (!isPublisher(receiver, address)) throw new ForbiddenError({ reason: `${address} is not one of this site's publishers` });
  return address;
}

/**
 * The Set-Cookie attributes of the session: HTTP-only (no script reads it), SameSite=Strict (no
 * other site's form or link carries it), Secure except over plain http to this machine (the
 * local demo), and expiring with the token.
 */
export function sessionCookieOptions(url: URL, maxAge: number) {
  const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
  return { httpOnly: true, sameSite: "strict" as const, secure: !(loopback && url.protocol === "http:"), path: "/", maxAge };
}
