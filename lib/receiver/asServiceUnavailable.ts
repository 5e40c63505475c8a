import "server-only";
import { isChainUnreachable } from "../chain/isChainUnreachable";
import { isDatabaseBusy } from "../db/isDatabaseBusy";
import { ServiceUnavailableError } from "../protocol/errors";

/**
 * A lock is normally held for milliseconds: one still held after the busy timeout belongs to a
 * long job (a backup, a catch-up), so a client is asked to pause a little rather than hammer.
 */
const DATABASE_RETRY_SECONDS = 2;

/**
 * The 503 that `error` calls for when it says a dependency is unavailable for now (the chain's
 * RPC does not answer, the database is busy) rather than that something is wrong: the one
 * mapping the gate and the route handlers share, so that neither answers such a moment with a
 * 500. Undefined for any other error.
 *
 * @example
 * catch (error) { return toProblemResponse(asServiceUnavailable(error) ?? error) }
 */
export function asServiceUnavailable(error: unknown): ServiceUnavailableError | undefined {
  if (isChainUnreachable(error)) return new ServiceUnavailableError({ dependency: "chain", retryAfterSeconds: 5, cause: error });
  if (isDatabaseBusy(error)) return new ServiceUnavailableError({ dependency: "database", retryAfterSeconds: DATABASE_RETRY_SECONDS, cause: error });
  return undefined;
}
