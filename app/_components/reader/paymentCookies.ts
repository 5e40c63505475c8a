import { clearPaymentCookies, decodePaymentCookies, encodePaymentCookies, type Payment } from "@/lib/protocol/payment";

/** Long enough to re-read for a month; the proof itself never expires while its channel is open. */
const MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** `Secure` only where the page itself is https: browsers other than Chromium drop it on http. */
const attributes = () => ({ secure: location.protocol === "https:" });

/**
 * Stores the channel's latest accepted proof as the payment cookies, so that the page's own
 * requests (a reload, a link) carry it through the gate: an article already bought is served
 * free, one not bought yet gets the paywall. A proof that raises nothing can never buy anything.
 */
export function setPaymentCookies(payment: Payment): void {
  for (const cookie of encodePaymentCookies(payment, { ...attributes(), maxAgeSeconds: MAX_AGE_SECONDS })) document.cookie = cookie;
}

/** Deletes the payment cookies (their channel is closed, or the wallet changed). */
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
