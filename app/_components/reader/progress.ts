import type { Hash } from "viem";
import type { TransactionEvent } from "@/lib/client";

/**
 * What the reader sees of one wallet request: a transaction from "waiting for your wallet" to
 * "confirmed", or a signature from "waiting" to "signed". Steps are built from what actually
 * reaches the wallet (not from what an operation expects to send), so a skipped approval or a
 * permit that falls back to approve + create is shown as it happens.
 */
export type Step = {
  id: number;
  kind: "transaction" | "signature";
  label: string;
  status: "wallet" | "sent" | "confirming" | "confirmed" | "signed" | "failed";
  hash?: Hash | undefined;
  confirmations?: number | undefined;
  required?: number | undefined;
  block?: bigint | undefined;
  error?: string | undefined;
};

/** Events of an operation, from the wallet transport and the SDK's transaction reports. */
export type ProgressEvent =
  | { type: "prompt"; id: number; kind: Step["kind"]; label: string }
  | { type: "answered"; id: number; result: unknown }
  | { type: "failed"; id: number; error: string }
  | { type: "transaction"; event: TransactionEvent };

export type ProgressSink = (event: ProgressEvent) => void;

/** What each contract call does, in the reader's words. */
export const callLabels: Record<string, string> = {
  approve: "Allow the channel contract to take the deposit",
  createChannel: "Open the channel",
  createChannelWithPermit: "Open the channel (one transaction, with the permit)",
  topUp: "Top up the channel",
  cooperativeClose: "Close the channel",
  uncooperativeClose: "Start closing without the publisher",
  settle: "Settle the channel",
  faucet: "Get test tokens",
};

/** Applies one event to the steps. */
export function reduceSteps(steps: Step[], event: ProgressEvent): Step[] {
  switch (event.type) {
    case "prompt":
      return [...steps, { id: event.id, kind: event.kind, label: event.label, status: "wallet" }];
    case "answered":
      return steps.map((step) =>
        step.id !== event.id
          ? step
          : step.kind === "signature"
            ? { ...step, status: "signed" }
            : { ...step, status: "sent", hash: typeof event.result === "string" ? (event.result as Hash) : undefined },
      );
    case "failed":
      return steps.map((step) => (step.id === event.id ? { ...step, status: "failed", error: event.error } : step));
    case "transaction": {
      const { event: tx } = event;
      const known = steps.some((step) => step.hash === tx.hash);
      // A transaction the wallet sent without our transport seeing the prompt (none today): add it.
      const base = known ? steps : [...steps, { id: -steps.length - 1, kind: "transaction" as const, label: callLabels[tx.action] ?? tx.action, status: "sent" as const, hash: tx.hash }];
      return base.map((step) => {
        if (step.hash !== tx.hash) return step;
        if (tx.stage === "pending") return { ...step, status: "sent" };
        if (tx.stage === "confirming") return { ...step, status: "confirming", confirmations: tx.confirmations, required: tx.required };
        return { ...step, status: "confirmed", block: tx.receipt.blockNumber };
      });
    }
  }
}
