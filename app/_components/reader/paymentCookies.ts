import { clearPaymentCookies, decodePaymentCookies, type Payment } from "@/lib/protocol/payment";

/** `Secure` only where the page itself is https: browsers other than Chromium drop it on http. */
const attributes = () => ({ secure: location.protocol === "https:" });

/** Deletes the payment cookies (left by an earlier version of the pages, or the wallet disconnected). */
export function clearPaymentCookiesNow(): void {
  for (const cookie of clearPaymentCookies(attributes())) document.cookie = cookie;
}

/** The payment the cookies carry now, or undefined (none, or unreadable). */
export function readPaymentCookies(): Payment | undefined {
  try {
    const found = decodePaymentCookies(document.cookie);
    return found.type === "payment" ? found.payment : undefined;
  } catch {
    return undefined;
  }
}
