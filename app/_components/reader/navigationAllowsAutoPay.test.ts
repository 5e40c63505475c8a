import assert from "node:assert/strict";
import { it } from "node:test";
import { navigationAllowsAutoPay } from "./navigationAllowsAutoPay";

const request = (site?: string, dest?: string, mode?: string) =>
  new Headers(Object.entries({ "sec-fetch-site": site, "sec-fetch-dest": dest, "sec-fetch-mode": mode }).filter((e): e is [string, string] => e[1] !== undefined));

it("auto-pays on a navigation within the site, one the reader typed or bookmarked, and the router's own data fetch", () => {
  assert.equal(navigationAllowsAutoPay(request("same-origin", "document", "navigate")), true);
  assert.equal(navigationAllowsAutoPay(request("none", "document", "navigate")), true);
  assert.equal(navigationAllowsAutoPay(request("same-origin", "empty", "cors")), true);
});

it("never on a navigation another site started, a sibling origin included, nor in a frame", () => {
  assert.equal(navigationAllowsAutoPay(request("cross-site", "document", "navigate")), false);
  assert.equal(navigationAllowsAutoPay(request("same-site", "document", "navigate")), false);
  assert.equal(navigationAllowsAutoPay(request("same-origin", "iframe", "navigate")), false);
  assert.equal(navigationAllowsAutoPay(request("cross-site", "iframe", "navigate")), false);
  assert.equal(navigationAllowsAutoPay(request("cross-site", "empty", "cors")), false);
  assert.equal(navigationAllowsAutoPay(request("none", "empty", "cors")), false);
});

it("never without the browser's Sec-Fetch-* headers", () => {
  assert.equal(navigationAllowsAutoPay(request()), false);
  assert.equal(navigationAllowsAutoPay(request(undefined, "document", "navigate")), false);
});
