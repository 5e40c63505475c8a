import { z } from "zod";
import { addressCodec, signatureCodec, uint128Codec, uint64Codec } from "@/lib/protocol/wire";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { issueClosingSignature } from "@/lib/receiver/issueClosingSignature";
import { parseInput, readJson } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

const params = z.object({ sender: addressCodec, openBlock: uint64Codec });
const body = z.object({ balance: uint128Codec, signature: signatureCodec });

/**
 * The receiver's closing signature for the balance it last accepted, given the sender's (or
 * delegate's) signed `CloseRequest` for that balance; submit it with the stored balance proof
 * to `cooperativeClose`.
 */
export async function POST(request: Request, context: { params: Promise<{ sender: string; openBlock: string }> }) {
  return respond(async () => {
    const { sender, openBlock } = parseInput(params, await context.params, "path segment");
    const closeRequest = parseInput(body, await readJson(request), "body member");
    const { closingBalance, closingSignature } = await issueClosingSignature(getReceiver(), sender, openBlock, closeRequest);
    return { closingBalance: closingBalance.toString(), closingSignature };
  });
}
