import { z } from "zod";
import { TollgateHeader } from "@/lib/protocol/headers";
import { signatureCodec } from "@/lib/protocol/wire";
import { accessTokenCookie } from "@/lib/receiver/access";
import { signInReader } from "@/lib/receiver/auth/signInReader";
import { signInDomain } from "@/lib/receiver/auth/verifySignIn";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput, readJson } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

const body = z.object({ message: z.string().max(4096), signature: signatureCodec });

/**
 * Signs a reader in with an EIP-4361 message: the answer carries the access token (header, and
 * the HttpOnly cookie for browsers) that re-reads everything its address bought.
 */
export async function POST(request: Request) {
  let token: string | undefined;
  const response = await respond(async () => {
    const receiver = getReceiver();
    const signIn = parseInput(body, await readJson(request), "request body");
    const signedIn = await signInReader(receiver, signIn, signInDomain(receiver, request.headers.get("host")));
    token = signedIn.token;
    return { address: signedIn.address };
  });
  if (token) {
    response.headers.set(TollgateHeader.accessToken, token);
    response.headers.append("Set-Cookie", accessTokenCookie(token, new URL(request.url)));
  }
  return response;
}
