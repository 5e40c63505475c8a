import { keccak256, stringToHex } from "viem";
import { TollgateHeader } from "../../protocol/headers";
import type { ClientStorage } from "../storage/ClientStorage";
import type { FetchFunction } from "./siteRequest";

/** Where a site's access token is kept: one key per origin (hashed, to fit the key pattern). */
const tokenKey = (origin: string) => `access.${keccak256(stringToHex(origin)).slice(2, 42)}`;

/**
 * Wraps `fetch` so that every request to a site carries the access token that site last handed
 * out (`Tollgate-Access-Token`), and every token a response hands out is kept, per origin: a
 * token never goes to another site, and one token lets a program re-read everything its address
 * bought there. (In a browser the site's HttpOnly cookie does the same, unseen by scripts.)
 *
 * @example
 * const { fetch: siteFetch } = withAccessTokens(fetch, createMemoryStorage())
 */
export function withAccessTokens(fetchFn: FetchFunction, storage: ClientStorage): { fetch: FetchFunction; hasToken(origin: string): Promise<boolean> } {
  const fetch: FetchFunction = async (input, init) => {
    const origin = new URL(input instanceof Request ? input.url : String(input)).origin;
    const key = tokenKey(origin);
    const headers = new Headers(init?.headers);
    const token = headers.has(TollgateHeader.accessToken) ? undefined : await storage.get(key);
    if (token) headers.set(TollgateHeader.accessToken, token);
    const response = await fetchFn(input, { ...init, headers });
    const fresh = response.headers.get(TollgateHeader.accessToken);
    // Kept as sent (it is only ever shown back to the site that signed it); bounded like the server.
    if (fresh && fresh !== token && fresh.length <= 2048 && /^[A-Za-z0-9._-]+$/.test(fresh)) await storage.set(key, fresh);
    return response;
  };
  return { fetch, hasToken: async (origin) => (await storage.get(tokenKey(origin))) !== undefined };
}
