"use client";
import type { Step } from "../reader/progress";
import { useReader } from "../reader/ReaderContext";

function statusText(step: Step): string {
  switch (step.status) {
    case "wallet":
      return step.kind === "signature" ? "Waiting for your signature in the wallet…" : "Waiting for you to confirm in the wallet…";
    case "sent":
      return "Sent, waiting to be mined…";
    case "confirming":
      return `Confirming ${step.confirmations ?? 0}/${step.required ?? 1}…`;
    case "confirmed":
      return step.block === undefined ? "Confirmed" : `Confirmed in block ${step.block}`;
    case "signed":
      return "Signed";
    case "failed":
      return `Failed: ${step.error ?? "unknown reason"}`;
  }
}

/** A transaction hash: a link to the chain's explorer when the site names one, else the full hash to copy. */
export function TransactionHash({ hash }: { hash: string }) {
  const { config } = useReader();
  const short = `${hash.slice(0, 10)}…${hash.slice(-8)}`;
  if (config.explorerUrl) {
    return (
      <a href={`${config.explorerUrl}/tx/${hash}`} target="_blank" rel="noreferrer" className="hash">
        {short}
      </a>
    );
  }
  return (
    <code className="hash" title={hash}>
      {hash}
    </code>
  );
}

/** Every wallet request of an operation and where it stands; announced to screen readers as it changes. */
export function TransactionSteps({ steps, label = "Progress" }: { steps: Step[]; label?: string }) {
  if (steps.length === 0) return null;
  return (
    <ol className="steps" aria-label={label} aria-live="polite" data-testid="transaction-steps">
      {steps.map((step) => (
        <li key={step.id} className={`step step-${step.status}`} data-status={step.status}>
          <span className="step-label">{step.label}</span>
          <span className="step-status">{statusText(step)}</span>
          {step.hash && <TransactionHash hash={step.hash} />}
        </li>
      ))}
    </ol>
  );
}
