// The receiver's chain clients, one per process.
import "server-only";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from "viem";
import { getConfig } from "../config";

function chain() {
  const { chainId, rpcUrl } = getConfig();
  return defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

const holder = globalThis as typeof globalThis & { __tollgatePublicClient?: PublicClient };

export function getPublicClient(): PublicClient {
  return (holder.__tollgatePublicClient ??= createPublicClient({ chain: chain(), transport: http(undefined, { retryCount: 1 }) }));
}

/** Signs and sends as the receiver: withdrawals and disputes. */
export function getReceiverWallet() {
  return createWalletClient({ account: getConfig().receiver, chain: chain(), transport: http() });
}
