"use client";
import { useState } from "react";
import type { ChannelRecord } from "@/lib/client";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { describeError, type ReaderError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useProgress } from "../reader/useProgress";
import { useReaderActions } from "../reader/useReaderActions";
import { ErrorNotice } from "../ui/ErrorNotice";
import { TransactionSteps } from "../ui/TransactionSteps";
import { useOnSiteChain } from "../wallet/WrongNetworkNotice";
import { formatDuration, useChainClock } from "./useChainClock";

/**
 * A channel closing without the site: the challenge period counting down (the site may still
 * prove a later balance during it), then the button that settles it.
 */
export function SettlePanel({
  record,
  progress: lifted,
  onSettled,
}: {
  record: ChannelRecord;
  /** The parent's progress, to keep the steps on screen once the channel is settled. */
  progress?: ReturnType<typeof useProgress> | undefined;
  onSettled?: (() => void) | undefined;
}) {
  const { config } = useReader();
  const actions = useReaderActions();
  const onSiteChain = useOnSiteChain();
  const clock = useChainClock();
  const own = useProgress();
  const { steps, sink, reset } = lifted ?? own;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();
  const settleTime = record.settleTime;
  const left = settleTime !== undefined && clock !== undefined ? settleTime - clock + 1n : undefined;
  const ready = left !== undefined && left <= 0n;

  async function settle() {
    reset();
    setError(undefined);
    setBusy(true);
    try {
      await actions.settle(record, sink);
      onSettled?.();
    } catch (e) {
      setError(describeError(e, { isLocalChain: config.isLocalChain }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="settle" data-testid="settle-panel">
      <p>
        Closing without the site. It has until the end of the challenge period to show a later payment of yours; then settle to
        get what is left of the deposit back.
      </p>
      <p className="countdown" data-testid="countdown">
        {left === undefined ? (
          "Reading the chain's clock…"
        ) : ready ? (
          <span role="status">The challenge period is over: you can settle now.</span>
        ) : (
          <>
            Challenge period ends in <strong>{formatDuration(left)}</strong>
            {settleTime !== undefined && <> (at {new Date(Number(settleTime) * 1000).toLocaleString()})</>}.
          </>
        )}
      </p>
      <p className="field-hint">
        The site is owed {formatTokenAmount(record.signed && record.signed.balance > record.balance ? record.signed.balance : record.balance, config.tokenUnit)} of the{" "}
        {formatTokenAmount(record.deposit, config.tokenUnit)} deposit.
      </p>
      <button type="button" className="button primary" disabled={!ready || busy || !onSiteChain} onClick={() => void settle()}>
        {busy ? "Settling…" : "Settle"}
      </button>
      <TransactionSteps steps={steps} label="Settle progress" />
      {error && <ErrorNotice error={error} onRetry={() => void settle()} />}
    </div>
  );
}
