import "server-only";
import { getAddress, isAddressEqual, type Address } from "viem";
import { ACCESS_REQUEST_WINDOW_SECONDS, type AccessRequest } from "../protocol/accessRequest";
import { parseCookieHeader, serializeCookie } from "../protocol/cookies";
import { AuthenticationError, ForbiddenError } from "../protocol/errors";
import { ACCESS_TOKEN_COOKIE, TollgateHeader, type HeadersLike } from "../protocol/headers";
import { verifyAccessRequest } from "../protocol/verifyBalanceProof";
import { signToken, verifyToken } from "./auth/signedToken";
import { channelDelegate, findChannel } from "./channels";
import type { Receiver } from "./context";
import { signerRecovery } from "./signerRecovery";

/**
 * Who a request comes from, for re-reading what it bought (docs/protocol.md, "Entitlements"):
 * an access token the server issued (a paid answer, a sign-in), or a signed access request. The
 * entitlement itself is in the database (lib/receiver/entitlements.ts), so one token covers
 * every article its address bought, then and later.
 */

/** The token's audience: it proves a reader, and passes for nothing else (an admin session). */
export const ACCESS_TOKEN_AUDIENCE = "reader-access";
/** How long a token is good for: a reader who comes back within a month re-reads at once. */
export const ACCESS_TOKEN_TTL_SECONDS = 30 * 86_400;

/**
 * A token naming `buyer`, bound to this deployment (chain id and channel manager, the signed
 * token's issuer) and to this receiver.
 *
 * @example
 * response.headers.set(TollgateHeader.accessToken, await issueAccessToken(receiver, sender))
 */
export function issueAccessToken(receiver: Receiver, buyer: Address): Promise<string> {
  const rcv = receiver.config.receiver.address.toLowerCase();
  return signToken(receiver, ACCESS_TOKEN_AUDIENCE, { sub: buyer.toLowerCase(), rcv }, ACCESS_TOKEN_TTL_SECONDS);
}

/**
 * The buyer a request's access token names (the header, else the cookie), or null when it has
 * none that this server issued for this receiver and that has not expired. One HMAC check, no
 * query: what keeps a re-read as cheap as a free read.
 */
export async function readAccessToken(receiver: Receiver, headers: HeadersLike): Promise<Address | null> {
  const token = headers.get(TollgateHeader.accessToken) || parseCookieHeader(headers.get("cookie")).get(ACCESS_TOKEN_COOKIE);
  // A JWT of this server is a few hundred characters; anything far longer is not one.
  if (!token || token.length > 2048) return null;
  const claims = await verifyToken(receiver, token, ACCESS_TOKEN_AUDIENCE);
  if (!claims || claims.rcv !== receiver.config.receiver.address.toLowerCase() || !/^0x[0-9a-f]{40}$/.test(claims.sub)) return null;
  return getAddress(claims.sub);
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The `Set-Cookie` value carrying an access token to a browser: HttpOnly (no page script, and
 * so no injected one, can read it), SameSite=Lax like the payment cookies, Secure except over
 * plain http on this machine (the demo; browsers other than Chromium drop Secure cookies there).
 */
export function accessTokenCookie(token: string, requestUrl: URL, maxAgeSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
  const secure = !(requestUrl.protocol === "http:" && LOCAL_HOSTS.has(requestUrl.hostname));
  return serializeCookie(ACCESS_TOKEN_COOKIE, token, { secure, httpOnly: true, maxAgeSeconds });
}

/**
 * Checks a signed access request for the article at `path` (the request's URL path): signed within the window, by the sender
 * of a channel of this receiver or that channel's delegate (open or closed: the delegate never
 * changes). Returns the sender, or throws {@link AuthenticationError} (401) saying what was wrong.
 * The clock check comes first, so a stale or made-up request costs no query and no recovery.
 */
export async function verifyAccessRequestFor(receiver: Receiver, request: AccessRequest, path: string): Promise<Address> {
  const now = BigInt(Math.floor(Date.now() / 1000));
  const skew = request.issuedAt > now ? request.issuedAt - now : now - request.issuedAt;
  if (skew > BigInt(ACCESS_REQUEST_WINDOW_SECONDS)) {
    throw new AuthenticationError({ reason: `the access request was signed at ${request.issuedAt}, more than ${ACCESS_REQUEST_WINDOW_SECONDS} s from the server's clock (${now})` });
  }
  const channel = { sender: request.sender, receiver: receiver.config.receiver.address, openBlock: request.openBlock };
  const row = await findChannel(receiver, channel);
  if (!row) throw new AuthenticationError({ reason: `the access request names no channel of ${request.sender} at block ${request.openBlock}` });
  const domain = { chainId: receiver.config.chainId, verifyingContract: receiver.config.channelManager };
  const { valid } = await verifyAccessRequest(domain, channel, path, request.issuedAt, request.signature, channelDelegate(row), signerRecovery);
  if (!valid) throw new AuthenticationError({ reason: `the access request is not signed by ${request.sender} or its channel's delegate` });
  return channel.sender;
}

/**
 * Lets a request see `sender`'s reading history (its channels, signatures, the slugs it bought)
 * only when it carries `sender`'s access token. Throws {@link AuthenticationError} (401) without
 * a valid token, {@link ForbiddenError} (403) for another address's.
 *
 * @example
 * await requireReader(receiver, request.headers, sender)
 */
export async function requireReader(receiver: Receiver, headers: HeadersLike, sender: Address): Promise<void> {
  const holder = await readAccessToken(receiver, headers);
  if (!holder) throw new AuthenticationError({ reason: `the reading history of ${sender} is shown only with its access token (sign in, or pay for an article)` });
  if (!isAddressEqual(holder, sender)) throw new ForbiddenError({ reason: `the access token is ${holder}'s, not ${sender}'s` });
}
