import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { MalformedRequestError, MethodNotAllowedError, RequestTooLargeError } from "./protocol/errors";
import { toProblemResponse } from "./protocol/problemResponse";

/** What the site's pages answer (POST: their server actions); the route handlers under /api say their own. */
const PAGE_METHODS = ["GET", "HEAD", "POST", "OPTIONS"];
/** Next.js's default `serverActions.bodySizeLimit` (next.config.ts sets none). */
const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;

/**
 * The answer to a request that Next.js itself would answer with a bare 500, or by running the
 * gate on nonsense: it is the client's mistake, so it gets the status that says so. `undefined`
 * for every other request (all that browsers and well-behaved programs send).
 *
 * @example
 * // proxy.ts, before anything else
 * const refusal = refuseMalformedRequest(request)
 * if (refusal) return refusal
 */
export function refuseMalformedRequest(request: NextRequest): Response | undefined {
  const isApi = request.nextUrl.pathname === "/api" || request.nextUrl.pathname.startsWith("/api/");
  if (!isApi) {
    // Next.js renders a page for any method (a DELETE of an article, its body included) and
    // answered OPTIONS with a 400 carrying a 402's payment headers.
    if (request.method === "OPTIONS") return new NextResponse(null, { status: 204, headers: { Allow: PAGE_METHODS.join(", ") } });
    if (!PAGE_METHODS.includes(request.method)) return toProblemResponse(new MethodNotAllowedError({ method: request.method, allow: PAGE_METHODS }));
  }

  // Next.js's router answers a dynamic route whose parameter does not decode (`/articles/%E0%A4%A`,
  // `/api/channels/%`) with a bare 500.
  if (!decodes(request.nextUrl.pathname)) {
    return toProblemResponse(new MalformedRequestError({ field: "request path", reason: "is not valid percent-encoded UTF-8" }));
  }
  // RFC 9110: a request whose Host is not a host and port gets a 400. The gate builds the
  // article's URL from it.
  const host = request.headers.get("host");
  if (host !== null && !URL.canParse(`http://${host}/`)) {
    return toProblemResponse(new MalformedRequestError({ field: "Host header", reason: "is not a host name and port", value: host }));
  }
  // A server action's body over Next.js's limit (which it answers with a 500).
  const length = Number(request.headers.get("content-length") ?? 0);
  if (request.headers.has("next-action") && length > SERVER_ACTION_BODY_LIMIT) {
    return toProblemResponse(new RequestTooLargeError({ limitBytes: SERVER_ACTION_BODY_LIMIT }));
  }
  return undefined;
}

/** Whether every percent-escape in `pathname` decodes (as UTF-8). */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
