"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False during the server render and hydration, true after: wallet state (accounts, channels
 * in localStorage) exists only in the browser, so rendering it before this would make the
 * client's first render differ from the server's HTML (React error #418).
 */
export function useMounted(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
