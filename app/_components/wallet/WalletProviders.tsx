"use client";
import "../zodWithoutEval";
import { injectedWallet, walletConnectWallet } from "@rainbow-me/rainbowkit/wallets";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { createConfig, http, WagmiProvider } from "wagmi";
import type { PublicConfig } from "@/lib/config";
import { PaymentCookieSync } from "../reader/PaymentCookieSync";
import { ReaderProvider } from "../reader/ReaderContext";
import { chainOf } from "./chainOf";
import { devWallet } from "./devWallet";
import { WalletModalProvider } from "./WalletModalContext";
import { walletConnectors } from "./walletConnectors";

/**
 * Whether `window.ethereum` is also announced over EIP-6963. wagmi then has a connector for it
 * already (listed under "Installed", by name), and RainbowKit's generic "Browser Wallet" would be
 * a second connector on the same provider: both listen to its `accountsChanged`, so connecting
 * one raced the other, and on a slow machine the page could end up with the other connector's
 * connection and a status stuck at "connecting" (the account button never showing). Wallets
 * answer the request synchronously (EIP-6963's reference behaviour); one that answers later
 * keeps the generic entry, as before.
 */
function ethereumIsAnnounced(): boolean {
  if (typeof window === "undefined") return false;
  const ethereum = (window as { ethereum?: unknown }).ethereum;
  if (!ethereum) return false;
  let announced = false;
  const onAnnounce = (event: Event) => {
    if ((event as CustomEvent<{ provider?: unknown }>).detail?.provider === ethereum) announced = true;
  };
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  window.removeEventListener("eip6963:announceProvider", onAnnounce);
  return announced;
}

/**
 * wagmi's config for the one chain the site takes payments on. The wallet list is small on
 * purpose (every wallet is code the article page sends): wallets that announce themselves over
 * EIP-6963 (MetaMask and most extensions) appear under "Installed" anyway; WalletConnect covers
 * phones. The development wallet is added on the local chain only: its key is Hardhat's public
 * one, and on any other chain it must not exist.
 */
function createWagmiConfig(config: PublicConfig) {
  const chain = chainOf(config);
  // WalletConnect only with a real project id: with a placeholder it cannot connect anyway,
  // and its client (~200 kB gzipped) would load on every page.
  const projectId = config.walletConnectProjectId;
  const metadata = { name: "Tollgate", description: "Pay-per-article reading", url: typeof window === "undefined" ? "" : window.location.origin, icons: [] };
  const wallets = [
    ...(ethereumIsAnnounced() ? [] : [injectedWallet()]),
    ...(projectId ? [walletConnectWallet({ projectId, options: { metadata } })] : []),
  ];
  const groups = [{ groupName: "Wallets", wallets }];
  if (config.isLocalChain && config.devWallet) {
    groups.unshift({ groupName: "No wallet? Try it on the local chain", wallets: [devWallet({ privateKey: config.devWallet.privateKey, chain })()] });
  }
  const connectors = walletConnectors(groups);
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: http(config.rpcUrl) },
    // Reconnecting waits for the first render in the browser, so the server's HTML (no wallet)
    // and the first client render agree (TOOLCHAIN.md: hydration error #418 otherwise).
    ssr: true,
  });
}

/** Everything wallet-related for the pages under it: wagmi, React Query, RainbowKit's modals (loaded on first use), the reader's SDK. */
export function WalletProviders({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const [state] = useState(() => ({
    wagmi: createWagmiConfig(config),
    queryClient: new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  }));
  return (
    <WagmiProvider config={state.wagmi}>
      <QueryClientProvider client={state.queryClient}>
        <WalletModalProvider>
          <ReaderProvider config={config}>
            <PaymentCookieSync />
            {children}
          </ReaderProvider>
        </WalletModalProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
