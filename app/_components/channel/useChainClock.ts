"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useReader } from "../reader/ReaderContext";

/**
 * An estimate of the next block's timestamp, ticking every second: the latest block's time
 * (polled every 5 s) moved on by the time since it was read, and never behind the wall clock
 * (an idle local chain mines no blocks, so its latest one can be old; its next one will not be).
 */
export function useChainClock(): bigint | undefined {
  const { publicClient } = useReader();
  const block = useQuery({
    queryKey: ["tollgate", "latest-block"],
    queryFn: async () => ({ timestamp: (await (await publicClient()).getBlock({ blockTag: "latest" })).timestamp, readAt: Date.now() }),
    refetchInterval: 5_000,
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (!block.data) return undefined;
  const fromChain = block.data.timestamp + BigInt(Math.max(0, Math.floor((now - block.data.readAt) / 1000)));
  const wall = BigInt(Math.floor(now / 1000));
  return fromChain > wall ? fromChain : wall;
}

/** "1 min 05 s", "2 h 03 min", "12 s". */
export function formatDuration(seconds: bigint): string {
  const s = Number(seconds < 0n ? 0n : seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}
