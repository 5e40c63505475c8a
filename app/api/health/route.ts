import { getReceiver } from "@/lib/receiver/getReceiver";
import { getWatcherStatus } from "@/lib/receiver/watcher/watcherStatus";

export const dynamic = "force-dynamic";

/**
 * For load balancers and monitors: 200 while the database answers and the chain watcher is
 * current (so the site can take payments), 503 otherwise. Says how far the watcher has read,
 * never who leads.
 */
export async function GET() {
  try {
    const status = await getWatcherStatus(getReceiver());
    const body = {
      ok: status.current,
      watcher: {
        block: status.block?.toString() ?? null,
        head: status.head?.toString() ?? null,
        syncedAt: status.syncedAt?.toISOString() ?? null,
        current: status.current,
      },
    };
    return Response.json(body, { status: status.current ? 200 : 503, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    console.error("health check failed", error);
    return Response.json({ ok: false, database: "unreachable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
