import { defineChain, type Chain } from "viem";
import type { PublicConfig } from "@/lib/config";

/** The one chain Tollgate takes payments on, as viem and wagmi describe chains. */
export function chainOf(config: PublicConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    ...(config.explorerUrl ? { blockExplorers: { default: { name: "Explorer", url: config.explorerUrl } } } : {}),
    testnet: config.isLocalChain,
  });
}
