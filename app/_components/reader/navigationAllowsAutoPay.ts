/**
 * Whether the request that rendered an article page may auto-pay it: a top-level navigation the
 * reader made within this site (a link on one of its pages) or on their own (the address bar, a
 * bookmark: `Sec-Fetch-Site: none`), or the App Router's own fetch of a page's data when the
 * reader follows a `<Link>` (a same-origin fetch: only this site's scripts can send one). Never
 * one another site started, by a link, a form, a script or a popup (`cross-site`, or
 * `same-site` for a sibling origin), nor a page loaded in a frame (`Sec-Fetch-Dest: iframe`):
 * otherwise any page could spend a reader's auto-pay budget by linking to articles.
 *
 * The browser sets the `Sec-Fetch-*` headers itself, and no page can set or change them (they are
 * forbidden request headers), whereas `document.referrer` is whatever the linking page chooses
 * (`rel="noreferrer"` makes a cross-site link look typed). A request without them (a browser
 * older than 2023, or not a browser) does not auto-pay: the reader clicks.
 *
 * @example
 * navigationAllowsAutoPay(await headers()) // in the article page (a server component)
 */
export function navigationAllowsAutoPay(headers: { get(name: string): string | null }): boolean {
  const site = headers.get("sec-fetch-site");
  const dest = headers.get("sec-fetch-dest");
  const mode = headers.get("sec-fetch-mode");
  if (dest === "document" && mode === "navigate") return site === "same-origin" || site === "none";
  return dest === "empty" && site === "same-origin" && (mode === "cors" || mode === "same-origin");
}
