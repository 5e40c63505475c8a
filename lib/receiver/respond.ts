import "server-only";
import { isTollgateError } from "../protocol/errors";
import { toProblemResponse } from "../protocol/problemResponse";
import { asServiceUnavailable } from "./asServiceUnavailable";

/**
 * Runs a route handler's work and answers its result as JSON, or its error as problem details:
 * a TollgateError with its own status, an unavailable chain or busy database as a 503 with
 * Retry-After, anything else as a bare 500. Whatever is not a TollgateError is logged.
 */
export async function respond(run: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await run(), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (!isTollgateError(error)) console.error("route handler failed", error);
    return toProblemResponse(asServiceUnavailable(error) ?? error);
  }
}
