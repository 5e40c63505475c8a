"use client";
import { FaucetButton } from "../reader/FaucetButton";
import type { ReaderError } from "../reader/describeError";
import { ConnectWalletButton } from "../wallet/ConnectWalletButton";
import { SwitchNetworkButton } from "../wallet/SwitchNetworkButton";

/** An error the reader can act on: what happened, in words, and the buttons that may fix it. */
export function ErrorNotice({ error, onRetry, retryLabel = "Try again" }: { error: ReaderError; onRetry?: (() => void) | undefined; retryLabel?: string }) {
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <strong>{error.title}</strong>
      <p>{error.detail}</p>
      {error.actions.length > 0 && (
        <div className="actions">
          {error.actions.includes("switch-network") && <SwitchNetworkButton />}
          {error.actions.includes("faucet") && <FaucetButton />}
          {error.actions.includes("connect") && <ConnectWalletButton />}
          {error.actions.includes("retry") && onRetry && (
            <button type="button" className="button" onClick={onRetry}>
              {retryLabel}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
