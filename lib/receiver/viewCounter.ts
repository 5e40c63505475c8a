import "server-only";
import type { Db } from "../db/Db";
import { isDatabaseBusy } from "../db/isDatabaseBusy";

/** How often counted views are added to ArticleDailyStats. */
export const VIEW_FLUSH_MS = 5_000;

type Counts = { views: number; paywalls: number };

/**
 * Page views and paywall impressions per article and UTC day, for the publisher's funnel. The
 * gate only bumps a number in memory (no query, no await on its path); a timer adds the sums to
 * ArticleDailyStats every {@link VIEW_FLUSH_MS} with one upsert per article and day, so counting
 * costs the gate a Map update whatever the traffic. A crash loses at most the last few seconds
 * of counts, which a funnel can afford; a busy database loses none (they wait for the next flush). `VIEW_COUNTING=off` turns it off, for `npm run bench`
 * to measure what it costs.
 */
export type ViewCounter = {
  count(articleId: number, paywall: boolean): void;
  /** Writes what was counted so far (the timer's work; tests and shutdown call it directly). */
  flush(): Promise<void>;
};

export const viewCountingEnabled = () => process.env.VIEW_COUNTING !== "off";

const utcDay = (now: number) => now - (now % 86_400_000);

export function createViewCounter(db: Db, { flushMs = VIEW_FLUSH_MS }: { flushMs?: number } = {}): ViewCounter {
  let pending = new Map<string, Counts>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  function add(key: string, views: number, paywalls: number) {
    const counts = pending.get(key) ?? pending.set(key, { views: 0, paywalls: 0 }).get(key)!;
    counts.views += views;
    counts.paywalls += paywalls;
    // Unref'd: a CLI or a test that counted must not be kept alive by the timer.
    timer ??= setTimeout(flush, flushMs).unref();
  }

  async function write(batch: Map<string, Counts>) {
    for (const [key, { views, paywalls }] of batch) {
      const [articleId, day] = key.split(":").map(Number);
      const where = { articleId_day: { articleId, day: new Date(day) } };
      try {
        await db.articleDailyStats.upsert({
          where,
          create: { articleId, day: new Date(day), views, paywalls },
          update: { views: { increment: views }, paywalls: { increment: paywalls } },
        });
      } catch (error) {
        // A busy database takes them at the next flush. An article deleted meanwhile (its stats
        // cascade away) is no reason to stop counting the others; anything else is worth a line
        // in the log, not a crash.
        if (isDatabaseBusy(error)) add(key, views, paywalls);
        else console.warn(`view counts for article ${articleId} not saved: ${error instanceof Error ? error.message : error}`);
      }
    }
  }

  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = new Map();
    // One flush at a time: two would race their upserts' creates on a new (article, day).
    flushing = flushing.then(() => write(batch));
    return flushing;
  };

  return {
    count(articleId, paywall) {
      add(`${articleId}:${utcDay(Date.now())}`, 1, paywall ? 1 : 0);
    },
    flush: () => {
      if (timer) clearTimeout(timer);
      return flush();
    },
  };
}

const counters = new WeakMap<Db, ViewCounter>();

/** The process's counter for `db` (one per database, so every request's counts meet). */
export function viewCounterFor(db: Db): ViewCounter {
  return counters.get(db) ?? counters.set(db, createViewCounter(db)).get(db)!;
}
