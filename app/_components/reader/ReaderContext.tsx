"use client";
import { createContext, use, useMemo, useRef, type ReactNode } from "react";
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { Connector } from "wagmi";
import type { PublicConfig } from "@/lib/config";
import type { TollgateClient } from "@/lib/client";
import type { ClientStorage } from "@/lib/client/storage/ClientStorage";
import { createLocalStorage } from "@/lib/client/storage/createLocalStorage";
import { chainOf } from "../wallet/chainOf";
import type { ProgressSink } from "./progress";
import type { ClientOptions, ReaderSdk } from "./readerSdk";

export type { ClientOptions } from "./readerSdk";

export type Reader = {
  config: PublicConfig;
  chain: Chain;
  /** The site chain's public client (viem and the SDK load on the first call). */
  publicClient(): Promise<PublicClient>;
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
    let storage: ClientStorage | undefined;
    const storageOnce = () => (storage ??= createLocalStorage());
    // viem's clients and the SDK come in their own chunk, on first use (readerSdk.ts).
    let sdk: Promise<ReaderSdk> | undefined;
    const sdkOnce = () =>
      (sdk ??= import("./readerSdk").then(
        ({ createReaderSdk }) => createReaderSdk({ config, chain, storage: storageOnce, sink: () => sink.current }),
        (error: unknown) => {
          // A chunk that failed to load (the network blipped) is asked for again next time.
          sdk = undefined;
          throw error;
        },
      ));
    const makeClient = async (connector: Connector, address: Address, options: ClientOptions) => (await sdkOnce()).makeClient(connector, address, options);

    const reader: Reader = {
      config,
      chain,
      publicClient: async () => (await sdkOnce()).publicClient,
      origin: () => window.location.origin,
      storage: storageOnce,
      walletClient: async (connector, address) => (await sdkOnce()).walletClient(connector, address),
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
