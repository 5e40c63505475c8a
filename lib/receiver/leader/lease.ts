import "server-only";
import { randomBytes } from "node:crypto";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { databaseNow } from "../../db/databaseNow";
import type { Db, DbTransaction } from "../../db/Db";
import { isUniqueViolation } from "../../db/isUniqueViolation";

/**
 * Who holds a lease: `<host>:<pid>:<random>`, where the host part also names the process's pid
 * namespace (two containers on one host share a hostname but not their pids), and the random
 * part makes a restarted process a new holder even when it got the same pid (pid 1 in a
 * container, say).
 */
export type Holder = { id: string; host: string; pid: number };

export function newHolder(): Holder {
  const host = `${hostname()}/${pidNamespace()}`.replaceAll(":", "-");
  return { id: `${host}:${process.pid}:${randomBytes(4).toString("hex")}`, host, pid: process.pid };
}

function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid").replace(/\D/g, "");
  } catch {
    return "-"; // no /proc (not Linux): the hostname alone
  }
}

/**
 * Takes or renews the lease `name` for `holder` until `ttlMs` from now, if nobody else holds an
 * unexpired one. Returns whether it is held. Times are the database's clock, one clock for every
 * host; a holder keeps track of its own deadline on its own clock (see startWatcher).
 *
 * One guarded update does it: of two processes taking an expired lease at once, the database
 * lets one update match (PostgreSQL re-checks the condition on the row the first one wrote;
 * SQLite runs one writer at a time).
 */
export async function acquireLease(db: Db, name: string, holder: Holder, ttlMs: number): Promise<boolean> {
  const now = await databaseNow(db, db.provider);
  const expiresAt = new Date(now.getTime() + ttlMs);
  const { count } = await db.lease.updateMany({
    where: { name, OR: [{ holder: holder.id }, { expiresAt: { lt: now } }] },
    data: { holder: holder.id, expiresAt, renewedAt: now },
  });
  if (count === 1) return true;
  try {
    await db.lease.create({ data: { name, holder: holder.id, expiresAt, renewedAt: now } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Whether `holder` holds `name` now, by the database's clock: the check a fenced write makes in its own transaction. */
export async function holdsLease(tx: DbTransaction, provider: Db["provider"], name: string, holder: Holder): Promise<boolean> {
  const now = await databaseNow(tx, provider);
  return (await tx.lease.count({ where: { name, holder: holder.id, expiresAt: { gt: now } } })) === 1;
}

/** Gives the lease up at once (a clean shutdown), so that another process need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: Holder): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder: holder.id } });
}

/** The lease's current holder, if unexpired. */
export async function leaseHolder(db: Db, name: string): Promise<{ holder: string; expiresAt: Date; renewedAt: Date } | null> {
  const [lease, now] = await Promise.all([db.lease.findUnique({ where: { name } }), databaseNow(db, db.provider)]);
  return lease && lease.expiresAt > now ? lease : null;
}

/**
 * Takes over a lease whose holder was a process of this host (and pid namespace) that no longer
 * runs (killed, crashed), without waiting for the lease to expire. A holder with this process's
 * own pid but another id is an earlier incarnation of it, so it is gone too.
 */
export async function takeLeaseOfDeadProcess(db: Db, name: string, holder: Holder, ttlMs: number): Promise<boolean> {
  const current = await leaseHolder(db, name);
  if (!current) return acquireLease(db, name, holder, ttlMs);
  const [host, pid] = current.holder.split(":");
  if (host !== holder.host || current.holder === holder.id) return false;
  if (Number(pid) !== holder.pid && isAlive(Number(pid))) return false;
  const now = await databaseNow(db, db.provider);
  const { count } = await db.lease.updateMany({
    where: { name, holder: current.holder },
    data: { holder: holder.id, expiresAt: new Date(now.getTime() + ttlMs), renewedAt: now },
  });
  return count === 1;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
