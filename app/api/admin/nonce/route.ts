import { issueSignInNonce } from "@/lib/receiver/auth/signInNonces";
import { signInDomain } from "@/lib/receiver/auth/verifySignIn";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { respond } from "@/lib/receiver/respond";

export const dynamic = "force-dynamic";

/** The fields of a publisher's EIP-4361 message: a fresh single-use nonce, the domain and chain it must name. */
export async function POST(request: Request) {
  return respond(async () => {
    const receiver = getReceiver();
    const domain = signInDomain(receiver, request.headers.get("host"));
    // The URI on the host the message names (Next.js's request.url names its own listening host).
    const origin = receiver.config.siteUrl?.origin ?? `${new URL(request.url).protocol}//${domain}`;
    return { nonce: await issueSignInNonce(receiver.db), domain, uri: `${origin}/admin`, chainId: receiver.config.chainId };
  });
}
