/**
 * Where a response fetched with `redirect: "manual"` redirects to: `undefined` when it is no
 * redirect; the next URL and request when it stays on `from`'s origin; `elsewhere` when it
 * leaves the origin, or when a browser hides the target (an `opaqueredirect` response, whose
 * `Location` a page cannot read). Payment headers may follow the first kind only.
 *
 * The request changes as fetch would change it (WHATWG Fetch, HTTP-redirect fetch): a 303, and
 * a 301 or 302 of a POST, become a GET without a body.
 *
 * @example
 * const hop = readRedirect(response, url, init)
 * if (hop === "elsewhere") return fetch(url, { ...init, redirect: "follow" }) // without payment headers
 * if (hop) ({ url, init } = hop)
 */
export function readRedirect(response: Response, from: URL, init: RequestInit): { url: URL; init: RequestInit } | "elsewhere" | undefined {
  if (response.type === "opaqueredirect") return "elsewhere";
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined;
  const location = response.headers.get("location");
  if (location === null) return undefined;
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return "elsewhere";
  }
  if (url.origin !== from.origin) return "elsewhere";
  const method = (init.method ?? "GET").toUpperCase();
  const toGet = (response.status === 303 && method !== "HEAD") || ((response.status === 301 || response.status === 302) && method === "POST");
  return { url, init: toGet ? { ...init, method: "GET", body: undefined } : init };
}
