import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/Db";
import { isUniqueViolation } from "../../db/isUniqueViolation";

/** Who holds a lease: host, process and a random part (a restarted process is a new holder). */
export type Holder = { id: string; host: string; pid: number };

export function newHolder(): Holder {
  const host = hostname();
  return { id: `${host}:${process.pid}:${randomBytes(4).toString("hex")}`, host, pid: process.pid };
}

/**
 * Takes or renews the lease `name` for `holder` until `ttlMs` from now, if nobody else holds
 * an unexpired one. Returns the new expiry, or null when another holder has it.
 *
 * One guarded update does it: of two processes taking an expired lease at once, the database
 * lets one update match (PostgreSQL re-checks the condition on the row the first one wrote;
 * SQLite runs one writer at a time). The clocks of the processes must agree to well within
 * `ttlMs`; holders renew every third of it.
 */
export async function acquireLease(db: Db, name: string, holder: Holder, ttlMs: number): Promise<Date | null> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const { count } = await db.lease.updateMany({
    where: { name, OR: [{ holder: holder.id }, { expiresAt: { lt: now } }] },
    data: { holder: holder.id, expiresAt, renewedAt: now },
  });
  if (count === 1) return expiresAt;
  try {
    await db.lease.create({ data: { name, holder: holder.id, expiresAt, renewedAt: now } });
    return expiresAt;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Gives the lease up at once (a clean shutdown), so that another process need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: Holder): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder: holder.id } });
}

/** The lease's current holder, if unexpired. */
export async function leaseHolder(db: Db, name: string): Promise<{ holder: string; expiresAt: Date; renewedAt: Date } | null> {
  const lease = await db.lease.findUnique({ where: { name } });
  return lease && lease.expiresAt > new Date() ? lease : null;
}

/** Takes over a lease whose holder is a process of this host that no longer runs (killed, crashed). */
export async function takeLeaseOfDeadProcess(db: Db, name: string, holder: Holder, ttlMs: number): Promise<Date | null> {
  const current = await leaseHolder(db, name);
  if (!current) return acquireLease(db, name, holder, ttlMs);
  const [host, pid] = current.holder.split(":");
  if (host !== holder.host || isAlive(Number(pid))) return null;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const { count } = await db.lease.updateMany({ where: { name, holder: current.holder }, data: { holder: holder.id, expiresAt, renewedAt: now } });
  return count === 1 ? expiresAt : null;
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
