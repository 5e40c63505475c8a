/**
 * The article slug a request path addresses, or null. Decides on the path alone, and on every
 * spelling of it that reaches the article page: percent-encoding, a trailing slash, and the
 * suffixes of the router's data and prefetch requests (`.rsc`, `.segments/…`), which proxy.ts
 * sees with their RSC headers stripped.
 */
export function articleSlugFromPath(pathname: string): string | null {
  const match = /^\/articles\/([^/]+)/.exec(pathname);
  if (!match) return null;
  let segment: string;
  try {
    segment = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return segment.replace(/\.(rsc|segments)$/, "") || null;
}
