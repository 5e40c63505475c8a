import { PROBLEM_CONTENT_TYPE, isTollgateError, toProblem } from "./errors";
import { encodePaymentRequest, type PaymentTerms } from "./paymentRequest";

/**
 * The one error-to-`Response` adapter that `proxy.ts` and the route handlers share (Fetch API
 * `Response`, so it runs wherever they do). A 402 with `terms` becomes the full payment request
 * of {@link encodePaymentRequest}; any other error becomes its problem details and headers; a
 * non-Tollgate error becomes a bare 500 (log it before calling this: nothing of it is sent).
 *
 * Every answer is `Cache-Control: no-store`: a 402 names one reader's channel and balance, and
 * no shared cache may replay it to another reader.
 *
 * Browsers asking for HTML get the paywall page instead; that page reuses
 * `encodePaymentRequest(terms, error).headers`.
 *
 * @example
 * // app/api/channels/[sender]/[openBlock]/route.ts
 * try { return Response.json(await getChannel(params)) } catch (error) { log(error); return toProblemResponse(error) }
 * // proxy.ts, answering a program
 * return toProblemResponse(error, { terms })
 */
export function toProblemResponse(error: unknown, options: { terms?: PaymentTerms } = {}): Response {
  const headers = new Headers({ "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store" });
  if (isTollgateError(error) && error.status === 402 && options.terms) {
    const request = encodePaymentRequest(options.terms, error);
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
    return new Response(JSON.stringify(request.body), { status: 402, headers });
  }
  const problem = toProblem(error);
  if (isTollgateError(error)) for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
