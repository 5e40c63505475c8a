"use client";
import { useQuery, type QueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { useAccount, type Connector } from "wagmi";
import type { ChannelRecord } from "@/lib/client";
import { createChannelStore } from "@/lib/client/channelStore";
import { fetchServerChannels, type ServerChannel } from "@/lib/client/site/fetchServerChannels";
import { useReader, type Reader } from "./ReaderContext";

/** One of the reader's channels: the client's record, the site's view, and who signs its proofs. */
export type ReaderChannel = {
  record: ChannelRecord;
  /** What the site knows of it (its articles among them), when it knows it. */
  server: ServerChannel | undefined;
  /** Whether this browser holds the channel's session key, or the wallet must sign. */
  signer: "session-key" | "wallet";
};

export type ReaderChannels = {
  channels: ReaderChannel[];
  /** The open channel that pays: the most recently opened. */
  current: ReaderChannel | undefined;
  /** Slugs of every article the reader bought, on any channel. */
  bought: Set<string>;
};

export const channelsKey = (chainId: number, address: Address | undefined) => ["tollgate", "channels", chainId, address ?? "none"] as const;

/**
 * Recovers the reader's channels: this browser's records, the site's (with the articles each
 * bought) and the chain's, reconciled by the SDK. On a new browser this is how a channel and its
 * balance come back.
 */
async function loadChannels(reader: Reader, connector: Connector, address: Address): Promise<ReaderChannels> {
  const client = await reader.client(connector, address);
  const origin = reader.origin();
  const [records, server] = await Promise.all([client.channels(origin), fetchServerChannels((input, init) => fetch(input, init), origin, address)]);
  const store = createChannelStore(reader.storage(), { warn: () => undefined });
  const channels = await Promise.all(
    records.map(async (record): Promise<ReaderChannel> => ({
      record,
      server: server.find((s) => s.openBlock === record.openBlock),
      signer: record.delegate && (await store.getSessionKey(record.delegate)) ? "session-key" : "wallet",
    })),
  );
  channels.sort((a, b) => (a.record.openBlock === b.record.openBlock ? 0 : a.record.openBlock > b.record.openBlock ? -1 : 1));
  return summarize(channels);
}

export function summarize(channels: ReaderChannel[]): ReaderChannels {
  return {
    channels,
    current: channels.find((c) => c.record.status === "open"),
    bought: new Set(channels.flatMap((c) => c.server?.articles ?? [])),
  };
}

/** The connected reader's channels (React Query), refreshed by the actions that change them. */
export function useChannels() {
  const reader = useReader();
  const { address, connector, status } = useAccount();
  return useQuery({
    queryKey: channelsKey(reader.config.chainId, address),
    enabled: status === "connected" && Boolean(address && connector),
    queryFn: () => loadChannels(reader, connector!, address!),
    staleTime: 60_000,
  });
}

/** Records a paid (or re-read) article in the cached channels, without another round of recovery. */
export function recordPurchase(queryClient: QueryClient, key: ReturnType<typeof channelsKey>, record: ChannelRecord, slug: string): void {
  queryClient.setQueryData<ReaderChannels>(key, (data) => {
    if (!data) return data;
    const channels = data.channels.map((channel) => {
      if (channel.record.openBlock !== record.openBlock) return channel;
      const articles = channel.server?.articles ?? [];
      const server: ServerChannel = {
        ...(channel.server ?? { sender: record.sender, receiver: record.receiver, openBlock: record.openBlock, withdrawn: 0n, status: "open" }),
        deposit: record.deposit,
        balance: record.balance,
        balanceSignature: record.balanceSignature,
        articles: articles.includes(slug) ? articles : [...articles, slug],
      };
      return { ...channel, record, server };
    });
    return summarize(channels);
  });
}
