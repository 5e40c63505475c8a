import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import { addressCodec, signatureCodec, uint128Codec, uint64Codec } from "../../protocol/wire";
import { SiteRequestError } from "../errors";
import { requestJson, siteUrl, type FetchFunction } from "./siteRequest";

/** The channel API's path root when no 402 has said otherwise. */
export const DEFAULT_GATEWAY_PATH = "/api";

const channelInfoSchema = z.object({
  sender: addressCodec,
  receiver: addressCodec,
  openBlock: uint64Codec,
  delegate: z.nullish(addressCodec),
  deposit: uint128Codec,
  balance: uint128Codec,
  withdrawn: uint128Codec,
  status: z.enum(["open", "closing", "settled"]),
  balanceSignature: z.nullish(signatureCodec),
  articles: z.optional(z.array(z.string())),
});

/**
 * A channel as the site's receiver knows it. `status` is the receiver's view: `closing` once it
 * signed a closing commitment, even before anything happened on chain. Nothing here is trusted
 * as is: the client verifies `balanceSignature` and reads deposit and delegate from the chain.
 */
export type ServerChannel = {
  sender: Address;
  receiver: Address;
  openBlock: bigint;
  delegate?: Address | null | undefined;
  deposit: bigint;
  balance: bigint;
  withdrawn: bigint;
  status: "open" | "closing" | "settled";
  balanceSignature?: Hex | null | undefined;
  /** Slugs of the articles this channel paid for. */
  articles?: string[] | undefined;
};

const gatewayPath = (path: string | undefined) => (path ?? DEFAULT_GATEWAY_PATH).replace(/\/$/, "");

/**
 * Every channel the site's receiver knows from `sender` (`GET {gateway}/channels/{sender}`), as
 * far as it shows them to this client: none without the sender's access token.
 *
 * @example
 * const channels = await fetchServerChannels(fetch, "http://localhost:3000", sender)
 */
export async function fetchServerChannels(
  fetchFn: FetchFunction,
  origin: string,
  sender: Address,
  options: { gatewayPath?: string | undefined } = {},
): Promise<ServerChannel[]> {
  const url = siteUrl(origin, `${gatewayPath(options.gatewayPath)}/channels/${sender}`);
  try {
    const { channels } = await requestJson(fetchFn, url, z.object({ channels: z.array(channelInfoSchema) }));
    return channels;
  } catch (error) {
    // The site shows a sender's channels only to that sender's access token (a reader who has not
    // paid or signed in here yet has none): then it knows of none, and the chain still tells.
    if (error instanceof SiteRequestError && (error.serverStatus === 401 || error.serverStatus === 403)) return [];
    throw error;
  }
}

/**
 * One channel as the site's receiver knows it (`GET {gateway}/channels/{sender}/{openBlock}`),
 * or `undefined` when it answers 404. Asking also makes a receiver that never saw the channel
 * read it from the chain and register it, which a cooperative close needs.
 *
 * @example
 * const known = await fetchServerChannel(fetch, origin, { sender, receiver, openBlock })
 */
export async function fetchServerChannel(
  fetchFn: FetchFunction,
  origin: string,
  channel: { sender: Address; openBlock: bigint },
  options: { gatewayPath?: string | undefined } = {},
): Promise<ServerChannel | undefined> {
  const url = siteUrl(origin, `${gatewayPath(options.gatewayPath)}/channels/${channel.sender}/${channel.openBlock}`);
  try {
    return await requestJson(fetchFn, url, channelInfoSchema);
  } catch (error) {
    if (error instanceof SiteRequestError && error.serverStatus === 404) return undefined;
    throw error;
  }
}
