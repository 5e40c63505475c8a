import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSecurityPolicy, securityHeaders, type SecurityHeaderOptions } from "./securityHeaders";

const base: SecurityHeaderOptions = { nonce: "bm9uY2Utb25l", rpcUrl: "https://rpc.example.org/v1/key", isLocalChain: false, walletConnect: false, https: true, development: false };
const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("securityHeaders", () => {
  it("allows scripts only with the nonce, and no framing by anyone", () => {
    const csp = directives(contentSecurityPolicy(base));
    assert.deepEqual(csp.get("script-src"), ["'self'", "'nonce-bm9uY2Utb25l'", "'strict-dynamic'"]);
    assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
    assert.deepEqual(csp.get("object-src"), ["'none'"]);
    assert.deepEqual(csp.get("base-uri"), ["'self'"]);
    assert.ok(!csp.get("script-src")!.includes("'unsafe-inline'"));
    assert.ok(!csp.get("script-src")!.includes("'unsafe-eval'"));
    assert.deepEqual(csp.get("upgrade-insecure-requests"), []);
  });

  it("lets the pages reach the configured RPC's origin (not its path), and the local chain's default RPC on the local chain", () => {
    assert.deepEqual(directives(contentSecurityPolicy(base)).get("connect-src"), ["'self'", "https://rpc.example.org"]);
    const local = directives(contentSecurityPolicy({ ...base, rpcUrl: "http://127.0.0.1:40123", isLocalChain: true, https: false }));
    assert.deepEqual(local.get("connect-src"), ["'self'", "http://127.0.0.1:40123", "http://127.0.0.1:8545"]);
    assert.equal(local.get("upgrade-insecure-requests"), undefined, "an http site keeps its http requests");
  });

  it("opens WalletConnect's relay and verify frame only when it is configured", () => {
    assert.deepEqual(directives(contentSecurityPolicy(base)).get("frame-src"), ["'none'"]);
    const wc = directives(contentSecurityPolicy({ ...base, walletConnect: true }));
    assert.ok(wc.get("connect-src")!.includes("wss://relay.walletconnect.com"));
    assert.ok(wc.get("frame-src")!.includes("https://verify.walletconnect.com"));
  });

  it("adds 'unsafe-eval' in development only (React's error overlays)", () => {
    assert.ok(directives(contentSecurityPolicy({ ...base, development: true })).get("script-src")!.includes("'unsafe-eval'"));
  });

  it("refuses a nonce or RPC URL that would break out of the policy", () => {
    assert.throws(() => contentSecurityPolicy({ ...base, nonce: "x'; script-src *" }), /base64/);
    assert.throws(() => contentSecurityPolicy({ ...base, rpcUrl: "javascript:alert(1)" }), /not an http/);
  });

  it("sets the referrer policy, nosniff and the legacy frame header", () => {
    const headers = securityHeaders(base);
    assert.equal(headers["Referrer-Policy"], "same-origin");
    assert.equal(headers["X-Content-Type-Options"], "nosniff");
    assert.equal(headers["X-Frame-Options"], "DENY");
    assert.match(headers["Content-Security-Policy"]!, /^default-src 'self'; /);
  });
});
