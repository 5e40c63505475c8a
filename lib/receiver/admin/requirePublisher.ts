import "server-only";
import { cookies } from "next/headers";
import { forbidden, unauthorized } from "next/navigation";
import type { Address } from "viem";
import { AuthenticationError, ForbiddenError } from "../../protocol/errors";
import type { Receiver } from "../context";
import { getReceiver } from "../getReceiver";
import { ADMIN_SESSION_COOKIE, publisherOfSession } from "./session";

/**
 * The signed-in publisher, for every admin page and server action: call it first, on the
 * server, before reading or writing anything. Without a valid session it interrupts with
 * Next.js's 401 (app/unauthorized.tsx: the sign-in), and with the session of an address that
 * is not a publisher with the 403 (app/forbidden.tsx), so a server action called over HTTP by
 * anyone else answers 401/403 and does nothing.
 */
export async function requirePublisher(receiver: Receiver = getReceiver()): Promise<{ receiver: Receiver; publisher: Address }> {
  try {
    return { receiver, publisher: await publisherOfRequest(receiver) };
  } catch (error) {
    if (error instanceof AuthenticationError) unauthorized();
    if (error instanceof ForbiddenError) forbidden();
    throw error;
  }
}

/**
 * The same check for admin route handlers, which answer problem details (lib/receiver/respond.ts):
 * throws the 401/403 TollgateError instead of interrupting.
 */
export async function publisherOfRequest(receiver: Receiver = getReceiver()): Promise<Address> {
  return publisherOfSession(receiver, (await cookies()).get(ADMIN_SESSION_COOKIE)?.value);
}
