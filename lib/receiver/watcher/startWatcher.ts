import "server-only";
import { errorSummary } from "../../chain/errorSummary";
import type { DbTransaction } from "../../db/Db";
import type { Receiver } from "../context";
import { enqueueDisputes } from "../enqueueDisputes";
import { acquireLease, holdsLease, newHolder, releaseLease, takeLeaseOfDeadProcess, type Holder } from "../leader/lease";
import { watcherLease } from "../leader/leaseNames";
import { createTransactionSender, type SenderLog } from "../transactions/transactionSender";
import { recordSyncError } from "./chainStore";
import { syncChain, type SyncProgress } from "./syncChain";

/** After an error, wait longer each time up to this. */
const MAX_BACKOFF_MS = 30_000;

export type Watcher = {
  /** Whether this process holds the lead now. */
  isLeader(): boolean;
  holder: Holder;
  /** Runs a tick now rather than at the next poll (after enqueueing a transaction, say). */
  nudge(): void;
  /** Resolves after the next complete tick of the leader (tests, the CLI). */
  settled(): Promise<void>;
  /** Stops the loop and gives the lease up, so that another process takes over at once. */
  stop(): Promise<void>;
};

/**
 * Runs the receiver's always-on duties in this process, while it holds the watcher lease:
 * follow the chain into the database (syncChain), decide disputes (enqueueDisputes), and send
 * the receiver's transactions (transactionSender). Every process that serves the site calls
 * this; the lease lets one of them act at a time. It renews the lease every third of its
 * lifetime on a timer of its own, so a long catch-up does not lose it; a process that stops
 * renewing (killed, hung, cut off from the database) is replaced once the lease expires, within
 * LEADER_LEASE_SECONDS plus a third of it.
 *
 * @example
 * const watcher = startWatcher(getReceiver())
 * process.on("SIGTERM", () => watcher.stop())
 */
export function startWatcher(
  receiver: Receiver,
  {
    log = consoleLog,
    holder = newHolder(),
    keepProcessAlive = false,
  }: {
    log?: SenderLog;
    holder?: Holder;
    /**
     * Whether the watcher's timers keep the process running. Off in a server (the server does)
     * and in tests; on when the watcher is all the process does (`npm run watcher`).
     */
    keepProcessAlive?: boolean;
  } = {},
): Watcher {
  const { leaseMs, pollMs } = receiver.config.watcher;
  const lease = watcherLease(receiver.config);
  let leaderUntil = 0;
  let leading = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  let ticks: (() => void)[] = [];
  const isLeader = () => !stopped && Date.now() < leaderUntil;
  // Checked in the database, inside the transaction that claims a transaction for sending: a
  // leader whose lease lapsed without its noticing (a pause) cannot claim one any more.
  const fenced = async (tx: DbTransaction) => isLeader() && (await holdsLease(tx, receiver.db.provider, lease, holder));
  const sender = createTransactionSender(receiver, { isLeader, holdsLease: fenced, log });

  async function renew(): Promise<void> {
    // This process's own deadline, on its own clock, from before it asked: the lease it gets
    // lasts leaseMs of the database's clock from later than that, so acting until two thirds
    // of leaseMs from now is safe whatever the two clocks say.
    const asked = Date.now();
    try {
      // A leader that died on this host (killed, crashed) need not be waited out.
      const held = (await acquireLease(receiver.db, lease, holder, leaseMs)) || (await takeLeaseOfDeadProcess(receiver.db, lease, holder, leaseMs));
      leaderUntil = held ? asked + (leaseMs * 2) / 3 : 0;
    } catch (error) {
      // Cannot reach the database: stop acting until a renewal succeeds.
      leaderUntil = 0;
      warnOnce(`watcher: cannot renew the lease: ${errorSummary(error)}`);
    }
    if (isLeader() !== leading) {
      leading = isLeader();
      log.info(leading ? `watcher: this process leads (${holder.id})` : `watcher: this process no longer leads`);
      wake?.();
    }
  }

  let lastWarning = "";
  let lastWarningAt = 0;
  function warnOnce(line: string) {
    if (line === lastWarning && Date.now() - lastWarningAt < 60_000) return;
    lastWarning = line;
    lastWarningAt = Date.now();
    log.warn(line);
  }

  const onProgress = (p: SyncProgress) => {
    if (p.stage === "catching-up") log.info(`watcher: catching up from block ${p.from} to ${p.head} (${p.head - p.from + 1n} blocks)`);
    else if (p.stage === "progress") log.info(`watcher: ${p.done} blocks read, ${p.toGo} to go, ${p.events} events applied`);
    else if (p.stage === "caught-up") log.info(`watcher: caught up: ${p.blocks} blocks, ${p.events} events in ${(p.ms / 1000).toFixed(1)} s`);
    else if (p.stage === "behind") warnOnce(`watcher: the RPC's head ${p.head} is behind block ${p.cursor} already read: waiting for it (is RPC_URL a pool of nodes that disagree?)`);
    else {
      log.warn(`watcher: reorg: block ${p.from} is no longer on the chain; rewound to block ${p.to} (${p.droppedEvents} events undone)`);
      for (const c of p.unbacked) log.warn(`watcher: the reorg dropped the creation of channel ${c.sender}/${c.openBlock}, on which articles were paid: it takes no more proofs`);
    }
  };

  /**
   * One round of the leader's duties. Each part runs even when an earlier one failed: a chain
   * that cannot be read must not keep queued disputes from being sent. Returns the first error.
   */
  async function tick(): Promise<unknown> {
    const failed: unknown[] = [];
    const attempt = async (part: () => Promise<unknown>) => {
      if (isLeader()) await part().catch((error: unknown) => failed.push(error));
    };
    await attempt(() => syncChain(receiver, onProgress, isLeader));
    await attempt(() => enqueueDisputes(receiver, log.info));
    await attempt(() => sender.step());
    return failed[0];
  }

  const heartbeat = setInterval(() => void renew(), leaseMs / 3);
  if (!keepProcessAlive) heartbeat.unref?.();
  const loop = (async () => {
    let failures = 0;
    await renew();
    while (!stopped) {
      if (isLeader()) {
        const error = await tick();
        if (error === undefined) {
          failures = 0;
          for (const done of ticks.splice(0)) done();
        } else {
          failures++;
          warnOnce(`watcher: ${errorSummary(error)}`);
          await recordSyncError(receiver, errorSummary(error)).catch(() => undefined);
        }
      }
      // Stopped during the tick: no sleep (its timer may be unref'd, and stop() waits for this loop).
      if (stopped) break;
      const delay = failures === 0 ? pollMs : Math.min(pollMs * 2 ** failures, MAX_BACKOFF_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        if (!keepProcessAlive) timer.unref?.();
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = undefined;
    }
  })();

  return {
    isLeader,
    holder,
    nudge: () => wake?.(),
    settled: () => new Promise<void>((resolve) => (ticks.push(resolve), wake?.())),
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      wake?.();
      await loop;
      for (const done of ticks.splice(0)) done();
      ticks = [];
      await releaseLease(receiver.db, lease, holder).catch(() => undefined);
    },
  };
}

const consoleLog: SenderLog = { info: (line) => console.log(line), warn: (line) => console.warn(line) };
