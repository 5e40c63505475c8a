"use client";
import "@rainbow-me/rainbowkit/styles.css";
import { lightTheme, RainbowKitProvider, useAccountModal, useConnectModal } from "@rainbow-me/rainbowkit";
import { useEffect, useRef } from "react";
import type { ModalRequest } from "./WalletModalContext";

/** Opens the modal a request asks for, once RainbowKit says it can (its openers exist only in the right state). */
function Opener({ request }: { request: ModalRequest }) {
  const { openConnectModal } = useConnectModal();
  const { openAccountModal } = useAccountModal();
  const handled = useRef(0);
  useEffect(() => {
    if (handled.current === request.id) return;
    const open = request.kind === "connect" ? (openConnectModal ?? openAccountModal) : (openAccountModal ?? openConnectModal);
    if (!open) return;
    handled.current = request.id;
    open();
  }, [request, openConnectModal, openAccountModal]);
  return null;
}

/**
 * RainbowKit's modals (wallet list, account), loaded on the first click that needs them: the
 * article page does not send RainbowKit's code to a reader who never opens them.
 */
export default function WalletModals({ request, appName }: { request: ModalRequest; appName: string }) {
  return (
    <RainbowKitProvider theme={lightTheme({ accentColor: "#0b6e4f", borderRadius: "medium" })} modalSize="compact" appInfo={{ appName }}>
      <Opener request={request} />
    </RainbowKitProvider>
  );
}
