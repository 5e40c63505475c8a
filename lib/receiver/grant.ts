import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * How the gate tells the article page that this request may see `slug`'s body. proxy.ts sets
 * the header on the request it forwards, after deleting any copy the client sent; the page
 * renders the body only when the value is the HMAC of the slug under a key that never leaves
 * this process, so no header a client sends can forge an entitlement, even on a path the
 * gate did not see.
 */
export const GRANT_HEADER = "x-tollgate-grant";

const holder = globalThis as typeof globalThis & { __tollgateGrantKey?: Buffer };
const key = () => (holder.__tollgateGrantKey ??= randomBytes(32));

export function grantFor(slug: string): string {
  return createHmac("sha256", key()).update(slug).digest("base64url");
}

export function hasGrant(grant: string | null, slug: string): boolean {
  if (!grant) return false;
  const expected = Buffer.from(grantFor(slug));
  const given = Buffer.from(grant);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
