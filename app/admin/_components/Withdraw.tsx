"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { withdraw } from "../actions";

type Progress = { id: number; status: "queued" | "sent" | "mined" | "confirmed" | "failed"; hash: string | null; error: string | null; channelId: number | null };
const done = (t: Progress) => t.status === "confirmed" || t.status === "failed";
const POLL_MS = 1000;

/**
 * Withdraws from one channel (`channelId`) or all, then follows each transaction the receiver's
 * sender handles (queued → sent → mined → confirmed, or failed) by polling until all are done.
 */
export function Withdraw({ channelId, label }: { channelId?: number; label: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [ids, setIds] = useState<number[] | null>(null);
  const [progress, setProgress] = useState<Progress[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!ids || ids.length === 0) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch(`/api/admin/transactions?ids=${ids.join(",")}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const { transactions } = (await response.json()) as { transactions: Progress[] };
        if (stopped) return;
        setProgress(transactions);
        setError(null);
        if (transactions.length > 0 && transactions.every(done)) {
          router.refresh();
          return;
        }
      } catch (cause) {
        if (!stopped) setError(`Could not read the progress (${(cause as Error).message}); retrying.`);
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ids, router]);

  const start = () =>
    startTransition(async () => {
      setProgress([]);
      const { transactionIds } = await withdraw(channelId === undefined ? null : [channelId]);
      setIds(transactionIds);
    });

  return (
    <div className="withdraw">
      <button type="button" className="button small" disabled={pending} onClick={start} data-testid={channelId === undefined ? "withdraw-all" : `withdraw-${channelId}`}>
        {pending ? "Requesting…" : label}
      </button>
      {ids?.length === 0 && <p className="field-hint" role="status">Nothing to withdraw: every payment received is withdrawn or already on its way.</p>}
      {progress.length > 0 && (
        <ul className="tx-progress" aria-live="polite" data-testid="withdraw-progress">
          {progress.map((t) => (
            <li key={t.id} className={`tx tx-${t.status}`} data-status={t.status}>
              Withdrawal #{t.id}: <strong>{t.status}</strong>
              {t.hash && <code className="hash"> {t.hash.slice(0, 12)}…</code>}
              {t.error && <span className="field-error"> {t.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
