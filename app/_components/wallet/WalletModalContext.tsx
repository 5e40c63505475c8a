"use client";
import { createContext, lazy, Suspense, use, useCallback, useMemo, useState, type ReactNode } from "react";

export type ModalRequest = { id: number; kind: "connect" | "account" };

type WalletModal = {
  /** Opens RainbowKit's wallet list (loading RainbowKit first, the first time). */
  openConnectModal(): void;
  /** Opens RainbowKit's account modal (address, disconnect). */
  openAccountModal(): void;
  /** Starts loading RainbowKit before it is needed (on hover or focus of a button that opens it). */
  preload(): void;
};

const loadModals = () => import("./WalletModals");
const WalletModals = lazy(loadModals);
const WalletModalContext = createContext<WalletModal | null>(null);

export function useWalletModal(): WalletModal {
  const modal = use(WalletModalContext);
  if (!modal) throw new Error("useWalletModal needs <WalletProviders> above it");
  return modal;
}

/** Mounts RainbowKit's modals on first use and passes them each request to open. */
/** `appName`: SITE_NAME, the name RainbowKit shows in its modals. */
export function WalletModalProvider({ appName, children }: { appName: string; children: ReactNode }) {
  const [request, setRequest] = useState<ModalRequest>();
  const ask = useCallback((kind: ModalRequest["kind"]) => setRequest((last) => ({ id: (last?.id ?? 0) + 1, kind })), []);
  const modal = useMemo<WalletModal>(
    () => ({ openConnectModal: () => ask("connect"), openAccountModal: () => ask("account"), preload: () => void loadModals() }),
    [ask],
  );
  return (
    <WalletModalContext value={modal}>
      {children}
      {request && (
        <Suspense fallback={null}>
          <WalletModals request={request} appName={appName} />
        </Suspense>
      )}
    </WalletModalContext>
  );
}
