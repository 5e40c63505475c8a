"use client";
import { useChannels } from "../reader/useChannels";
import { useMounted } from "../ui/useMounted";

/**
 * "Bought" next to a catalog entry the reader already paid for: `bought` is the server's answer
 * for the buyer its access token names; the channel list (which the site shows only to that same
 * token) adds what was bought since the page loaded.
 */
export function BoughtMark({ slug, bought }: { slug: string; bought: boolean }) {
  const mounted = useMounted();
  const channels = useChannels();
  if (!bought && (!mounted || !channels.data?.bought.has(slug))) return null;
  return (
    <span className="bought" data-testid="bought-mark">
      ✓ Bought
    </span>
  );
}
