"use client";
import type { Step } from "../reader/progress";
import { TransactionSteps } from "../ui/TransactionSteps";

/** "Channel opened", with the transactions that opened it, once the form has given way to the channel. */
export function OpenedNotice({ steps }: { steps: Step[] }) {
  return (
    <div className="opened" data-testid="channel-opened">
      <p className="notice notice-success" role="status">
        Your channel is open.
      </p>
      <TransactionSteps steps={steps} label="Opening progress" />
    </div>
  );
}
