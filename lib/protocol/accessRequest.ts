import { z } from "zod";
import type { Address, Hex } from "viem";
import { MalformedRequestError } from "./errors";
import { TollgateHeader, type HeadersLike } from "./headers";
import { addressCodec, decodeFields, encodeFields, signatureCodec, uint64Codec } from "./wire";

/**
 * A signed access request as it travels: which of the sender's channels names the signer (the
 * sender, or that channel's delegate), when it was signed (unix seconds), and the EIP-712
 * signature over `accessRequestTypedData` for the request's own URL path. The path and the
 * receiver are the request's own (its URL, the site's receiver), so they are not repeated.
 */
export type AccessRequest = { sender: Address; openBlock: bigint; issuedAt: bigint; signature: Hex };

const schema = z.object({ sender: addressCodec, openBlock: uint64Codec, issuedAt: uint64Codec, signature: signatureCodec });

/**
 * How far `issuedAt` may be from the server's clock, in seconds: long enough for a clock a
 * little off, short enough that a request seen in transit is soon worthless.
 */
export const ACCESS_REQUEST_WINDOW_SECONDS = 120;

/**
 * The `Tollgate-Access-Request` header for a signed request.
 *
 * @example
 * headers.set(TollgateHeader.accessRequest, encodeAccessRequest({ sender, openBlock: 7n, issuedAt, signature }))
 */
export function encodeAccessRequest(request: AccessRequest): string {
  const wire = encodeFields(schema, request);
  return [wire.sender, wire.openBlock, wire.issuedAt, wire.signature].join(":");
}

/**
 * Reads a request's `Tollgate-Access-Request` header: `undefined` when absent.
 *
 * @throws {MalformedRequestError} (400) when it is present but not four well-formed fields.
 */
export function decodeAccessRequest(headers: HeadersLike): AccessRequest | undefined {
  const raw = headers.get(TollgateHeader.accessRequest);
  if (raw === null || raw === "") return undefined;
  const field = `${TollgateHeader.accessRequest} header`;
  const parts = raw.length <= 300 ? raw.split(":") : [];
  if (parts.length !== 4) throw new MalformedRequestError({ field, reason: "must be <sender>:<openBlock>:<issuedAt>:<signature>" });
  const [sender, openBlock, issuedAt, signature] = parts as [string, string, string, string];
  const decoded = decodeFields(schema, { sender, openBlock, issuedAt, signature });
  if (!decoded.ok) throw new MalformedRequestError({ field, reason: `has a ${decoded.issue.field} that ${decoded.issue.reason}` });
  return decoded.value;
}
