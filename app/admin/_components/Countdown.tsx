"use client";
import { useChainClock } from "../../_components/channel/useChainClock";

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Time left until `until` (unix seconds, a block timestamp): the challenge period of a closing
 * channel, on the chain's clock (the browser's may be off, and a local chain's runs ahead of it
 * once time is moved on). The sender may settle once a block is later than `until`.
 */
export function Countdown({ until }: { until: number }) {
  const clock = useChainClock();
  if (clock === undefined) return <span>…</span>;
  const left = until - Number(clock) + 1;
  if (left <= 0) return <span data-testid="countdown">challenge over: the sender may settle</span>;
  const d = Math.floor(left / 86400);
  const h = Math.floor((left % 86400) / 3600);
  const m = Math.floor((left % 3600) / 60);
  return (
    <span data-testid="countdown">
      {d > 0 ? `${d} d ` : ""}
      {pad(h)}:{pad(m)}:{pad(left % 60)} left
    </span>
  );
}
