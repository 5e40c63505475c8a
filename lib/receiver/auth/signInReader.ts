import "server-only";
import type { Address, Hex } from "viem";
import { issueAccessToken } from "../access";
import type { Receiver } from "../context";
import { verifySignIn } from "./verifySignIn";

/**
 * The host a sign-in message must name: the configured site's (SITE_URL, required off the local
 * chain), else, on the local chain only, the host the request came to (the demo runs on any port).
 */
export function signInDomain(receiver: Receiver, requestHost: string | null): string {
  return receiver.config.siteUrl?.host ?? requestHost ?? "";
}

/**
 * Restores a reader's entitlements on a new browser or program with one signature: checks an
 * EIP-4361 sign-in (verifySignIn) and returns the access token a paid answer would have given.
 *
 * @example
 * const { address, token } = await signInReader(receiver, body, signInDomain(receiver, request.headers.get("host")))
 */
export async function signInReader(receiver: Receiver, signIn: { message: string; signature: Hex }, domain: string): Promise<{ address: Address; token: string }> {
  const { address } = await verifySignIn(receiver, { ...signIn, domain });
  return { address, token: await issueAccessToken(receiver, address) };
}
