"use client";
import { useState } from "react";
import { createSiweMessage } from "viem/siwe";
import { useAccount, useSignMessage } from "wagmi";
import { useMounted } from "../../_components/ui/useMounted";
import { ConnectWalletButton } from "../../_components/wallet/ConnectWalletButton";

type Problem = { detail?: string; title?: string };

/**
 * Sign-in with Ethereum for publishers: the server hands out a single-use nonce and the domain
 * and chain the message must name; the wallet signs the EIP-4361 message; the server checks it
 * and that the address is a publisher, and sets the session cookie (HTTP-only: this code never
 * sees it). Then the page loads again, signed in.
 */
export function SignIn({ refused }: { refused?: string | undefined }) {
  const mounted = useMounted();
  const { address, isConnected } = useAccount();
  const { signMessageAsync } = useSignMessage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(refused);

  async function signIn() {
    if (!address) return;
    setBusy(true);
    setError(undefined);
    try {
      const fields = await fetch("/api/admin/nonce", { method: "POST" }).then((r) => r.json() as Promise<{ nonce: string; domain: string; uri: string; chainId: number }>);
      const message = createSiweMessage({ ...fields, address, version: "1", statement: "Sign in to the publisher's admin of this Tollgate site.", issuedAt: new Date() });
      const signature = await signMessageAsync({ message });
      const response = await fetch("/api/admin/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message, signature }) });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as Problem;
        setError(problem.detail ?? problem.title ?? `Sign-in failed (${response.status}).`);
        return;
      }
      // A full load, not router.refresh(): the 401 page is an error boundary that a refresh keeps showing.
      window.location.reload();
    } catch (cause) {
      const e = cause as { name?: string; shortMessage?: string; message?: string };
      setError(e.name === "UserRejectedRequestError" ? "You declined in your wallet: nothing was signed." : (e.shortMessage ?? e.message ?? "Sign-in failed."));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Publisher sign-in</h2>
      <p>Sign a message with the publisher&apos;s wallet to manage articles, channels and earnings. Signing costs nothing and sends no transaction.</p>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="sign-in-error">
          <p>{error}</p>
        </div>
      )}
      <div className="actions">
        {!mounted ? null : isConnected && address ? (
          <button type="button" className="button primary" onClick={signIn} disabled={busy} data-testid="sign-in">
            {busy ? "Check your wallet…" : "Sign in with Ethereum"}
          </button>
        ) : (
          <ConnectWalletButton />
        )}
      </div>
    </section>
  );
}
