import type { Wallet } from "@rainbow-me/rainbowkit";
import type { Chain, Hex } from "viem";
import { createConnector } from "wagmi";
import { injected } from "wagmi/connectors";
import { createDevProvider } from "./createDevProvider";

const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0b6e4f"/><path d="M8 11h16v3h-6.5v10h-3V14H8z" fill="#fff"/></svg>',
  );

/**
 * RainbowKit's entry for the development wallet: wagmi's injected connector pointed at
 * {@link createDevProvider}, so that the rest of the page treats it exactly as an extension.
 * Callers add it to the wallet list on the local chain only.
 */
export function devWallet({ privateKey, chain }: { privateKey: Hex; chain: Chain }): () => Wallet {
  // One provider per page: wagmi may build the connector more than once.
  let dev: ReturnType<typeof createDevProvider> | undefined;
  const target = () => {
    dev ??= createDevProvider({ privateKey, chain });
    return { id: "tollgateDevWallet", name: "Development wallet", provider: dev.provider as never };
  };
  return () => ({
    id: "tollgateDevWallet",
    name: "Development wallet",
    shortName: "Dev wallet",
    iconUrl: ICON,
    iconBackground: "#0b6e4f",
    installed: true,
    createConnector: (walletDetails) => createConnector((config) => ({ ...injected({ target, shimDisconnect: true })(config), ...walletDetails })),
  });
}
