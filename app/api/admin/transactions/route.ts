import { z } from "zod";
import { transactionProgress } from "@/lib/receiver/admin/channels";
import { publisherOfRequest } from "@/lib/receiver/admin/requirePublisher";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

export const dynamic = "force-dynamic";

const query = z.object({
  ids: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10}){0,199}$/, "must be up to 200 comma-separated transaction ids")
    .transform((ids) => ids.split(",").map(Number)),
});

/** The progress of the receiver's transactions (queued → sent → mined → confirmed, or failed), polled by the channels page. */
export async function GET(request: Request) {
  return respond(async () => {
    const receiver = getReceiver();
    await publisherOfRequest(receiver);
    const { ids } = parseInput(query, Object.fromEntries(new URL(request.url).searchParams), "query parameter");
    return { transactions: await transactionProgress(receiver, ids) };
  });
}
