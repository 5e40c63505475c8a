import { getReceiver } from "@/lib/receiver/getReceiver";
import { respond } from "@/lib/receiver/respond";
import { receiverStats } from "@/lib/receiver/stats";

export const dynamic = "force-dynamic";

/** Earnings and channel counts for the publisher. */
export async function GET() {
  return respond(() => receiverStats(getReceiver()));
}
