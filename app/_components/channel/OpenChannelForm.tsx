"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useAccount } from "wagmi";
import { formatAmount, formatTokenAmount } from "@/lib/protocol/amounts";
import { describeError, type ReaderError } from "../reader/describeError";
import { FaucetButton } from "../reader/FaucetButton";
import { useReader } from "../reader/ReaderContext";
import { useProgress } from "../reader/useProgress";
import { useReaderActions } from "../reader/useReaderActions";
import { useTokenBalance } from "../reader/useTokenBalance";
import { AmountField, readAmount } from "../ui/AmountField";
import { ErrorNotice } from "../ui/ErrorNotice";
import { TransactionSteps } from "../ui/TransactionSteps";
import { useOnSiteChain } from "../wallet/WrongNetworkNotice";

/** Whether the token takes EIP-2612 permits, so the channel can open in one transaction. */
function usePermitSupport() {
  const { config, publicClient } = useReader();
  const { address } = useAccount();
  return useQuery({
    queryKey: ["tollgate", "permit", config.token, address],
    enabled: Boolean(address),
    queryFn: async () => {
      // Loaded with the form's first query, not with the page: it brings viem's contract reads.
      const { detectPermit } = await import("@/lib/client/chain/detectPermit");
      return Boolean(await detectPermit(await publicClient(), config.token, address!));
    },
    staleTime: Infinity,
  });
}

/**
 * Opens the reader's channel: a deposit they choose (ten articles by default), opened in one
 * transaction with a permit where the token supports it, else approve + create; and by default
 * a session key named as the channel's delegate, so that articles are paid without prompts.
 */
export function OpenChannelForm({
  suggestedDeposit,
  price,
  progress: lifted,
}: {
  suggestedDeposit: bigint;
  price?: bigint | undefined;
  /** The parent's progress, to keep the steps (and hashes) on screen once the channel is open. */
  progress?: ReturnType<typeof useProgress> | undefined;
}) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const actions = useReaderActions();
  const onSiteChain = useOnSiteChain();
  const permitSupport = usePermitSupport();
  const balance = useTokenBalance();
  const own = useProgress();
  const { steps, sink, reset } = lifted ?? own;
  const [text, setText] = useState(() => formatAmount(suggestedDeposit, unit.decimals));
  const [method, setMethod] = useState<"permit" | "approve" | undefined>(undefined);
  const [sessionKey, setSessionKey] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();

  const parsed = readAmount(text, unit);
  const deposit = "amount" in parsed ? parsed.amount : undefined;
  const permit = permitSupport.data === true;
  const chosen = method ?? (permit ? "permit" : "approve");
  const tooPoor = deposit !== undefined && balance.data !== undefined && balance.data < deposit;
  const articles = deposit !== undefined && price ? deposit / price : undefined;

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (deposit === undefined || busy) return;
    reset();
    setError(undefined);
    setBusy(true);
    try {
      await actions.openChannel(deposit, { permit: chosen === "permit", sessionKey }, sink);
    } catch (e) {
      setError(describeError(e, { isLocalChain: config.isLocalChain }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="open-channel" onSubmit={submit} aria-labelledby="open-channel-title" data-testid="open-channel">
      <h3 id="open-channel-title">Open a channel</h3>
      <p>
        Your deposit stays yours until you spend it: each article takes its price from it, and closing the channel returns the
        rest.
      </p>
      <AmountField
        name="deposit"
        label="Deposit"
        value={text}
        onChange={setText}
        unit={unit}
        error={"error" in parsed ? parsed.error : tooPoor ? `You hold ${formatTokenAmount(balance.data!, unit)}, less than this deposit.` : undefined}
        hint={[
          articles !== undefined ? `Enough for ${articles} article${articles === 1n ? "" : "s"} at this price.` : undefined,
          balance.data !== undefined ? `You hold ${formatTokenAmount(balance.data, unit)}.` : undefined,
        ]
          .filter(Boolean)
          .join(" ")}
      />
      {tooPoor && <FaucetButton />}

      <fieldset className="choices">
        <legend>How to open it</legend>
        {permitSupport.isPending ? (
          <p className="field-hint">Checking whether the token supports one-transaction opening…</p>
        ) : (
          <>
            {permit && (
              <label className="choice">
                <input type="radio" name="method" value="permit" checked={chosen === "permit"} onChange={() => setMethod("permit")} />
                <span>
                  <strong>One transaction</strong> (sign a permit, then open)
                </span>
              </label>
            )}
            <label className="choice">
              <input type="radio" name="method" value="approve" checked={chosen === "approve"} onChange={() => setMethod("approve")} />
              <span>
                <strong>Two transactions</strong> (approve the deposit, then open)
              </span>
            </label>
            {!permit && <p className="field-hint">This token does not support permits, so opening takes two transactions.</p>}
          </>
        )}
      </fieldset>

      <label className="choice">
        <input type="checkbox" name="sessionKey" checked={sessionKey} onChange={(event) => setSessionKey(event.target.checked)} />
        <span>
          <strong>Pay without wallet prompts.</strong> This browser makes a session key that may sign payments from this channel
          (and only to this site). Untick to sign every article in your wallet.
        </span>
      </label>

      <button type="submit" className="button primary" disabled={busy || deposit === undefined || tooPoor || !onSiteChain}>
        {busy ? "Opening…" : deposit !== undefined ? `Open with ${formatTokenAmount(deposit, unit)}` : "Open the channel"}
      </button>
      <TransactionSteps steps={steps} label="Opening progress" />
      {error && <ErrorNotice error={error} onRetry={() => void submit()} />}
    </form>
  );
}
