/**
 * The security headers of every page and API response, as a pure function of the request's
 * nonce and the public configuration; `lib/withSecurityHeaders.ts` puts them on responses in
 * `proxy.ts`.
 *
 * - `Content-Security-Policy`: scripts only with this response's nonce (Next.js puts it on its
 *   own scripts when it finds it in the request's policy) and what they load (`'strict-dynamic'`:
 *   the chunks the wallet modal loads on demand); connections only to the site, the chain's
 *   public RPC (the pages read the chain from the browser) and, when configured, WalletConnect;
 *   `frame-ancestors 'none'`, so no other site can frame a page and have a reader click (or
 *   auto-pay) in it. Styles allow `'unsafe-inline'`: RainbowKit writes its theme into a `<style>`
 *   element and style attributes, without a nonce; a style cannot run code.
 * - `Referrer-Policy: same-origin`: which article a reader is on is nobody else's business (the
 *   RPC provider's, an outbound link's).
 * - `X-Content-Type-Options: nosniff`, and `X-Frame-Options: DENY` for browsers that predate
 *   `frame-ancestors`.
 */

/** What the policy depends on, besides the nonce. */
export type SecurityHeaderOptions = {
  /** A fresh random value per response (base64). */
  nonce: string;
  /** The JSON-RPC URL the pages use in the browser (`PublicConfig.rpcUrl`). */
  rpcUrl: string;
  isLocalChain: boolean;
  /** WalletConnect's relay and verify frames are allowed only when a project id is configured. */
  walletConnect: boolean;
  /** Served over https: other http requests are upgraded. */
  https: boolean;
  /** `next dev`: React needs `eval` for its error overlays (Next.js docs, CSP). */
  development: boolean;
};

/** The local chain's default RPC, which wallets pointed at the demo use whatever the site's own URL. */
const LOCAL_RPC = "http://127.0.0.1:8545";
const WALLETCONNECT_CONNECT = ["https://*.walletconnect.com", "https://*.walletconnect.org", "wss://relay.walletconnect.com", "wss://relay.walletconnect.org"];
const WALLETCONNECT_FRAMES = ["https://verify.walletconnect.com", "https://verify.walletconnect.org"];

/** The origin of an http(s) or ws(s) URL, as a CSP source expression. */
function sourceOf(url: string): string {
  const parsed = new URL(url);
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) throw new TypeError(`${url} is not an http(s) or ws(s) URL`);
  return parsed.origin;
}

/**
 * The `Content-Security-Policy` value.
 *
 * @example
 * contentSecurityPolicy({ nonce, rpcUrl: "https://rpc.example.org", isLocalChain: false, walletConnect: false, https: true, development: false })
 * // "default-src 'self'; script-src 'self' 'nonce-…' 'strict-dynamic'; … connect-src 'self' https://rpc.example.org; … frame-ancestors 'none'; upgrade-insecure-requests"
 */
export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(options.nonce)) throw new TypeError("a CSP nonce must be base64");
  const connect = new Set(["'self'", sourceOf(options.rpcUrl)]);
  if (options.isLocalChain) connect.add(LOCAL_RPC);
  if (options.walletConnect) WALLETCONNECT_CONNECT.forEach((source) => connect.add(source));
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", ...(options.development ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:", ...(options.walletConnect ? ["https://*.walletconnect.com", "https://*.walletconnect.org"] : [])],
    ["font-src", "'self'", "data:"],
    ["connect-src", ...connect],
    ["frame-src", ...(options.walletConnect ? WALLETCONNECT_FRAMES : ["'none'"])],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (options.https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((parts) => parts.join(" ")).join("; ");
}

/**
 * Every security header, by name.
 *
 * @example
 * for (const [name, value] of Object.entries(securityHeaders(options))) response.headers.set(name, value)
 */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
  };
}
