import { issueSignInNonce } from "@/lib/receiver/auth/signInNonces";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { respond } from "@/lib/receiver/respond";

/** A single-use nonce for a reader's EIP-4361 sign-in (restoring purchases). */
export async function POST() {
  return respond(async () => ({ nonce: await issueSignInNonce(getReceiver().db) }));
}
