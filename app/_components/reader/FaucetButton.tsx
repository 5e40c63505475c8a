"use client";
import { useState } from "react";
import { TransactionSteps } from "../ui/TransactionSteps";
import { describeError, type ReaderError } from "./describeError";
import { useReader } from "./ReaderContext";
import { useProgress } from "./useProgress";
import { useReaderActions } from "./useReaderActions";

/** Local chain only: gets test tokens from the demo token's faucet. */
export function FaucetButton() {
  const { config } = useReader();
  const actions = useReaderActions();
  const { steps, sink, reset } = useProgress();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();
  if (!config.isLocalChain) return null;
  return (
    <div className="faucet">
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={async () => {
          reset();
          setError(undefined);
          setBusy(true);
          try {
            await actions.faucet(sink);
          } catch (e) {
            setError(describeError(e, { isLocalChain: true }));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? "Getting test tokens…" : `Get 100 test ${config.tokenUnit.symbol}`}
      </button>
      <TransactionSteps steps={steps} label="Faucet progress" />
      {error && (
        <p className="field-error" role="alert">
          {error.title}: {error.detail}
        </p>
      )}
    </div>
  );
}
