import * as z from "zod/mini";
import { PROBLEM_CONTENT_TYPE } from "../../protocol/errors";
import { decodeFields } from "../../protocol/wire";
import { SiteRequestError } from "../errors";

/** The fetch function the client uses: the global one, or an injected one (tests, proxies). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** An RFC 9457 problem's members the client shows or acts on; anything else is ignored. */
export type Problem = { type?: string | undefined; title?: string | undefined; detail?: string | undefined };

/**
 * Reads a response's problem details, when its body is one (or JSON with a `detail`). Never
 * throws: an unreadable body just gives no details. Consumes the body.
 *
 * @example
 * if (!response.ok) console.error((await readProblem(response)).detail)
 */
export async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes(PROBLEM_CONTENT_TYPE) && !type.includes("application/json")) return {};
  try {
    const body: unknown = await response.json();
    if (typeof body !== "object" || body === null) return {};
    const { type: problemType, title, detail } = body as Record<string, unknown>;
    return {
      type: typeof problemType === "string" ? problemType : undefined,
      title: typeof title === "string" ? title : undefined,
      detail: typeof detail === "string" ? detail.slice(0, 2000) : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Sends a request to the site's JSON API and decodes a 2xx answer with `schema`; anything else
 * becomes a {@link SiteRequestError} carrying the server's problem detail.
 *
 * @example
 * const catalog = await requestJson(fetch, `${origin}/api/articles`, catalogSchema)
 */
export async function requestJson<Schema extends z.core.$ZodType>(
  fetchFn: FetchFunction,
  url: string,
  schema: Schema,
  init: RequestInit = {},
): Promise<z.output<Schema>> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch (error) {
    throw new SiteRequestError({ url, reason: error instanceof Error ? error.message : String(error), cause: error });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    throw new SiteRequestError({ url, status: response.status, detail: problem.detail ?? problem.title });
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    throw new SiteRequestError({ url, status: response.status, reason: "the body is not JSON", cause: error });
  }
  const decoded = decodeFields(schema, json);
  if (!decoded.ok) {
    throw new SiteRequestError({ url, status: response.status, reason: `its ${decoded.issue.field || "body"} ${decoded.issue.reason}` });
  }
  return decoded.value;
}

/**
 * `origin` + `path`, refusing anything that would leave the origin (a server-given path).
 *
 * @example
 * siteUrl("http://localhost:3000", "/api/articles") // "http://localhost:3000/api/articles"
 * siteUrl("http://localhost:3000", "//evil.example/x") // TypeError
 */
export function siteUrl(origin: string, path: string): string {
  const url = new URL(path, origin);
  if (url.origin !== new URL(origin).origin) throw new TypeError(`${path} is not a path on ${origin}`);
  return url.toString();
}
