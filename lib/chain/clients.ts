// The receiver's chain client, one per process.
import "server-only";
import { createPublicClient, defineChain, http, type PublicClient } from "viem";
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
