/**
 * Correctness checks around the timed runs: the pages say what they should before any figure is
 * taken, and afterwards the receiver's ledger matches, request for request, what the benchmark
 * was told.
 */
import { toDbAddress } from "../../lib/db/hex";
import { fromDbAmount } from "../../lib/db/amount";
import type { Db } from "../../lib/db/Db";
import { RdnHeader, TollgateHeader } from "../../lib/protocol/headers";
import { FREE_SLUG, PRICE, bodyMarker, pageHeaders, paidSlug, type ProofBook } from "./fixture";

async function page(url: string, slug: string, headers: Record<string, string>) {
  const response = await fetch(`${url}/articles/${slug}`, { headers });
  return {
    status: response.status,
    cost: response.headers.get(RdnHeader.cost),
    accessToken: response.headers.get(TollgateHeader.accessToken) ?? undefined,
    html: await response.text(),
  };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`correctness check failed: ${what}`);
}

/**
 * Once, before any timed run: the free page has its body; the paid page without a proof is the
 * paywall (402, no body); with `book`'s first proof it is the body (200, charged the price, one
 * purchase row, an access token); the same (now public) proof alone is the paywall again; with
 * the access token it is the body again, free of charge. Leaves `book` having bought paid article 0.
 */
export async function checkPages(url: string, db: Db, book: ProofBook): Promise<void> {
  const free = await page(url, FREE_SLUG, pageHeaders());
  expect(free.status === 200 && free.html.includes(bodyMarker(FREE_SLUG)), `free article: ${free.status}, body shown`);

  const slug = paidSlug(0);
  const unpaid = await page(url, slug, pageHeaders());
  expect(unpaid.status === 402, `paid article without a proof answers 402 (got ${unpaid.status})`);
  expect(unpaid.html.includes('data-testid="paywall"') && !unpaid.html.includes(bodyMarker(slug)), "…with the paywall and no body");

  await book.ensure(1);
  const paid = await page(url, slug, pageHeaders(book.proofs[0]));
  expect(paid.status === 200, `paid article with a fresh proof answers 200 (got ${paid.status})`);
  expect(paid.html.includes('data-testid="article-body"') && paid.html.includes(bodyMarker(slug)), "…with the article's body");
  expect(paid.cost === PRICE.toString(), `…charging the price (RDN-Cost ${paid.cost})`);
  expect(paid.accessToken !== undefined, `…returning an access token (${TollgateHeader.accessToken})`);
  book.bought = 1;
  book.accessToken = paid.accessToken;
  expect((await db.purchase.count()) === 1, "…and storing one purchase");

  const replayed = await page(url, slug, pageHeaders(book.proofs[0]));
  expect(replayed.status === 402 && !replayed.html.includes(bodyMarker(slug)), `the stored proof alone, without the token, answers 402 (got ${replayed.status})`);

  const reread = await page(url, slug, pageHeaders(book.proofs[0], book.accessToken));
  expect(reread.status === 200 && reread.html.includes(bodyMarker(slug)), `re-read answers 200 with the body (got ${reread.status})`);
  // A re-read through the token spends no proof, so it may carry no receipt at all.
  expect(reread.cost === null || reread.cost === "0", `…free of charge (RDN-Cost ${reread.cost})`);
  expect((await db.purchase.count()) === 1, "…and storing nothing");
}

/**
 * Gives every channel the buyer's access token a re-read needs: a channel whose only purchases
 * were the proofs autocannon hung up on (accepted, but their answers never read) buys one more
 * article outside any timed run, and keeps the token its answer returns.
 */
export async function ensureAccessTokens(url: string, books: ProofBook[]): Promise<void> {
  for (const book of books.filter((b) => !b.accessToken)) {
    await book.ensure(book.bought + 1);
    const slug = paidSlug(book.bought);
    const paid = await page(url, slug, pageHeaders(book.proofs[book.bought]));
    expect(paid.status === 200 && paid.accessToken !== undefined, `a purchase of ${slug} answers 200 with an access token (got ${paid.status})`);
    book.bought++;
    book.accessToken = paid.accessToken;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a read, again while SQLite is locked (Prisma reports SQLITE_BUSY as "Operation has timed
 * out"). Only for moments when the server is idle: see {@link waitForQuiet}.
 */
async function whenUnlocked<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 100 || !String((error as Error)?.message).includes("Operation has timed out")) throw error;
      await sleep(50);
    }
  }
}

/** The purchases the server has stored, as its own /api/stats counts them. */
export async function storedPurchases(url: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${url}/api/stats`, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      // Once, on a saturated machine, the connection was refused right after a run: ask again.
      if (attempt < 5) {
        await sleep(500);
        continue;
      }
      throw new Error(`the server stopped answering /api/stats: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw new Error(`/api/stats answered ${response.status}: the server is unwell`);
    return ((await response.json()) as { purchases: number }).purchases;
  }
}

/**
 * Waits until the server's purchase count (its own /api/stats) has not moved for `quietMs`:
 * the requests a run left in flight have finished. Asks the server rather than the database on
 * purpose: a read from this process while the server commits makes the commit fail with
 * SQLITE_BUSY (the driver does not wait), and the failed transaction then keeps the database
 * locked for every later request (docs/benchmarks.md, "SQLite locking").
 */
export async function waitForQuiet(url: string, quietMs = 1000): Promise<number> {
  const count = () => storedPurchases(url);
  let last = await count();
  let since = Date.now();
  for (;;) {
    await sleep(100);
    const now = await count();
    if (now !== last) [last, since] = [now, Date.now()];
    else if (Date.now() - since >= quietMs) return now;
  }
}

function findRow(db: Db, book: ProofBook) {
  return whenUnlocked(() =>
    db.channel.findFirst({ where: { sender: toDbAddress(book.channel.sender), openBlock: book.channel.openBlock } }),
  );
}

async function channelRow(db: Db, book: ProofBook) {
  const row = await findRow(db, book);
  if (!row) throw new Error(`the server never stored channel ${book.channel.sender}@${book.channel.openBlock}`);
  return row;
}

/**
 * After a run stopped with requests in flight: autocannon hung up on them, but the server may
 * still have accepted their proofs. Reads each such channel's stored balance and counts the
 * proof as bought when it is there. Returns how many were.
 */
export async function settleInFlight(db: Db, books: ProofBook[]): Promise<number> {
  let committed = 0;
  for (const book of books) {
    if (!book.pending) continue;
    book.pending = false;
    // No row yet: the server had not even stored the channel (its first sight reads the chain).
    const row = await findRow(db, book);
    const stored = row ? fromDbAmount(row.balance) : 0n;
    if (stored === book.balance + PRICE) {
      book.bought++;
      committed++;
    } else if (stored !== book.balance) {
      throw new Error(`channel ${book.channel.sender}: stored balance ${stored}, expected ${book.balance} or one price more`);
    }
  }
  return committed;
}

/**
 * The ledger adds up: one purchase row per proof each channel had accepted, each channel's stored
 * balance is its purchases times the price and its stored signature is the last accepted proof's,
 * and the purchases' amounts sum to the balances. Returns the problems found (none when sound).
 */
export async function checkLedger(db: Db, books: ProofBook[]): Promise<{ purchases: number; problems: string[] }> {
  const problems: string[] = [];
  let balances = 0n;
  for (const book of books) {
    const row = await channelRow(db, book);
    const stored = fromDbAmount(row.balance);
    balances += stored;
    const name = `channel ${book.channel.sender}@${book.channel.openBlock}`;
    if (stored !== book.balance) problems.push(`${name}: stored balance ${stored}, expected ${book.balance}`);
    const purchases = await db.purchase.count({ where: { channelId: row.id } });
    if (purchases !== book.bought) problems.push(`${name}: ${purchases} purchases, expected ${book.bought}`);
    const last = book.bought > 0 ? book.proofs[book.bought - 1].balanceSignature.toLowerCase() : null;
    if (row.balanceSignature !== last) problems.push(`${name}: stored signature is not the last accepted proof's`);
  }
  const rows = await db.purchase.findMany({ select: { amount: true } });
  const amounts = rows.reduce((sum, row) => sum + fromDbAmount(row.amount), 0n);
  const expected = books.reduce((sum, book) => sum + book.bought, 0);
  if (rows.length !== expected) problems.push(`${rows.length} purchase rows, expected ${expected}`);
  if (amounts !== balances) problems.push(`purchases sum to ${amounts}, stored balances to ${balances}`);
  if (amounts !== BigInt(expected) * PRICE) problems.push(`purchases sum to ${amounts}, expected ${BigInt(expected) * PRICE}`);
  return { purchases: rows.length, problems };
}
