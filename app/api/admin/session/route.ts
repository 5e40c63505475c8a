import { cookies } from "next/headers";
import { z } from "zod";
import { publisherOfRequest } from "@/lib/receiver/admin/requirePublisher";
import { ADMIN_SESSION_COOKIE, sessionCookieOptions, signInPublisher } from "@/lib/receiver/admin/session";
import { signInDomain } from "@/lib/receiver/auth/verifySignIn";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { parseInput, readJson } from "@/lib/receiver/parseInput";
import { respond } from "@/lib/receiver/respond";

export const dynamic = "force-dynamic";

const signInBody = z.object({
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x[0-9a-fA-F]{2,4096}$/, "must be a 0x-prefixed hex signature"),
});

/** Signs a publisher in: an EIP-4361 message and its signature in, the session cookie out. */
export async function POST(request: Request) {
  return respond(async () => {
    const receiver = getReceiver();
    const body = parseInput(signInBody, await readJson(request), "in the request body");
    const domain = signInDomain(receiver, request.headers.get("host"));
    const session = await signInPublisher(receiver, { message: body.message, signature: body.signature as `0x${string}`, domain });
    (await cookies()).set(ADMIN_SESSION_COOKIE, session.token, sessionCookieOptions(new URL(request.url), session.maxAge));
    return { address: session.address };
  });
}

/** Signs out: the session cookie is cleared (a signed-in publisher only, like every admin handler). */
export async function DELETE(request: Request) {
  return respond(async () => {
    const address = await publisherOfRequest();
    (await cookies()).set(ADMIN_SESSION_COOKIE, "", sessionCookieOptions(new URL(request.url), 0));
    return { signedOut: address };
  });
}
