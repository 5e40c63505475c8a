import type { Wallet } from "@rainbow-me/rainbowkit";
import type { CreateConnectorFn } from "wagmi";

/**
 * RainbowKit's `connectorsForWallets`, for already-created wallets, without importing
 * RainbowKit's main module: that module is RainbowKit's whole UI in one file (~95 kB gzipped),
 * and importing anything from it at start would send it with every page, while the modals
 * themselves load on first use (WalletModals.tsx). It tags each connector with the `rkDetails`
 * the modals read to list it, exactly as the original does (RainbowKit 2.2).
 */
export function walletConnectors(groups: { groupName: string; wallets: Wallet[] }[]): CreateConnectorFn[] {
  const connectors: CreateConnectorFn[] = [];
  let index = -1;
  for (const [group, { groupName, wallets }] of groups.entries()) {
    for (const wallet of wallets) {
      index++;
      const { createConnector, hidden, ...meta } = wallet;
      if (hidden?.()) continue;
      const details = (extra: Record<string, unknown> = {}) => ({
        rkDetails: Object.fromEntries(
          Object.entries({ ...meta, index, groupIndex: group + 1, groupName, isRainbowKitConnector: true, ...extra }).filter(([, value]) => value !== undefined),
        ),
      });
      // As RainbowKit does: WalletConnect gets a second connector for its own QR modal.
      if (meta.id === "walletConnect") connectors.push(createConnector(details({ isWalletConnectModalConnector: true, showQrModal: true }) as never));
      connectors.push(createConnector(details() as never));
    }
  }
  return connectors;
}
