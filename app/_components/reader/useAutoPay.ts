"use client";
import { useMemo, useSyncExternalStore } from "react";
import { parseAutoPay, readAutoPayText, subscribeAutoPay, writeAutoPay, type AutoPaySettings } from "./autoPay";

/** The auto-pay settings of this browser, live across components and tabs. */
export function useAutoPay(): [AutoPaySettings, (settings: AutoPaySettings) => void] {
  const text = useSyncExternalStore(subscribeAutoPay, readAutoPayText, () => null);
  const settings = useMemo(() => parseAutoPay(text), [text]);
  return [settings, writeAutoPay];
}
