// The paywall's gate (Next.js 16's proxy, on Node.js). It only translates: lib/receiver/gate.ts
// decides, and this file turns the decision into a forwarded request or a response.
import { NextResponse, type NextRequest } from "next/server";
import { fromDbAmount } from "./lib/db/amount";
import { ArticleNotFoundError } from "./lib/protocol/errors";
import { toProblemResponse } from "./lib/protocol/problemResponse";
import { clearPaymentCookies } from "./lib/protocol/payment";
import { TollgateHeader } from "./lib/protocol/headers";
import { encodePaymentRequest } from "./lib/protocol/paymentRequest";
import { encodeReceiptHeaders } from "./lib/protocol/receipt";
import { encodeX402PaymentRequired, encodeX402PaymentResponse } from "./lib/protocol/x402";
import { accessTokenCookie } from "./lib/receiver/access";
import { articleSlugFromPath } from "./lib/receiver/articlePath";
import { gate } from "./lib/receiver/gate";
import { getReceiver } from "./lib/receiver/getReceiver";
import { GRANT_HEADER, grantFor } from "./lib/receiver/grant";
import { refuseMalformedRequest } from "./lib/refuseMalformedRequest";
import { withSecurityHeaders } from "./lib/withSecurityHeaders";

/** Programs ask for JSON; everything else (browsers) gets the page. */
function wantsJson(request: NextRequest): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

async function gateProxy(request: NextRequest) {
  const refusal = refuseMalformedRequest(request);
  if (refusal) return refusal;

  // Whatever the client sent under the grant's name is never believed.
  const forwarded = new Headers(request.headers);
  forwarded.delete(GRANT_HEADER);

  let decision;
  try {
    decision = await gate(getReceiver(), {
      method: request.method,
      pathname: request.nextUrl.pathname,
      headers: request.headers,
      // The Host the client asked (Next.js's nextUrl names its own listening host instead).
      origin: `${request.nextUrl.protocol}//${request.headers.get("host") ?? request.nextUrl.host}`,
    });
  } catch (error) {
    console.error("gate failed", error);
    return toProblemResponse(error);
  }

  switch (decision.type) {
    case "pass":
      return NextResponse.next({ request: { headers: forwarded } });
    case "not-found":
      // Programs get the problem; browsers get the site's not-found page from the route itself.
      return wantsJson(request)
        ? toProblemResponse(new ArticleNotFoundError({ slug: articleSlugFromPath(request.nextUrl.pathname) ?? "" }))
        : NextResponse.next({ request: { headers: forwarded } });
    case "refused": {
      const { error, terms } = decision;
      // Every 402 also makes the offer in x402's terms, for x402 clients (programs or browsers).
      const x402 = error.status === 402 ? encodeX402PaymentRequired(decision.x402) : {};
      if (wantsJson(request)) {
        const response = toProblemResponse(error, { terms });
        for (const [name, value] of Object.entries(x402)) response.headers.set(name, value);
        return response;
      }
      // A browser gets the article page (teaser and paywall) with the refusal's status and
      // headers, never a bare JSON body its reader cannot act on. A 402 carries the terms. A
      // proof the site can never accept (malformed, or on a channel that is closing) would be
      // sent again with every page load, so its cookies are cleared: the page starts afresh.
      const headers = new Headers(error.status === 402 ? { ...encodePaymentRequest(terms, error).headers, ...x402 } : error.headers);
      headers.set("Cache-Control", "no-store");
      if (error.status === 400 || error.status === 409) {
        const secure = request.nextUrl.protocol === "https:";
        for (const cookie of clearPaymentCookies({ secure })) headers.append("Set-Cookie", cookie);
      }
      return NextResponse.next({ status: error.status, headers, request: { headers: forwarded } });
    }
    case "free":
    case "paid": {
      const { article } = decision;
      const headers = new Headers(decision.type === "paid" && decision.receipt ? encodeReceiptHeaders(decision.receipt) : {});
      if (decision.type === "paid") {
        // A paid article for one reader: no shared cache may keep it (a receipt says so too).
        headers.set("Cache-Control", "no-store");
        if (decision.settlement) for (const [name, value] of Object.entries(encodeX402PaymentResponse(decision.settlement))) headers.set(name, value);
        if (decision.accessToken) {
          // Programs keep the header; browsers the HttpOnly cookie, which no page script reads.
          headers.set(TollgateHeader.accessToken, decision.accessToken);
          headers.append("Set-Cookie", accessTokenCookie(decision.accessToken, request.nextUrl));
        }
      }
      if (wantsJson(request)) {
        const { slug, title, body } = article;
        return Response.json({ slug, title, body, price: fromDbAmount(article.price).toString() }, { headers });
      }
      forwarded.set(GRANT_HEADER, grantFor(article.slug));
      return NextResponse.next({ request: { headers: forwarded }, headers });
    }
  }
}

// Every response gets the security headers (CSP with a nonce, frame-ancestors 'none', …).
export const proxy = withSecurityHeaders(gateProxy);

export const config = {
  // Every path but build assets: the gate itself decides which paths are articles.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
