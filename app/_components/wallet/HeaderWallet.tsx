"use client";
import { useAccount } from "wagmi";
import { useReader } from "../reader/ReaderContext";
import { useMounted } from "../ui/useMounted";
import { ConnectWalletButton } from "./ConnectWalletButton";
import { useWalletModal } from "./WalletModalContext";

/**
 * The header's wallet button: "Connect wallet", or the connected account (and a warning when
 * the wallet is on another network), opening RainbowKit's modals. Rendered only in the browser,
 * since the server knows no wallet.
 */
export function HeaderWallet() {
  const mounted = useMounted();
  const { config } = useReader();
  const { address, status, chainId } = useAccount();
  const { openAccountModal, preload } = useWalletModal();
  if (!mounted || status === "reconnecting" || status === "connecting") return <span className="wallet-placeholder" aria-hidden="true" />;
  if (status !== "connected" || !address) return <ConnectWalletButton className="button primary small">Connect wallet</ConnectWalletButton>;
  const wrongChain = chainId !== config.chainId;
  return (
    <button
      type="button"
      className={`button small account${wrongChain ? " wrong-chain" : ""}`}
      onClick={openAccountModal}
      onPointerEnter={preload}
      onFocus={preload}
      aria-label={`Wallet ${address}${wrongChain ? ", on another network" : ""}: account details`}
      data-testid="account-button"
    >
      {wrongChain && <span className="badge-warn">Wrong network</span>}
      <span>{`${address.slice(0, 6)}…${address.slice(-4)}`}</span>
    </button>
  );
}
