"use client";
import { useAccount } from "wagmi";
import { useReader } from "../reader/ReaderContext";
import { SwitchNetworkButton } from "./SwitchNetworkButton";

/** Whether the connected wallet is on the site's chain (true while disconnected: nothing to switch). */
export function useOnSiteChain(): boolean {
  const { config } = useReader();
  const { chainId, status } = useAccount();
  return status !== "connected" || chainId === config.chainId;
}

/** Says which network the wallet is on, and offers to switch; nothing when it is on the right one. */
export function WrongNetworkNotice() {
  const { config } = useReader();
  const { chainId, status } = useAccount();
  if (status !== "connected" || chainId === config.chainId) return null;
  return (
    <div className="notice notice-warning" role="alert" data-testid="wrong-network">
      <strong>Your wallet is on another network</strong>
      <p>
        It is on chain {chainId}; this site takes payments on {config.chainName} (chain {config.chainId}). Switch networks to open,
        fund or close a channel.
      </p>
      <SwitchNetworkButton />
    </div>
  );
}
