import "server-only";
import type { ReceiverConfig } from "../../config";

/**
 * The lease that makes one process the watcher of a deployment and receiver: the chain, the
 * channel manager and the receiver are in its name, so that two sites sharing a database never
 * take each other's lead.
 */
export const watcherLease = (config: Pick<ReceiverConfig, "chainId" | "channelManager" | "receiver">) =>
  `watcher:${config.chainId}:${config.channelManager.toLowerCase()}:${config.receiver.address.toLowerCase()}`;

/** On SQLite, the lease that keeps a second server off the same database file. */
export const SQLITE_INSTANCE_LEASE = "sqlite-instance";
