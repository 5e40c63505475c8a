import "server-only";
import { getPublicClient } from "../chain/clients";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import type { Receiver } from "./context";

/** The app's receiver: the environment's configuration, database and chain. */
export function getReceiver(): Receiver {
  // The configuration first: a wrong DATABASE_URL is one of its problems, told as such.
  const config = getConfig();
  return { db: getDb(), chain: getPublicClient(), config };
}
