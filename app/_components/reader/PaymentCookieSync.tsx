"use client";
import { useEffect } from "react";
import { useAccountEffect } from "wagmi";
import { clearPaymentCookiesNow, readPaymentCookies } from "./paymentCookies";

/**
 * Drops payment cookies an earlier version of the pages left (the channel's stored proof): that
 * proof is public, so the gate re-reads nothing with it (the access token does, docs/protocol.md
 * "Entitlements"), and the browser would send it along with the SDK's own requests, where the
 * gate refuses it as stale. Disconnecting signs the reader out of their purchases (a shared
 * computer): the access token's HttpOnly cookie, which only the server can clear.
 */
export function PaymentCookieSync() {
  useEffect(() => {
    if (readPaymentCookies()) clearPaymentCookiesNow();
  }, []);
  useAccountEffect({
    onDisconnect: () => {
      clearPaymentCookiesNow();
      void fetch("/api/reader/sign-out", { method: "POST" });
    },
  });
  return null;
}
