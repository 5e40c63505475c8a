/**
 * Every HTTP header and cookie name of Tollgate's payment protocol, in one place.
 *
 * The names are µRaiden's (`microraiden/header.py`, `docs/specifications/http-headers.rst`) so
 * that its clients and its docs still describe this protocol; `docs/protocol.md` gives each
 * one's format and the flow. Nothing else in the tree may spell a header or cookie name: import
 * it from here.
 *
 * HTTP header names are case-insensitive (`Headers.get` ignores case); cookie names are not, so
 * browsers and the server must use these exact spellings for cookies.
 */
export const RdnHeader = {
  // --- What the article costs and whom to pay (sent by the server with every 402) ---
  /** Path root of the channel API (µRaiden: "channel management app"), e.g. `/api`. */
  gatewayPath: "RDN-Gateway-Path",
  /** The receiver's address: the `receiver` of every channel and balance proof it accepts. */
  receiverAddress: "RDN-Receiver-Address",
  /** The channel manager contract: the EIP-712 domain's `verifyingContract`. */
  contractAddress: "RDN-Contract-Address",
  /** The ERC-20 token that channels hold and prices are counted in. */
  tokenAddress: "RDN-Token-Address",
  /**
   * Not in µRaiden, which signed raw hashes on one chain. The EIP-712 domain binds the chain id,
   * so a client must know it to sign a proof that verifies, and a wallet must be on that chain.
   */
  chainId: "RDN-Chain-Id",
  /** The article's price in token base units: how much a proof must raise the balance by. */
  price: "RDN-Price",

  // --- The reader's channel ---
  /** The channel's sender (the reader). Sent by clients, and echoed by the server. */
  senderAddress: "RDN-Sender-Address",
  /** Block number of the channel's creating transaction; with sender and receiver, its key. */
  openBlock: "RDN-Open-Block",
  /** The balance of the server's last stored proof (402: so the client can re-sign on top). */
  senderBalance: "RDN-Sender-Balance",
  /** The cumulative balance the client's proof signs. */
  balance: "RDN-Balance",
  /** A 65-byte EIP-712 signature: the client's new proof, or (402) the server's stored one. */
  balanceSignature: "RDN-Balance-Signature",
  /** On a 200: what this request was charged (0 when the article was already paid for). */
  cost: "RDN-Cost",

  // --- Why a 402 refused the proof (µRaiden's error headers; value "1") ---
  /** The channel exists but has too few confirmations yet: wait and retry. */
  insufficientConfirmations: "RDN-Insufficient-Confirmations",
  /** No open channel has this key (never opened, closed, or for another receiver). */
  nonexistingChannel: "RDN-Nonexisting-Channel",
  /** The proof's signature, balance or deposit is wrong; resync from RDN-Sender-Balance. */
  invalidBalanceProof: "RDN-Invalid-Balance-Proof",
  /** The proof raises the balance by something other than the price. */
  invalidAmount: "RDN-Invalid-Amount",
} as const;

// µRaiden's `RDN-Payment` (the client's claimed increment) is left out on purpose: balances are
// cumulative, so the increment is the signed balance minus the stored one; a second, unsigned
// claim of it adds no information, only a way for the two to disagree. `RDN-Delegate` is left
// out too: the delegate is fixed on chain when the channel opens and the signer is recovered
// from the signature, so a header naming it would be an unverifiable duplicate of chain state.

export type RdnHeaderName = (typeof RdnHeader)[keyof typeof RdnHeader];

/** The four headers with which a 402 says why it refused a proof. */
export type RdnErrorHeaderName =
  | typeof RdnHeader.insufficientConfirmations
  | typeof RdnHeader.nonexistingChannel
  | typeof RdnHeader.invalidBalanceProof
  | typeof RdnHeader.invalidAmount;

/**
 * Cookie names under which browsers carry their payment: the same five fields a program sends
 * as headers, under the same names (µRaiden did the same). One deviation: µRaiden's web UI
 * stored the signed balance as `RDN-Sender-Balance`, which in responses means the *server's*
 * stored balance; here the cookie is `RDN-Balance`, like the request header, so one name never
 * means two things.
 */
export const RdnCookie = {
  senderAddress: RdnHeader.senderAddress,
  receiverAddress: RdnHeader.receiverAddress,
  openBlock: RdnHeader.openBlock,
  balance: RdnHeader.balance,
  balanceSignature: RdnHeader.balanceSignature,
} as const;

export type RdnCookieName = (typeof RdnCookie)[keyof typeof RdnCookie];

/**
 * Tollgate's own headers, beside µRaiden's: who the reader is, for re-reading what it bought
 * (docs/protocol.md, "Entitlements"). Header names are case-insensitive; as cookie names (the
 * access token's cookie) these exact spellings.
 */
export const TollgateHeader = {
  /**
   * The server's access token (a JWT naming the buyer): on every paid 200 and sign-in; sent back
   * by programs on later requests. Browsers get it as an HttpOnly cookie of the same name.
   */
  accessToken: "Tollgate-Access-Token",
  /**
   * A signed request to re-read an article without a token: `<sender>:<openBlock>:<issuedAt>:<signature>`
   * (`AccessRequest` typed data, lib/protocol/accessRequest.ts).
   */
  accessRequest: "Tollgate-Access-Request",
} as const;

/** The cookie under which browsers carry the access token (HttpOnly: set and read by the server only). */
export const ACCESS_TOKEN_COOKIE = TollgateHeader.accessToken;

/** Anything with a `get` like the Fetch API's `Headers` (Next.js, browsers, undici, Node). */
export type HeadersLike = { get(name: string): string | null };
