import assert from "node:assert/strict";
import { it } from "node:test";
import { readRedirect } from "./readRedirect";

const from = new URL("http://site.test/articles/a");
const redirect = (status: number, location?: string) => new Response(null, { status, headers: location === undefined ? {} : { Location: location } });

it("follows a redirect within the origin, relative or absolute", () => {
  assert.deepEqual(readRedirect(redirect(307, "/articles/b"), from, {}), { url: new URL("http://site.test/articles/b"), init: {} });
  assert.equal((readRedirect(redirect(301, "http://site.test/x"), from, {}) as { url: URL }).url.href, "http://site.test/x");
});

it("calls anything off the origin elsewhere: another host, port or scheme, and a browser's opaque redirect", () => {
  for (const location of ["http://evil.test/articles/a", "http://site.test:8080/articles/a", "https://site.test/articles/a", "//evil.test/a"]) {
    assert.equal(readRedirect(redirect(302, location), from, {}), "elsewhere", location);
  }
  const opaque = { type: "opaqueredirect", status: 0, headers: new Headers() } as unknown as Response;
  assert.equal(readRedirect(opaque, from, {}), "elsewhere");
});

it("is no redirect without a 3xx and a Location", () => {
  assert.equal(readRedirect(new Response("ok"), from, {}), undefined);
  assert.equal(readRedirect(redirect(304), from, {}), undefined);
  assert.equal(readRedirect(redirect(302), from, {}), undefined);
});

it("turns a 303, and a 301 or 302 of a POST, into a GET without a body, as fetch does", () => {
  const post = { method: "POST", body: "x" };
  for (const status of [301, 302, 303]) {
    const hop = readRedirect(redirect(status, "/b"), from, post);
    assert.ok(hop && hop !== "elsewhere");
    assert.equal(hop.init.method, "GET");
    assert.equal(hop.init.body, undefined);
  }
  const kept = readRedirect(redirect(307, "/b"), from, post);
  assert.ok(kept && kept !== "elsewhere");
  assert.deepEqual(kept.init, post);
});
