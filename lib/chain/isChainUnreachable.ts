/**
 * Whether `error` (or any error in its cause chain) says the chain's RPC could not be reached or
 * did not answer in time. Matched by name, not `instanceof`: Next.js may bundle viem more than
 * once (see getChannelInfo.ts), so the error need not come from this module's copy of viem.
 */
export function isChainUnreachable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === "HttpRequestError" || e.name === "TimeoutError" || e.name === "WebSocketRequestError") return true;
  }
  return false;
}
