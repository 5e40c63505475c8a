import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCookieHeader, serializeCookie } from "./cookies";

describe("parseCookieHeader", () => {
  it("reads name=value pairs separated by semicolons", () => {
    const cookies = parseCookieHeader("RDN-Balance=40; theme=dark;  a=b=c");
    assert.equal(cookies.get("RDN-Balance"), "40");
    assert.equal(cookies.get("theme"), "dark");
    assert.equal(cookies.get("a"), "b=c");
  });

  it("strips one pair of RFC 6265 double quotes", () => {
    assert.equal(parseCookieHeader('RDN-Balance="40"').get("RDN-Balance"), "40");
  });

  it("keeps the first of repeated names (the most specific path)", () => {
    assert.equal(parseCookieHeader("RDN-Balance=40; RDN-Balance=30").get("RDN-Balance"), "40");
  });

  it("skips junk instead of failing", () => {
    assert.equal(parseCookieHeader(null).size, 0);
    assert.equal(parseCookieHeader("").size, 0);
    assert.deepEqual([...parseCookieHeader(";;=x; novalue; ok=1")], [["ok", "1"]]);
  });

  it("never throws, whatever the header", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (header) => parseCookieHeader(header) instanceof Map));
  });
});

describe("serializeCookie", () => {
  it("writes Path=/, SameSite=Lax and Secure by default", () => {
    assert.equal(serializeCookie("RDN-Balance", "40"), "RDN-Balance=40; Path=/; SameSite=Lax; Secure");
  });

  it("takes a path, a lifetime and plain-http development", () => {
    assert.equal(
      serializeCookie("RDN-Balance", "40", { path: "/articles", maxAgeSeconds: 60.9, secure: false }),
      "RDN-Balance=40; Path=/articles; SameSite=Lax; Max-Age=60",
    );
  });

  it("round-trips through parseCookieHeader", () => {
    const header = ["RDN-Balance=40", "RDN-Open-Block=7"].join("; ");
    assert.deepEqual(Object.fromEntries(parseCookieHeader(header)), { "RDN-Balance": "40", "RDN-Open-Block": "7" });
  });
});
