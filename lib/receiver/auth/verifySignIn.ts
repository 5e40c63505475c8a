import "server-only";
import { getAddress, isAddressEqual, recoverMessageAddress, type Address, type Hex } from "viem";
import { parseSiweMessage, validateSiweMessage, verifySiweMessage } from "viem/siwe";
import { isChainUnreachable } from "../../chain/isChainUnreachable";
import { AuthenticationError, ServiceUnavailableError } from "../../protocol/errors";
import type { Receiver } from "../context";
import { consumeSignInNonce, signInNonceIsLive } from "./signInNonces";

export type SignIn = { address: Address; issuedAt: Date | undefined; expirationTime: Date | undefined };

/**
 * What a sign-in is for: the path of the URI its message must name on this site, `/admin` for the
 * publisher's admin and `/` for a reader's purchases. A signature given for one never opens the
 * other (a publisher restoring its purchases as a reader must not have signed in to the admin).
 */
export type SignInPurpose = "/" | "/admin";

/**
 * The domain a sign-in message must name: SITE_URL's host when configured (a request's Host
 * header is the client's to choose), else, on the local chain only, the request's own host (the
 * demo runs on any port).
 */
export function signInDomain(receiver: Receiver, requestHost: string | null): string {
  const domain = receiver.config.siteUrl?.host ?? requestHost;
  if (!domain) throw new AuthenticationError({ reason: "the request names no host to sign in to" });
  return domain;
}

/**
 * Checks an EIP-4361 sign-in: a message for this site (`domain`, the host the browser shows), its
 * purpose (the URI it names: {@link SignInPurpose}) and this chain, within its validity window,
 * with a nonce this server issued and nobody used, signed
 * by the address it names (an EOA, or a smart wallet through ERC-1271/6492, which viem checks
 * with the chain). Uses the nonce up. Returns who signed in, or throws
 * {@link AuthenticationError} saying what was wrong.
 *
 * @example
 * const { address } = await verifySignIn(receiver, { message, signature, domain, purpose: "/admin" })
 */
export async function verifySignIn(
  receiver: Receiver,
  { message, signature, domain, purpose }: { message: string; signature: Hex; domain: string; purpose: SignInPurpose },
): Promise<SignIn> {
  const parsed = (() => {
    try {
      return parseSiweMessage(message);
    } catch {
      return undefined;
    }
  })();
  if (!parsed?.address || !parsed.nonce) throw new AuthenticationError({ reason: "the message is not an EIP-4361 sign-in message" });
  if (parsed.domain !== domain) throw new AuthenticationError({ reason: `the message is for ${parsed.domain ?? "no site"}, not ${domain}` });
  const uri = URL.parse(parsed.uri ?? "");
  if (uri?.host !== domain || uri.pathname !== purpose) {
    const wanted = purpose === "/admin" ? "this site's admin" : "a reader's purchases on this site";
    throw new AuthenticationError({ reason: `the message signs in to ${parsed.uri ?? "no URI"}, not to ${wanted}` });
  }
  if (parsed.chainId !== receiver.config.chainId) throw new AuthenticationError({ reason: `the message is for chain ${parsed.chainId}, not ${receiver.config.chainId}` });
  if (!validateSiweMessage({ message: parsed, domain })) throw new AuthenticationError({ reason: "the message has expired, is not valid yet, or is malformed" });
  // A nonce this server handed out and nobody used, before anything costs more than a query: a
  // stream of made-up messages must not become a stream of RPC calls.
  if (!(await signInNonceIsLive(receiver.db, parsed.nonce))) throw new AuthenticationError({ reason: "the sign-in nonce is unknown, expired or already used" });
  // The signature is checked before the nonce is spent: a forged message must not burn the
  // nonce of the reader who is signing in with it. An account's own key (ECDSA) is checked here;
  // only a signature it did not make goes to the chain (a smart wallet: ERC-1271, ERC-6492).
  const address = getAddress(parsed.address);
  let valid = await recoverMessageAddress({ message, signature }).then((signer) => isAddressEqual(signer, address), () => false);
  if (!valid) {
    try {
      valid = await verifySiweMessage(receiver.chain, { message, signature, domain });
    } catch (error) {
      if (isChainUnreachable(error)) throw new ServiceUnavailableError({ dependency: "chain", cause: error });
      valid = false;
    }
  }
  if (!valid) throw new AuthenticationError({ reason: `the signature is not ${parsed.address}'s` });
  if (!(await consumeSignInNonce(receiver.db, parsed.nonce))) throw new AuthenticationError({ reason: "the sign-in nonce is unknown, expired or already used" });
  return { address, issuedAt: parsed.issuedAt, expirationTime: parsed.expirationTime };
}
