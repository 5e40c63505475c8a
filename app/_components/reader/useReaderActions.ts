"use client";
import { useQueryClient } from "@tanstack/react-query";
import * as z from "zod/mini";
import type { Address } from "viem";
import { useAccount, type Connector } from "wagmi";
import { tollgateTokenAbi } from "@/lib/chain/abis.generated";
import { waitForTransaction } from "@/lib/chain/waitForTransaction";
import type { ChannelRecord } from "@/lib/client";
import { parseAmount } from "@/lib/protocol/amounts";
import type { ProgressSink } from "./progress";
import { useReader } from "./ReaderContext";
import { channelsKey, recordPurchase } from "./useChannels";

/** An article as the gate answers JSON requests. */
export type UnlockedArticle = { slug: string; title: string; body: string };
const articleSchema = z.object({ slug: z.string(), title: z.string(), body: z.string() });

/** What the faucet button asks for: plenty for a demo, within the token's per-call cap. */
const FAUCET_TOKENS = "100";

class NotConnectedError extends Error {
  override name = "ConnectorNotConnectedError";
  constructor() {
    super("Connect a wallet first.");
  }
}

/**
 * Everything the reader does that changes a channel, each run through the reader's queue with
 * its progress reported to `sink`, and the cached channels refreshed afterwards.
 */
export function useReaderActions() {
  const reader = useReader();
  const queryClient = useQueryClient();
  const { address, connector } = useAccount();
  const key = channelsKey(reader.config.chainId, address);

  function connected(): { address: Address; connector: Connector } {
    if (!address || !connector) throw new NotConnectedError();
    return { address, connector };
  }
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const articleUrl = (slug: string) => `${reader.origin()}/articles/${encodeURIComponent(slug)}`;

  return {
    /** Opens a channel with `deposit`: one permit transaction, or approve + create. */
    openChannel: (deposit: bigint, options: { permit: boolean; sessionKey: boolean }, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address, { permit: options.permit ? "always" : "never", sessionKey: options.sessionKey });
        const record = await client.openChannel(reader.origin(), deposit);
        await refresh();
        return record;
      }),

    topUp: (record: ChannelRecord, amount: bigint, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address, { topUp: true });
        const updated = await client.topUp(record, amount);
        await refresh();
        return updated;
      }),

    /** Asks the site for its closing signature, checks it, and submits the cooperative close. */
    closeCooperatively: (record: ChannelRecord, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address);
        const [result] = await client.close(reader.origin(), record);
        await refresh();
        return result;
      }),

    /** Starts the challenge period without the site; settle when it ends. */
    closeAlone: (record: ChannelRecord, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address);
        const result = await client.closeUncooperatively(record);
        await refresh();
        return result;
      }),

    settle: (record: ChannelRecord, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address);
        // An idle local chain mines no blocks, so its latest block's clock stands still and the
        // SDK would think the challenge period still runs: mine one (local chain only).
        if (reader.config.isLocalChain) await (await reader.publicClient()).request({ method: "evm_mine" } as never).catch(() => undefined);
        const result = await client.settle(record);
        await refresh();
        return result;
      }),

    /**
     * Pays for an article with the current channel (the session key signs, else the wallet) and
     * returns its text from the gate's JSON answer. A refused proof re-syncs the channel from
     * the site and the chain and is retried once. The paid answer's access token cookie makes
     * a reload re-read through the gate for free.
     */
    unlock: (slug: string, sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const client = await reader.client(connector, address);
        let result;
        try {
          result = await client.getArticle(articleUrl(slug));
        } catch (error) {
          if ((error as Error)?.name !== "PaymentRefusedError") throw error;
          await client.channels(reader.origin());
          result = await client.getArticle(articleUrl(slug));
        }
        const { article, receipt } = result;
        if (receipt) recordPurchase(queryClient, key, receipt.channel, slug);
        return {
          article: { slug: article.slug, title: article.title, body: article.body },
          cost: receipt?.cost ?? 0n,
          /** What is left in the channel, as the site's receipt says (after any re-sync). */
          remaining: receipt ? receipt.deposit - receipt.balance : undefined,
        };
      }),

    /**
     * Reads an article this reader already bought, for free: the site lists what a channel
     * bought only to the reader's access token, whose cookie this request carries too. Never
     * pays: anything but a 200 gives `undefined`.
     */
    reread: async (slug: string): Promise<UnlockedArticle | undefined> => {
      const response = await fetch(articleUrl(slug), { headers: { Accept: "application/json" } });
      if (response.status !== 200) return undefined;
      const parsed = articleSchema.safeParse(await response.json().catch(() => undefined));
      return parsed.success ? parsed.data : undefined;
    },

    /** Local chain only: mints test tokens to the reader from the demo token's faucet. */
    faucet: (sink?: ProgressSink) =>
      reader.run(sink, async () => {
        const { address, connector } = connected();
        const wallet = await reader.walletClient(connector, address);
        const hash = await wallet.writeContract({
          address: reader.config.token,
          abi: tollgateTokenAbi,
          functionName: "faucet",
          args: [parseAmount(FAUCET_TOKENS, reader.config.tokenUnit.decimals)],
        });
        await waitForTransaction(await reader.publicClient(), hash, {
          onProgress: (progress) => sink?.({ type: "transaction", event: { action: "approve", ...progress } }),
        });
        await queryClient.invalidateQueries({ queryKey: ["tollgate", "token-balance"] });
      }),
  };
}

export type ReaderActions = ReturnType<typeof useReaderActions>;
