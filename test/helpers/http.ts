/**
 * Requests to a test site and assertions on what it answers: problem bodies, RDN-* error
 * headers and the 402's terms, each checked the same way in every suite.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { Address } from "viem";
import { PROBLEM_TYPE_PREFIX } from "../../lib/protocol/errors";
import { RdnHeader, type RdnErrorHeaderName } from "../../lib/protocol/headers";
import { decodePaymentRequest, decodePaymentRequestBody, type PaymentRequest, type PaymentTerms } from "../../lib/protocol/paymentRequest";
import type { TestChain } from "./localSite";
import { RECEIVER } from "./reader";

/** A response read to the end, so that its body can be asserted on more than once. */
export type Answer = { status: number; headers: Headers; text: string; url: string };

/** Fetches `path` on `site` and reads the whole body. Follows redirects unless told otherwise. */
export async function send(site: { url: string }, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${site.url}${path}`, { signal: AbortSignal.timeout(20_000), ...init });
  return { status: response.status, headers: response.headers, text: await response.text(), url: response.url };
}

/**
 * Sends `path` exactly as given (fetch would normalise `/a/../b`, `//b`, `/./b`), with any
 * method and headers, and reads the answer. Does not follow redirects.
 */
export function sendRaw(
  site: { url: string },
  path: string,
  { method = "GET", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(site.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, path, method, headers, timeout: 20_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of [value ?? []].flat()) answerHeaders.append(name, one);
        }
        resolve({ status: response.statusCode ?? 0, headers: answerHeaders, text: Buffer.concat(chunks).toString("utf8"), url: `${site.url}${path}` });
      });
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer to ${method} ${path}`)));
    request.on("error", reject);
    request.end(body);
  });
}

export const getJson = (site: { url: string }, path: string, headers: Record<string, string> = {}) =>
  send(site, path, { headers: { accept: "application/json", ...headers } });

/** The parsed JSON body of an answer, with the body in the message if it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(answer: Answer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new assert.AssertionError({ message: `expected a JSON body, got ${answer.status}: ${answer.text.slice(0, 300)}` });
  }
}

/** µRaiden's four error headers: a refusal carries exactly one of them, or none. */
export const RDN_ERROR_HEADERS: readonly RdnErrorHeaderName[] = [
  RdnHeader.insufficientConfirmations,
  RdnHeader.nonexistingChannel,
  RdnHeader.invalidBalanceProof,
  RdnHeader.invalidAmount,
];

/**
 * Asserts a problem response (RFC 9457): its status, its `type` (`urn:tollgate:problem:<type>`),
 * `Cache-Control: no-store`, and that the only RDN error header present is `rdn` (none when
 * null). Returns the body.
 */
export function assertProblem(
  answer: Answer,
  { status, type, rdn = null }: { status: number; type: string; rdn?: RdnErrorHeaderName | null },
): Record<string, unknown> {
  assert.equal(answer.status, status, `expected ${status} ${type}, got ${answer.status}: ${answer.text.slice(0, 400)}`);
  assert.match(answer.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.equal(answer.headers.get("cache-control"), "no-store");
  const body = jsonOf(answer);
  assert.equal(body.type, `${PROBLEM_TYPE_PREFIX}${type}`, answer.text);
  assert.equal(body.status, status);
  for (const name of RDN_ERROR_HEADERS) {
    assert.equal(answer.headers.get(name), name === rdn ? "1" : null, `header ${name} on a ${type} answer`);
  }
  return body;
}

/** The terms every 402 of a site on `chain` carries for an article of `price`. */
export function termsOf(chain: TestChain, price: bigint): PaymentTerms {
  return {
    price,
    receiver: RECEIVER as Address,
    contract: chain.deployment.channelManager,
    token: chain.deployment.token,
    chainId: chain.deployment.chainId,
    gatewayPath: "/api",
  };
}

/**
 * Asserts a program's 402: the problem of `type` with header `rdn`, and headers and body that say
 * the same (the terms, the reason, the stored state). Returns what they say.
 */
export function assertPaymentRequired(
  answer: Answer,
  { chain, price, type, rdn = null }: { chain: TestChain; price: bigint; type: string; rdn?: RdnErrorHeaderName | null },
): PaymentRequest {
  const body = assertProblem(answer, { status: 402, type, rdn });
  const fromHeaders = decodePaymentRequest(answer.headers);
  assert.deepEqual(fromHeaders.terms, termsOf(chain, price));
  assert.deepEqual(decodePaymentRequestBody(body), fromHeaders);
  return fromHeaders;
}
