import { z } from "zod";
import { addressCodec, uint64Codec } from "@/lib/protocol/wire";
import { getChannel } from "@/lib/receiver/channelInfo";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

const params = z.object({ sender: addressCodec, openBlock: uint64Codec });

/** One channel: what the receiver knows of it (deposit, balance, status, last proof). */
export async function GET(_request: Request, context: { params: Promise<{ sender: string; openBlock: string }> }) {
  return respond(async () => {
    const { sender, openBlock } = parseInput(params, await context.params, "path segment");
    return getChannel(getReceiver(), sender, openBlock);
  });
}
