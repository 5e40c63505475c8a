"use client";
import { useChannels } from "../reader/useChannels";
import { useMounted } from "../ui/useMounted";

/** "Bought" next to a catalog entry the connected reader already paid for (on any of their channels). */
export function BoughtMark({ slug }: { slug: string }) {
  const mounted = useMounted();
  const channels = useChannels();
  if (!mounted || !channels.data?.bought.has(slug)) return null;
  return (
    <span className="bought" data-testid="bought-mark">
      ✓ Bought
    </span>
  );
}
