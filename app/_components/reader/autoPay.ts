/**
 * Auto-pay: unlock articles up to a chosen price without a click, until a total budget is spent.
 * Kept in this browser (localStorage), like the session key that makes it prompt-free.
 */
export type AutoPaySettings = {
  enabled: boolean;
  /** The most one article may cost to be unlocked without a click (base units). */
  maxPrice: bigint;
  /** The most auto-pay may spend in total (base units). */
  budget: bigint;
  /** What auto-pay has spent so far against `budget`. */
  spent: bigint;
};

export type AutoPayDecision = { pay: true } | { pay: false; reason: "off" | "price" | "budget" };

/**
 * Whether to unlock an article of `price` now without a click. At most the budget is ever
 * spent: an article that would cross it is left for the reader to click.
 *
 * @example
 * autoPayDecision({ enabled: true, maxPrice: 50n, budget: 100n, spent: 90n }, 20n) // { pay: false, reason: "budget" }
 */
export function autoPayDecision(settings: AutoPaySettings, price: bigint): AutoPayDecision {
  if (!settings.enabled) return { pay: false, reason: "off" };
  if (price > settings.maxPrice) return { pay: false, reason: "price" };
  if (settings.spent + price > settings.budget) return { pay: false, reason: "budget" };
  return { pay: true };
}

const KEY = "tollgate.autopay.v1";
const CHANGED = "tollgate:autopay";

export const AUTO_PAY_OFF: AutoPaySettings = { enabled: false, maxPrice: 0n, budget: 0n, spent: 0n };

/** Parses stored settings; anything unreadable reads as off. */
export function parseAutoPay(text: string | null): AutoPaySettings {
  if (!text) return AUTO_PAY_OFF;
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const amount = (value: unknown) => (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value) ? BigInt(value) : 0n);
    return { enabled: raw.enabled === true, maxPrice: amount(raw.maxPrice), budget: amount(raw.budget), spent: amount(raw.spent) };
  } catch {
    return AUTO_PAY_OFF;
  }
}

export function serializeAutoPay(settings: AutoPaySettings): string {
  return JSON.stringify({
    enabled: settings.enabled,
    maxPrice: settings.maxPrice.toString(),
    budget: settings.budget.toString(),
    spent: settings.spent.toString(),
  });
}

/** The stored text (a string, so that useSyncExternalStore can compare snapshots). */
export function readAutoPayText(): string | null {
  return localStorage.getItem(KEY);
}

export function writeAutoPay(settings: AutoPaySettings): void {
  localStorage.setItem(KEY, serializeAutoPay(settings));
  window.dispatchEvent(new Event(CHANGED));
}

/**
 * Holds `price` against the budget before an automatic unlock, reading the settings afresh (a
 * second tab may have spent meanwhile), so that auto-pay never spends past the budget. False
 * when the settings no longer allow it.
 */
export function reserveAutoPay(price: bigint): boolean {
  const settings = parseAutoPay(readAutoPayText());
  if (!autoPayDecision(settings, price).pay) return false;
  writeAutoPay({ ...settings, spent: settings.spent + price });
  return true;
}

/** Settles a hold: gives back what the unlock did not cost (all of it when it failed). */
export function settleAutoPay(price: bigint, cost: bigint): void {
  if (cost >= price) return;
  const settings = parseAutoPay(readAutoPayText());
  const refund = price - cost;
  writeAutoPay({ ...settings, spent: settings.spent > refund ? settings.spent - refund : 0n });
}

/** Calls `onChange` when the settings change in this tab or another. */
export function subscribeAutoPay(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => event.key === KEY && onChange();
  window.addEventListener(CHANGED, onChange);
  window.addEventListener("storage", onStorage);
  return () => {
    window.removeEventListener(CHANGED, onChange);
    window.removeEventListener("storage", onStorage);
  };
}
