"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { channelManagerAbi } from "@/lib/chain/abis.generated";
import type { ChannelRecord } from "@/lib/client";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { describeError, type ReaderError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useProgress } from "../reader/useProgress";
import { useReaderActions } from "../reader/useReaderActions";
import { ErrorNotice } from "../ui/ErrorNotice";
import { TransactionSteps } from "../ui/TransactionSteps";
import { useOnSiteChain } from "../wallet/WrongNetworkNotice";
import { formatDuration } from "./useChainClock";

/** The contract's challenge period, in seconds, to say how long closing alone takes. */
function useChallengePeriod() {
  const { config, publicClient } = useReader();
  return useQuery({
    queryKey: ["tollgate", "challenge-period", config.channelManager],
    queryFn: async () => (await publicClient()).readContract({ address: config.channelManager, abi: channelManagerAbi, functionName: "challengePeriod" }),
    staleTime: Infinity,
  });
}

export type Mode = "cooperative" | "alone";

/**
 * Both ways out of a channel, each behind a confirmation: with the site (its closing signature,
 * then one transaction; the rest comes back at once), or alone (a transaction that starts the
 * challenge period, then settle).
 */
export function CloseChannel({
  record,
  progress: lifted,
  onClosed,
}: {
  record: ChannelRecord;
  /** The parent's progress, to keep the steps on screen once the channel has moved on. */
  progress?: ReturnType<typeof useProgress> | undefined;
  onClosed?: ((mode: Mode) => void) | undefined;
}) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const actions = useReaderActions();
  const onSiteChain = useOnSiteChain();
  const period = useChallengePeriod();
  const own = useProgress();
  const { steps, sink, reset } = lifted ?? own;
  const [confirming, setConfirming] = useState<Mode>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();
  const [lastMode, setLastMode] = useState<Mode>("cooperative");
  const refund = record.deposit - record.balance;

  async function close(mode: Mode) {
    reset();
    setError(undefined);
    setBusy(true);
    setLastMode(mode);
    try {
      if (mode === "cooperative") await actions.closeCooperatively(record, sink);
      else await actions.closeAlone(record, sink);
      setConfirming(undefined);
      onClosed?.(mode);
    } catch (e) {
      setError(describeError(e, { isLocalChain: config.isLocalChain }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="close-channel" data-testid="close-channel">
      <h3>Close the channel</h3>
      {confirming === undefined ? (
        <div className="actions">
          <button type="button" className="button" disabled={busy || !onSiteChain} onClick={() => setConfirming("cooperative")}>
            Close with the site
          </button>
          <button type="button" className="button" disabled={busy || !onSiteChain} onClick={() => setConfirming("alone")}>
            Close without the site
          </button>
        </div>
      ) : (
        <div className="confirm" role="group" aria-label="Confirm closing">
          <p>
            {confirming === "cooperative"
              ? `Asks the site for its closing signature, then submits it in one transaction: ${formatTokenAmount(refund, unit)} comes back to you at once.`
              : `For when the site does not answer. One transaction starts a challenge period${period.data !== undefined ? ` of ${formatDuration(period.data)}` : ""}, during which the site may show a later payment; then you settle to get what is left back.`}
          </p>
          <div className="actions">
            <button type="button" className="button primary" disabled={busy} onClick={() => void close(confirming)}>
              {busy ? "Closing…" : confirming === "cooperative" ? `Close and get ${formatTokenAmount(refund, unit)} back` : "Start closing alone"}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setConfirming(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <TransactionSteps steps={steps} label="Closing progress" />
      {error && <ErrorNotice error={error} onRetry={() => void close(lastMode)} />}
    </div>
  );
}
