/**
 * Reproduces, on the embedded defaults, what a second process reading the SQLite database does
 * to the site while readers pay (docs/benchmarks.md, "SQLite locking"): the libsql driver does
 * not wait for a lock (busy timeout 0), so a commit that meets the other process's read lock fails
 * with SQLITE_BUSY, and the failed transaction keeps the database locked: from then on every
 * request that touches the database, free pages included, answers 500.
 *
 * Run: `tsx scripts/bench/concurrentReader.ts`. Exits 1 while the defect is there, 0 once the
 * site survives (paid load with a reader polling beside it, then free pages all 200).
 */
import { createTestDatabase } from "../../test/db/databases";
import { startSite, startTestChain } from "../../test/helpers/localSite";
import { stopChildrenOnExit } from "../lib/processes";
import { openChannels, seedArticles } from "./fixture";
import { freeLane, newTally, paidLane } from "./lanes";
import { runLoad } from "./runLoad";

const CONNECTIONS = 8;
const SECONDS = 5;

stopChildrenOnExit();

const chain = await startTestChain();
await using database = await createTestDatabase("sqlite");
const { db } = database;
const site = await startSite({ databaseUrl: database.url, chain });
let failed = true;
try {
  const books = await openChannels(chain, CONNECTIONS);
  await seedArticles(db, { from: 0, to: 1000 }, { free: true });
  for (const book of books) await book.ensure(1000);

  // Another process (here: this one, through its own connection) reads while the site commits.
  let reads = 0;
  let busy = 0;
  let polling = true;
  const reader = (async () => {
    while (polling) {
      await db.purchase.count().then(() => reads++, () => busy++);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const paid = await runLoad({ url: site.url, connections: CONNECTIONS, seconds: SECONDS, lane: (i) => paidLane(books[i], newTally()) });
  polling = false;
  await reader;
  console.log(`paid for ${SECONDS} s beside a reader: ${JSON.stringify(paid.statuses)} (reader: ${reads} reads, ${busy} refused as busy)`);

  await new Promise((resolve) => setTimeout(resolve, 2000));
  const free = await runLoad({ url: site.url, connections: 4, seconds: 2, lane: () => freeLane() });
  console.log(`free pages 2 s later: ${JSON.stringify(free.statuses)}`);
  failed = Object.keys(paid.statuses).some((s) => s !== "200") || Object.keys(free.statuses).some((s) => s !== "200");
  console.log(failed ? "DEFECT: the site answered 500s, and keeps doing so for free pages too" : "OK: the site served every request");
} finally {
  await site.stop();
  chain.stop();
}
process.exitCode = failed ? 1 : 0;
