"use client";
import { createContext, use, useMemo, useRef, type ReactNode } from "react";
import { createPublicClient, createWalletClient, custom, http, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import type { Connector } from "wagmi";
import type { PublicConfig } from "@/lib/config";
import { createTollgateClient, createViemChannelChain, formatTokenAmount, type TollgateClient } from "@/lib/client";
import type { ClientStorage } from "@/lib/client/storage/ClientStorage";
import { createLocalStorage } from "@/lib/client/storage/createLocalStorage";
import { chainOf } from "../wallet/chainOf";
import { describeError } from "./describeError";
import { describeWalletRequest, PROMPT_METHODS, type ProgressSink } from "./progress";

/** How a client pays and funds: the long-lived one that unlocks never opens or tops up on its own. */
export type ClientOptions = {
  permit?: "auto" | "always" | "never";
  /** Name a new session key as the delegate of channels this client opens. */
  sessionKey?: boolean;
  /** Allow `client.topUp` (top-ups by exactly the amount asked). */
  topUp?: boolean;
};

export type Reader = {
  config: PublicConfig;
  chain: Chain;
  publicClient: PublicClient;
  /** The site's origin (browser only). */
  origin(): string;
  /** This browser's channel and session-key storage (browser only). */
  storage(): ClientStorage;
  /** A wallet client for `address` whose prompts are reported to the running operation. */
  walletClient(connector: Connector, address: Address): Promise<WalletClient<Transport, Chain, Account>>;
  /** The SDK client for an account: cached for paying, fresh for other options. */
  client(connector: Connector, address: Address, options?: ClientOptions): Promise<TollgateClient>;
  /**
   * Runs one operation at a time (cumulative proofs cannot be pipelined, and the reader follows
   * one wallet prompt at a time), reporting its wallet prompts and transactions to `sink`.
   */
  run<T>(sink: ProgressSink | undefined, operation: () => Promise<T>): Promise<T>;
};

const ReaderContext = createContext<Reader | null>(null);

export function useReader(): Reader {
  const reader = use(ReaderContext);
  if (!reader) throw new Error("useReader needs <WalletProviders> above it");
  return reader;
}

/** Builds the reader's SDK plumbing once per page: one public client, one storage, one queue. */
export function ReaderProvider({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const sink = useRef<ProgressSink | undefined>(undefined);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const payClients = useRef(new Map<string, Promise<TollgateClient>>());

  const reader = useMemo<Reader>(() => {
    const chain = chainOf(config);
    const publicClient = createPublicClient({ chain, transport: http(config.rpcUrl, { retryCount: 1 }) }) as PublicClient;
    let storage: ClientStorage | undefined;
    let promptId = 0;

    async function walletClient(connector: Connector, address: Address) {
      const provider = (await connector.getProvider()) as { request(args: { method: string; params?: unknown }): Promise<unknown> };
      const transport = custom(
        {
          async request({ method, params }: { method: string; params?: unknown }) {
            const report = sink.current;
            if (!report || !PROMPT_METHODS.has(method)) return provider.request({ method, params });
            const id = ++promptId;
            report({ type: "prompt", id, ...describeWalletRequest(method, params) });
            try {
              const result = await provider.request({ method, params });
              report({ type: "answered", id, result });
              return result;
            } catch (error) {
              report({ type: "failed", id, error: describeError(error).title });
              throw error;
            }
          },
        },
        // A declined prompt must not be shown again.
        { retryCount: 0 },
      );
      return createWalletClient({ account: address, chain, transport });
    }

    async function makeClient(connector: Connector, address: Address, options: ClientOptions): Promise<TollgateClient> {
      const channelChain = createViemChannelChain({
        publicClient,
        walletClient: await walletClient(connector, address),
        confirmations: config.confirmations,
        onTransaction: (event) => sink.current?.({ type: "transaction", event }),
        scanFromBlock: BigInt(config.deployedAtBlock),
      });
      return createTollgateClient({
        chain: channelChain,
        storage: reader.storage(),
        trustedContracts: [config.channelManager],
        // The page asks before any transaction: paying never opens or tops up a channel by itself.
        autoOpen: false,
        topUp: options.topUp ? (missing) => missing : false,
        permit: options.permit ?? "auto",
        sessionKey: options.sessionKey ?? true,
        formatAmount: (amount) => formatTokenAmount(amount, config.tokenUnit),
        warn: (message) => console.warn(message),
        confirmationWaitMs: 1000,
      });
    }

    const reader: Reader = {
      config,
      chain,
      publicClient,
      origin: () => window.location.origin,
      storage: () => (storage ??= createLocalStorage()),
      walletClient,
      client(connector, address, options) {
        if (options) return makeClient(connector, address, options);
        const key = `${connector.uid}:${address}`;
        let client = payClients.current.get(key);
        if (!client) {
          client = makeClient(connector, address, {});
          payClients.current.set(key, client);
          client.catch(() => payClients.current.delete(key));
        }
        return client;
      },
      run(report, operation) {
        const go = async () => {
          sink.current = report;
          try {
            return await operation();
          } finally {
            sink.current = undefined;
          }
        };
        const next = queue.current.then(go, go);
        queue.current = next.catch(() => undefined);
        return next;
      },
    };
    return reader;
  }, [config]);

  return <ReaderContext value={reader}>{children}</ReaderContext>;
}
