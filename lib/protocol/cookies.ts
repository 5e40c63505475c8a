/**
 * Just enough of RFC 6265 to read a `Cookie` header (or `document.cookie`) and to write
 * `Set-Cookie` / `document.cookie` strings. Kept here rather than taken from a package because
 * it must run unchanged in the browser, in `proxy.ts` and in a CLI, and because the protocol's
 * cookie values are plain tokens (addresses, decimals, hex) that need no escaping.
 */

/** Cookie attributes for the payment cookies. */
export type CookieAttributes = {
  /** Defaults to `/`: every article path must see the proof. */
  path?: string | undefined;
  /**
   * Defaults to true. Pass false only for plain-http development origins (browsers other than
   * Chromium drop `Secure` cookies set over http://localhost).
   */
  secure?: boolean | undefined;
  /** Lifetime in seconds; omitted means a session cookie. 0 deletes the cookie. */
  maxAgeSeconds?: number | undefined;
  /** Defaults to false. A cookie only the server reads (the access token): no page script sees it. */
  httpOnly?: boolean | undefined;
};

/**
 * Reads a `Cookie` header into a map. Malformed pairs are skipped, not fatal: the header holds
 * every cookie of the site, most of them none of the protocol's business. When a name repeats
 * (cookies set with different paths), the first wins: browsers list the most specific path
 * first (RFC 6265 §5.4).
 *
 * @example
 * parseCookieHeader("RDN-Balance=40; theme=dark").get("RDN-Balance") // "40"
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    // RFC 6265 allows a value wrapped in double quotes; the quotes are not part of it.
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/**
 * One `Set-Cookie` value (also valid for assigning to `document.cookie`). `SameSite=Lax`: the
 * proof must reach the server when a reader follows a link to an article, while cross-site
 * subrequests (images, forms) cannot spend it.
 *
 * @example
 * serializeCookie("RDN-Balance", "40", { secure: false })
 * // "RDN-Balance=40; Path=/; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path ?? "/"}`, "SameSite=Lax"];
  if (attributes.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(attributes.maxAgeSeconds))}`);
  if (attributes.secure ?? true) parts.push("Secure");
  if (attributes.httpOnly) parts.push("HttpOnly");
  return parts.join("; ");
}
