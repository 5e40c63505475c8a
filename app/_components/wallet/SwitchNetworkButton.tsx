"use client";
import { useSwitchChain } from "wagmi";
import { useReader } from "../reader/ReaderContext";
import { describeError } from "../reader/describeError";

/** Asks the wallet to switch to the site's chain (adding it first if the wallet does not know it). */
export function SwitchNetworkButton() {
  const { config } = useReader();
  const { switchChain, isPending, error } = useSwitchChain();
  return (
    <>
      <button type="button" className="button primary" disabled={isPending} onClick={() => switchChain({ chainId: config.chainId })}>
        {isPending ? "Switching…" : `Switch to ${config.chainName}`}
      </button>
      {error && <p className="field-error" role="alert">{describeError(error).title}: {describeError(error).detail}</p>}
    </>
  );
}
