import { z } from "zod";
import { addressCodec, uint64Codec } from "@/lib/protocol/wire";
import { getChannel } from "@/lib/receiver/channelInfo";
import { requireReader } from "@/lib/receiver/access";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

const params = z.object({ sender: addressCodec, openBlock: uint64Codec });

/** One channel: what the receiver knows of it (deposit, balance, status, last proof), for its sender only. */
export async function GET(request: Request, context: { params: Promise<{ sender: string; openBlock: string }> }) {
  return respond(async () => {
    const { sender, openBlock } = parseInput(params, await context.params, "path segment");
    await requireReader(getReceiver(), request.headers, sender);
    return getChannel(getReceiver(), sender, openBlock);
  });
}
