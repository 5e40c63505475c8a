import { createPublicClient, createWalletClient, custom, http, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import type { Connector } from "wagmi";
import type { PublicConfig } from "@/lib/config";
import { createTollgateClient, createViemChannelChain, formatTokenAmount, type TollgateClient } from "@/lib/client";
import type { ClientStorage } from "@/lib/client/storage/ClientStorage";
import { describeError } from "./describeError";
import { describeWalletRequest, PROMPT_METHODS } from "./describeWalletRequest";
import type { ProgressSink } from "./progress";

/** How a client pays and funds: the long-lived one that unlocks never opens or tops up on its own. */
export type ClientOptions = {
  permit?: "auto" | "always" | "never";
  /** Name a new session key as the delegate of channels this client opens. */
  sessionKey?: boolean;
  /** Allow `client.topUp` (top-ups by exactly the amount asked). */
  topUp?: boolean;
};

export type ReaderSdk = {
  publicClient: PublicClient;
  walletClient(connector: Connector, address: Address): Promise<WalletClient<Transport, Chain, Account>>;
  makeClient(connector: Connector, address: Address, options: ClientOptions): Promise<TollgateClient>;
};

/**
 * viem's clients and the SDK for the reader's pages. ReaderContext loads this module with
 * `import()` on the first operation that needs the chain or a wallet: viem's decorated clients
 * and the SDK are most of the pages' JavaScript, and a reader who has not connected a wallet
 * needs none of it. `sink` is the running operation's progress report, read at each request.
 */
export function createReaderSdk({
  config,
  chain,
  storage,
  sink,
}: {
  config: PublicConfig;
  chain: Chain;
  storage: () => ClientStorage;
  sink: () => ProgressSink | undefined;
}): ReaderSdk {
  const publicClient = createPublicClient({ chain, transport: http(config.rpcUrl, { retryCount: 1 }) }) as PublicClient;
  let promptId = 0;

  async function walletClient(connector: Connector, address: Address) {
    const provider = (await connector.getProvider()) as { request(args: { method: string; params?: unknown }): Promise<unknown> };
    const transport = custom(
      {
        async request({ method, params }: { method: string; params?: unknown }) {
          const report = sink();
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
      onTransaction: (event) => sink()?.({ type: "transaction", event }),
      scanFromBlock: BigInt(config.deployedAtBlock),
    });
    return createTollgateClient({
      chain: channelChain,
      storage: storage(),
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

  return { publicClient, walletClient, makeClient };
}
