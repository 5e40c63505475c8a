"use client";
import { useState, type FormEvent } from "react";
import type { ChannelRecord } from "@/lib/client";
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

/** Adds to the channel's deposit (approve, then top up), by an amount the reader chooses. */
export function TopUpForm({ record, suggested, title = "Top up" }: { record: ChannelRecord; suggested: bigint; title?: string }) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const actions = useReaderActions();
  const onSiteChain = useOnSiteChain();
  const balance = useTokenBalance();
  const { steps, sink, reset } = useProgress();
  const [text, setText] = useState(() => formatAmount(suggested, unit.decimals));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();
  const [done, setDone] = useState<bigint>();
  const parsed = readAmount(text, unit);
  const amount = "amount" in parsed ? parsed.amount : undefined;
  const tooPoor = amount !== undefined && balance.data !== undefined && balance.data < amount;

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (amount === undefined || busy) return;
    reset();
    setError(undefined);
    setDone(undefined);
    setBusy(true);
    try {
      const updated = await actions.topUp(record, amount, sink);
      setDone(updated.deposit);
    } catch (e) {
      setError(describeError(e, { isLocalChain: config.isLocalChain }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="top-up" onSubmit={submit} data-testid="top-up">
      <h3>{title}</h3>
      <AmountField
        name="topUp"
        label="Add to the deposit"
        value={text}
        onChange={setText}
        unit={unit}
        error={"error" in parsed ? parsed.error : tooPoor ? `You hold ${formatTokenAmount(balance.data!, unit)}, less than this.` : undefined}
        hint={balance.data !== undefined ? `You hold ${formatTokenAmount(balance.data, unit)}.` : undefined}
      />
      {tooPoor && <FaucetButton />}
      <button type="submit" className="button primary" disabled={busy || amount === undefined || tooPoor || !onSiteChain}>
        {busy ? "Topping up…" : amount !== undefined ? `Top up by ${formatTokenAmount(amount, unit)}` : "Top up"}
      </button>
      <TransactionSteps steps={steps} label="Top-up progress" />
      {done !== undefined && (
        <p className="notice notice-success" role="status">
          Topped up: the deposit is now {formatTokenAmount(done, unit)}.
        </p>
      )}
      {error && <ErrorNotice error={error} onRetry={() => void submit()} />}
    </form>
  );
}
