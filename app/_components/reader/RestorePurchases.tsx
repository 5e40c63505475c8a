"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { createSiweMessage } from "viem/siwe";
import { useAccount, useSignMessage } from "wagmi";
import { useMounted } from "../ui/useMounted";

/**
 * "Restore purchases": on a new browser, one EIP-4361 signature signs the connected reader in,
 * and the server's answer sets the access token cookie (HttpOnly) that re-reads everything the
 * address bought. No payment, no transaction.
 */
export function RestorePurchases() {
  const mounted = useMounted();
  const { address, chainId } = useAccount();
  const { signMessageAsync } = useSignMessage();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [state, setState] = useState<"idle" | "signing" | "done" | "failed">("idle");
  if (!mounted || !address || !chainId) return null;

  async function restore() {
    setState("signing");
    try {
      const { nonce } = (await (await fetch("/api/reader/nonce", { method: "POST" })).json()) as { nonce: string };
      const message = createSiweMessage({ address: address!, chainId: chainId!, domain: location.host, nonce, uri: location.origin, version: "1", statement: "Restore my purchases on this site." });
      const signature = await signMessageAsync({ message });
      const answer = await fetch("/api/reader/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature }) });
      if (!answer.ok) throw new Error(`sign-in refused: ${answer.status}`);
      setState("done");
      // The pages and the channel list read the new cookie.
      await queryClient.invalidateQueries({ queryKey: ["tollgate", "channels"] });
      router.refresh();
    } catch {
      setState("failed");
    }
  }

  return (
    <button type="button" className="restore-purchases" data-testid="restore-purchases" disabled={state === "signing"} onClick={() => void restore()}>
      {state === "done" ? "Purchases restored" : state === "failed" ? "Restore purchases (failed, try again)" : "Restore purchases"}
    </button>
  );
}
