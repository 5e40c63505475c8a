import "server-only";
import type { PublicClient } from "viem";
import type { ReceiverConfig } from "../config";
import type { Db } from "../db/Db";

/**
 * What the receiver's rules run against. Passed in rather than imported so that the same rules
 * serve the app (getReceiver() below builds it from the environment) and the tests (which build
 * it around a scratch database and a local chain).
 */
export type Receiver = {
  db: Db;
  chain: PublicClient;
  config: ReceiverConfig;
};
