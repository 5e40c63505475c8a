import { z } from "zod";
import { addressCodec } from "@/lib/protocol/wire";
import { listChannels } from "@/lib/receiver/channelInfo";
import { requireReader } from "@/lib/receiver/access";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

const params = z.object({ sender: addressCodec });

/** The channels this receiver knows from a sender, with balances and last proofs: for that sender only (its access token). */
export async function GET(request: Request, context: { params: Promise<{ sender: string }> }) {
  return respond(async () => {
    const { sender } = parseInput(params, await context.params, "path segment");
    await requireReader(getReceiver(), request.headers, sender);
    return { channels: await listChannels(getReceiver(), sender) };
  });
}
