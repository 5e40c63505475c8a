import "server-only";
import type { NextRequest } from "next/server";
import { getPublicConfig } from "./config";
import { securityHeaders } from "./securityHeaders";

/** 16 random bytes, base64: unguessable, and new for every response. */
function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * Wraps `proxy.ts`'s handler so that every response it lets through or makes carries
 * `securityHeaders` with a fresh nonce. The policy is also set on the request before the handler
 * runs: Next.js finds the nonce for its own scripts in the request's `Content-Security-Policy`
 * header (Next.js docs, "Content Security Policy"), which reaches the render because the handler
 * forwards `request.headers` (`NextResponse.next({ request: { headers } })`).
 *
 * @example
 * // proxy.ts
 * export const proxy = withSecurityHeaders(gateProxy)
 */
export function withSecurityHeaders<R extends Response>(handler: (request: NextRequest) => Promise<R>): (request: NextRequest) => Promise<R> {
  return async (request) => {
    const config = getPublicConfig();
    const nonce = newNonce();
    const headers = securityHeaders({
      nonce,
      rpcUrl: config.rpcUrl,
      isLocalChain: config.isLocalChain,
      walletConnect: config.walletConnectProjectId !== undefined,
      https: request.nextUrl.protocol === "https:",
      development: process.env.NODE_ENV === "development",
    });
    request.headers.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
    request.headers.set("x-nonce", nonce);
    const response = await handler(request);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };
}
