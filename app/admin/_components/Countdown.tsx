"use client";
import { useEffect, useState } from "react";

const pad = (n: number) => String(n).padStart(2, "0");

/** Time left until `until` (unix seconds, a block timestamp): the challenge period of a closing channel. */
export function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Math.floor(Date.now() / 1000));
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, []);
  if (now === null) return <span>…</span>;
  const left = until - now;
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
