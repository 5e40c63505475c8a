import { getReceiver } from "@/lib/receiver/getReceiver";
import { getWatcherStatus } from "@/lib/receiver/watcher/watcherStatus";

export const dynamic = "force-dynamic";

/**
 * For load balancers and monitors: 200 while the database answers and the chain watcher is
 * current (so the site can take payments), 503 otherwise. Says how far the watcher has read,
 * never who leads.
 */
export async function GET() {
  const receiver = getReceiver();
  // When to ask again: the watcher's next poll, or a moment for the database.
  const unavailable = (retryAfterSeconds: number) => ({ "Cache-Control": "no-store", "Retry-After": String(retryAfterSeconds) });
  try {
    const status = await getWatcherStatus(receiver);
    const body = {
      ok: status.current,
      watcher: {
        block: status.block?.toString() ?? null,
        head: status.head?.toString() ?? null,
        syncedAt: status.syncedAt?.toISOString() ?? null,
        current: status.current,
      },
    };
    if (status.current) return Response.json(body, { headers: { "Cache-Control": "no-store" } });
    return Response.json(body, { status: 503, headers: unavailable(Math.ceil(receiver.config.watcher.pollMs / 1000) + 1) });
  } catch (error) {
    console.error("health check failed", error);
    return Response.json({ ok: false, database: "unreachable" }, { status: 503, headers: unavailable(2) });
  }
}
