import { PROBLEM_TYPE_PREFIX } from "../../protocol/errors";
import { decodePaymentRequest, type PaymentRequest } from "../../protocol/paymentRequest";
import { readProblem } from "./siteRequest";

/**
 * Why a 402 refused, finer than its RDN header: `invalid-balance-proof` covers a proof that is
 * behind the server (stale), one above the deposit, and one with a wrong signature, whose
 * remedies differ (re-sign, top up, give up). The problem body's `type` tells them apart.
 */
export type RefusalKind =
  | "payment-required"
  | "stale-balance-proof"
  | "insufficient-deposit"
  | "invalid-balance-proof"
  | "invalid-amount"
  | "nonexisting-channel"
  | "insufficient-confirmations";

export type PaymentRequestResponse = PaymentRequest & {
  kind: RefusalKind;
  /** The server's explanation (the problem's `detail`), for error messages. */
  detail?: string | undefined;
  problemType?: string | undefined;
};

const bySlug: Record<string, RefusalKind> = {
  "stale-balance-proof": "stale-balance-proof",
  "insufficient-deposit": "insufficient-deposit",
  "invalid-balance-proof": "invalid-balance-proof",
};

/**
 * Reads a 402: the terms, reason and stored state from its `RDN-*` headers (present on every
 * 402, browser or program), and the finer kind and the explanation from its problem body, when
 * it has one. Consumes the body.
 *
 * @throws {MalformedPaymentResponseError} when the headers are missing or malformed.
 * @example
 * if (response.status === 402) {
 *   const { kind, terms, stored } = await readPaymentRequest(response)
 * }
 */
export async function readPaymentRequest(response: Response): Promise<PaymentRequestResponse> {
  const request = decodePaymentRequest(response.headers);
  const problem = await readProblem(response);
  let kind: RefusalKind = request.reason;
  if (request.reason === "invalid-balance-proof") {
    const slug = problem.type?.startsWith(PROBLEM_TYPE_PREFIX) ? problem.type.slice(PROBLEM_TYPE_PREFIX.length) : undefined;
    kind = (slug && bySlug[slug]) || "invalid-balance-proof";
  }
  return { ...request, kind, detail: problem.detail, problemType: problem.type };
}
