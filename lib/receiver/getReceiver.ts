import "server-only";
import { getPublicClient } from "../chain/clients";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import type { Receiver } from "./context";

/** The app's receiver: the environment's configuration, database and chain. */
export function getReceiver(): Receiver {
  return { db: getDb(), chain: getPublicClient(), config: getConfig() };
}
