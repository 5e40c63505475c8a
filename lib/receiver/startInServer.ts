import "server-only";
import { errorSummary } from "../chain/errorSummary";
import { getPublicConfig } from "../config";
import { parseDatabaseUrl } from "../db/databaseUrl";
import { checkStartup, refuseToStart } from "./checkStartup";
import { getReceiver } from "./getReceiver";
import type { Receiver } from "./context";
import { acquireLease, newHolder, releaseLease, takeLeaseOfDeadProcess } from "./leader/lease";
import { SQLITE_INSTANCE_LEASE } from "./leader/leaseNames";
import { setLocalWatcher } from "./watcher/localWatcher";
import { startWatcher } from "./watcher/startWatcher";
import { tokenDomain } from "./x402/tokenDomain";

/**
 * What a Tollgate server starts beside serving pages (instrumentation.ts): the chain watcher, in
 * every instance, leading in one at a time. On SQLite only one instance may use a database file
 * (SQLite has no way to share a lease with another host's process, and the scale-out path is
 * PostgreSQL), so a second one stops at start-up and says so. Before any of it, the configuration
 * and the chain are checked (lib/receiver/checkStartup.ts): a wrong one stops the server.
 */
export async function startInServer(): Promise<void> {
  let receiver: Receiver;
  try {
    receiver = getReceiver();
    // The pages' share too: a wrong SITE_NAME or PUBLIC_RPC_URL would otherwise fail every page.
    getPublicConfig();
  } catch (error) {
    refuseToStart(error);
  }
  await checkStartup(receiver);
  const holder = newHolder();
  const { leaseMs } = receiver.config.watcher;
  const cleanups: (() => Promise<void>)[] = [];
  // The x402 offer of every 402 names the token's EIP-712 domain: read it now, so that no request
  // waits for the chain (if the chain is down, the first priced request reads it instead).
  void tokenDomain(receiver).catch((error) => console.warn(`x402: cannot read the token's EIP-712 domain yet: ${errorSummary(error)}`));

  if (parseDatabaseUrl().provider === "sqlite") {
    if (!(await takeLeaseOfDeadProcess(receiver.db, SQLITE_INSTANCE_LEASE, holder, leaseMs))) {
      const other = await receiver.db.lease.findUnique({ where: { name: SQLITE_INSTANCE_LEASE } });
      console.error(
        `tollgate: another server (${other?.holder ?? "unknown"}) is using this SQLite database. ` +
          "Several instances need a database they can share: set DATABASE_URL to a PostgreSQL URL (postgres://…) and run `npm run db:migrate`.",
      );
      process.exit(1);
    }
    const heartbeat = setInterval(async () => {
      // Lost (this process stalled past the lease, and another server took the file): two
      // servers on one SQLite file is what the lease is for, so this one goes.
      if ((await acquireLease(receiver.db, SQLITE_INSTANCE_LEASE, holder, leaseMs).catch(() => true)) === false) {
        console.error("tollgate: another server took over this SQLite database while this one was stalled; stopping");
        process.exit(1);
      }
    }, leaseMs / 3);
    heartbeat.unref();
    cleanups.push(async () => (clearInterval(heartbeat), releaseLease(receiver.db, SQLITE_INSTANCE_LEASE, holder)));
  }

  if (receiver.config.watcher.enabled) {
    const watcher = startWatcher(receiver, { holder });
    setLocalWatcher(watcher);
    cleanups.push(() => (setLocalWatcher(undefined), watcher.stop()));
  } else console.log("watcher: off in this instance (WATCHER=off)");

  // Give the leases up on a clean stop, so another instance need not wait for them to expire.
  const stop = () => void Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
