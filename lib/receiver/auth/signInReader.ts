import "server-only";
import type { Address, Hex } from "viem";
import { issueAccessToken } from "../access";
import type { Receiver } from "../context";
import { verifySignIn } from "./verifySignIn";

/**
 * Restores a reader's entitlements on a new browser or program with one signature: checks an
 * EIP-4361 sign-in (verifySignIn) and returns the access token a paid answer would have given.
 *
 * @example
 * const { address, token } = await signInReader(receiver, body, signInDomain(receiver, request.headers.get("host")))
 */
export async function signInReader(receiver: Receiver, signIn: { message: string; signature: Hex }, domain: string): Promise<{ address: Address; token: string }> {
  const { address } = await verifySignIn(receiver, { ...signIn, domain, purpose: "/" });
  return { address, token: await issueAccessToken(receiver, address) };
}
