"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { TopUpForm } from "../channel/TopUpForm";
import { autoPayDecision, reserveAutoPay, settleAutoPay } from "../reader/autoPay";
import { describeError, type ReaderError } from "../reader/describeError";
import { useReader } from "../reader/ReaderContext";
import { useAutoPay } from "../reader/useAutoPay";
import type { ReaderChannel } from "../reader/useChannels";
import { useProgress } from "../reader/useProgress";
import { useReaderActions, type UnlockedArticle } from "../reader/useReaderActions";
import { ErrorNotice } from "../ui/ErrorNotice";
import { TransactionSteps } from "../ui/TransactionSteps";
import { useOnSiteChain } from "../wallet/WrongNetworkNotice";

export type Unlocked = { article: UnlockedArticle; cost: bigint; auto: boolean; remaining: bigint };

/**
 * The one click: "Unlock for <price>". Signed by the channel's session key when this browser
 * holds it (no prompt), else in the wallet. With auto-pay on, an article within its limits is
 * unlocked at once without the click, on a page the reader reached from this site or on their
 * own (`autoPayAllowed`, decided by the server from the browser's Sec-Fetch-* headers) and not in
 * a frame; one past the limits, or reached from another site, waits for it, saying why.
 */
export function UnlockPanel({
  slug,
  price,
  channel,
  onUnlocked,
  autoPayAllowed,
}: {
  slug: string;
  price: bigint;
  channel: ReaderChannel;
  onUnlocked: (result: Unlocked) => void;
  autoPayAllowed: boolean;
}) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const actions = useReaderActions();
  const onSiteChain = useOnSiteChain();
  const [autoPay] = useAutoPay();
  const { steps, sink, reset } = useProgress();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReaderError>();
  const autoTried = useRef(false);

  const { record, signer } = channel;
  const remaining = record.deposit - record.balance;
  const room = remaining >= price;
  const promptFree = signer === "session-key";
  const decision = autoPayDecision(autoPay, price);
  // A frame is refused by frame-ancestors 'none' already; this holds in a browser without it.
  const topLevel = typeof window !== "undefined" && window.top === window.self;
  const autoAllowed = autoPayAllowed && topLevel;

  const unlock = useCallback(
    async (auto: boolean) => {
      if (auto && !reserveAutoPay(price)) return;
      reset();
      setError(undefined);
      setBusy(true);
      let cost = 0n;
      try {
        const result = await actions.unlock(slug, sink);
        cost = result.cost;
        onUnlocked({ article: result.article, cost: result.cost, auto, remaining: result.remaining ?? remaining - result.cost });
      } catch (e) {
        setError(describeError(e, { isLocalChain: config.isLocalChain }));
      } finally {
        if (auto) settleAutoPay(price, cost);
        setBusy(false);
      }
    },
    [actions, config.isLocalChain, onUnlocked, price, remaining, reset, sink, slug],
  );

  useEffect(() => {
    // Auto-pay never prompts: it needs the session key, and a channel with room.
    if (autoTried.current || !decision.pay || !autoAllowed || !promptFree || !room) return;
    autoTried.current = true;
    void unlock(true);
  }, [decision.pay, autoAllowed, promptFree, room, unlock]);

  if (!room) {
    return (
      <div className="unlock" data-testid="unlock">
        <p>
          Your channel has {formatTokenAmount(remaining, unit)} left, not enough for this article ({formatTokenAmount(price, unit)}).
        </p>
        <TopUpForm record={record} suggested={price * 10n} title="Top up to keep reading" />
      </div>
    );
  }

  const walletBlocked = !promptFree && !onSiteChain;
  return (
    <div className="unlock" data-testid="unlock">
      <button type="button" className="button primary big" disabled={busy || walletBlocked} onClick={() => void unlock(false)}>
        {busy ? "Unlocking…" : `Unlock for ${formatTokenAmount(price, unit)}`}
      </button>
      <p className="field-hint">
        {promptFree
          ? "Paid from your channel and signed by this browser's session key: no wallet prompt."
          : "Paid from your channel: you will sign the payment in your wallet (no transaction, no gas)."}{" "}
        {formatTokenAmount(remaining, unit)} left in the channel.
      </p>
      {autoPay.enabled && !decision.pay && (
        <p className="notice notice-info" role="status" data-testid="auto-pay-stopped">
          {decision.reason === "budget"
            ? `Auto-pay stopped: this article would take it past its budget (${formatTokenAmount(autoPay.spent, unit)} of ${formatTokenAmount(autoPay.budget, unit)} spent). Click to unlock it, or raise the budget on your channel page.`
            : `Auto-pay skipped this article: it costs more than your auto-pay limit of ${formatTokenAmount(autoPay.maxPrice, unit)}.`}
        </p>
      )}
      {autoPay.enabled && decision.pay && !autoAllowed && (
        <p className="notice notice-info" role="status" data-testid="auto-pay-held">
          Auto-pay waits for your click here: you came to this page from another site (or it is shown inside one), and only your
          own visits pay by themselves.
        </p>
      )}
      {autoPay.enabled && decision.pay && autoAllowed && !promptFree && (
        <p className="notice notice-info" role="status">
          Auto-pay only pays with a session key, and this browser does not hold this channel&apos;s key: click to sign in your wallet.
        </p>
      )}
      <TransactionSteps steps={steps} label="Payment progress" />
      {error && <ErrorNotice error={error} onRetry={() => void unlock(false)} />}
    </div>
  );
}
