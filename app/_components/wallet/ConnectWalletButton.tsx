"use client";
import { useWalletModal } from "./WalletModalContext";

/** Opens RainbowKit's wallet list (extensions, WalletConnect, and on the local chain the development wallet). */
export function ConnectWalletButton({ children = "Connect a wallet", className = "button primary" }: { children?: string; className?: string }) {
  const { openConnectModal, preload } = useWalletModal();
  return (
    <button type="button" className={className} onClick={openConnectModal} onPointerEnter={preload} onFocus={preload}>
      {children}
    </button>
  );
}
