import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import { encodeFields, signatureCodec, uint128Codec } from "../../protocol/wire";
import { DEFAULT_GATEWAY_PATH } from "./fetchServerChannels";
import { requestJson, siteUrl, type FetchFunction } from "./siteRequest";

const requestSchema = z.object({ balance: uint128Codec, signature: signatureCodec });
const answerSchema = z.object({ closingBalance: uint128Codec, closingSignature: signatureCodec });

/**
 * Asks the site's receiver for its closing commitment
 * (`POST {gateway}/channels/{sender}/{openBlock}/close` with the sender's or delegate's signed
 * `CloseRequest` for the balance it stored: `closeRequestTypedData`).
 * The answer is not verified here: the caller checks that it recovers to the receiver.
 *
 * @example
 * const { closingBalance, closingSignature } = await requestClosingSignature(fetch, origin, channel, { balance, signature })
 */
export async function requestClosingSignature(
  fetchFn: FetchFunction,
  origin: string,
  channel: { sender: Address; openBlock: bigint },
  request: { balance: bigint; signature: Hex },
  options: { gatewayPath?: string | undefined } = {},
): Promise<{ closingBalance: bigint; closingSignature: Hex }> {
  const root = (options.gatewayPath ?? DEFAULT_GATEWAY_PATH).replace(/\/$/, "");
  const url = siteUrl(origin, `${root}/channels/${channel.sender}/${channel.openBlock}/close`);
  return requestJson(fetchFn, url, answerSchema, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(encodeFields(requestSchema, request)),
  });
}
