"use client";
import { useEffect } from "react";
import { useAccount, useAccountEffect } from "wagmi";
import { clearPaymentCookiesNow, readPaymentCookies, setPaymentCookies } from "./paymentCookies";
import { useChannels } from "./useChannels";

/**
 * Keeps the payment cookies on the connected reader's open channel, once its channels are
 * known: set from its latest proof (a recovered channel on a new browser re-reads for free on
 * the next page); dropped when they name a channel that is not the reader's open one (closed:
 * the gate refuses new payments on it; another account's), and when the wallet disconnects.
 */
export function PaymentCookieSync() {
  const { address } = useAccount();
  const channels = useChannels();
  const data = channels.data;
  useEffect(() => {
    if (!data || !address) return;
    const cookie = readPaymentCookies();
    const record = data.current?.record;
    if (record && record.balance > 0n && record.balanceSignature) {
      if (cookie?.openBlock === record.openBlock && cookie.balance >= record.balance && cookie.sender.toLowerCase() === record.sender.toLowerCase()) return;
      setPaymentCookies({ sender: record.sender, receiver: record.receiver, openBlock: record.openBlock, balance: record.balance, balanceSignature: record.balanceSignature });
      return;
    }
    if (!cookie) return;
    const named = cookie.sender.toLowerCase() === address.toLowerCase() ? data.channels.find((c) => c.record.openBlock === cookie.openBlock) : undefined;
    if (named?.record.status !== "open") clearPaymentCookiesNow();
  }, [data, address]);
  // Disconnecting signs the reader out of their purchases too (a shared computer): the payment
  // cookies, and the access token's HttpOnly cookie, which only the server can clear.
  useAccountEffect({
    onDisconnect: () => {
      clearPaymentCookiesNow();
      void fetch("/api/reader/sign-out", { method: "POST" });
    },
  });
  return null;
}
