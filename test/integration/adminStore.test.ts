// The admin's store functions (lib/receiver/admin, lib/receiver/viewCounter.ts) on both
// databases: view counts add up across flushes, a bought article is archived (and hidden from
// readers) instead of deleted, form input errors are field errors, the channel table pages,
// filters and sorts in SQL, and earnings add up per day and week.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { createClient } from "@libsql/client";
import pg from "pg";
import { loadConfig } from "../../lib/config";
import { toDbAmount } from "../../lib/db/amount";
import { createDb } from "../../lib/db/createDb";
import { toDbAddress } from "../../lib/db/hex";
import { createArticle, deleteArticle, listAdminArticles, setArticlePublished, updateArticle } from "../../lib/receiver/admin/articles";
import { listChannels, CHANNELS_PER_PAGE } from "../../lib/receiver/admin/channels";
import { bucketOf, earnings } from "../../lib/receiver/admin/earnings";
import { defaultPrice, saveDefaultPrice } from "../../lib/receiver/admin/settings";
import { findPublishedArticle, listCatalog } from "../../lib/receiver/articles";
import type { Receiver } from "../../lib/receiver/context";
import { gate } from "../../lib/receiver/gate";
import { createViewCounter, viewCounterFor } from "../../lib/receiver/viewCounter";
import { describeEachDatabase } from "../db/databases";
import { address, signature } from "../db/fixtures";

const manager = "0x00000000000000000000000000000000000c0ffe";
const token = "0x0000000000000000000000000000000000000707";

describeEachDatabase("admin store", (database) => {
  let receiver: Receiver;
  let next = 0;
  before(() => {
    receiver = { db: database().db, chain: undefined as never, config: loadConfig({ CHANNEL_MANAGER_ADDRESS: manager, TOKEN_ADDRESS: token }) };
  });

  const article = async (fields: Record<string, string> = {}) => {
    const result = await createArticle(receiver, { slug: `a-${++next}`, title: "T", teaser: "Free.", body: "Paid.", price: "0.01", ...fields });
    assert.ok(result.ok, JSON.stringify(result));
    return result.id;
  };
  const channel = (status: "open" | "closing" | "settled" = "open", balance = 0n) =>
    database().db.channel.create({
      data: {
        chainId: receiver.config.chainId,
        contract: toDbAddress(manager),
        sender: address(0x5000 + ++next),
        receiver: toDbAddress(receiver.config.receiver.address),
        openBlock: BigInt(next),
        deposit: toDbAmount(10n ** 18n),
        balance: toDbAmount(balance),
        status,
        confirmed: true,
      },
    });
  const purchase = (channelId: number, articleId: number, amount: bigint, createdAt = new Date()) =>
    database().db.purchase.create({ data: { buyer: address(0x9000 + ++next), channelId, articleId, amount: toDbAmount(amount), balance: toDbAmount(amount), signature: signature(++next), createdAt } });

  it("adds views and paywall impressions per article and day across flushes, without writing on count()", async () => {
    const id = await article();
    const counter = createViewCounter(database().db, { flushMs: 60_000 });
    for (let i = 0; i < 5; i++) counter.count(id, i < 2);
    assert.equal(await database().db.articleDailyStats.count({ where: { articleId: id } }), 0, "nothing is written until a flush");
    await Promise.all([counter.flush(), counter.flush()]);
    counter.count(id, true);
    await counter.flush();
    const [row] = await database().db.articleDailyStats.findMany({ where: { articleId: id } });
    assert.deepEqual({ views: row!.views, paywalls: row!.paywalls }, { views: 6, paywalls: 3 });
    assert.equal(row!.day.getTime() % 86_400_000, 0, "a UTC day");
  });

  it("counts a visit to an article as a page view, and a prefetch of it (a link shown, the browser guessing) as none", async () => {
    const id = await article({ price: "0" });
    await setArticlePublished(receiver, id, true);
    const { slug } = await database().db.article.findUniqueOrThrow({ where: { id } });
    const visit = (headers: Record<string, string>) => gate(receiver, { method: "GET", pathname: `/articles/${slug}`, headers: new Headers(headers) });
    await visit({ accept: "text/html" });
    await visit({ rsc: "1" });
    await visit({ rsc: "1", "next-router-prefetch": "1" });
    await visit({ accept: "text/html", "sec-purpose": "prefetch;prerender" });
    await visit({ accept: "text/html", purpose: "prefetch" });
    await viewCounterFor(database().db).flush();
    const [row] = await database().db.articleDailyStats.findMany({ where: { articleId: id } });
    assert.equal(row?.views, 2, "a page load and a client-side navigation; no prefetch");
  });

  it("keeps the counts of a flush the database was too busy to take, and writes them at the next", { timeout: 20_000 }, async () => {
    const id = await article();
    const { url, provider } = database();
    const previous = process.env.DATABASE_LOCK_TIMEOUT_MS;
    process.env.DATABASE_LOCK_TIMEOUT_MS = "200";
    const db = createDb(url);
    if (previous === undefined) delete process.env.DATABASE_LOCK_TIMEOUT_MS;
    else process.env.DATABASE_LOCK_TIMEOUT_MS = previous;
    // Another connection holds the lock the counts' upsert needs, past the lock timeout.
    const sqlite = provider === "sqlite" ? createClient({ url }) : undefined;
    const postgres = provider === "postgres" ? new pg.Client({ connectionString: url }) : undefined;
    await postgres?.connect();
    try {
      await sqlite?.execute("BEGIN IMMEDIATE");
      await postgres?.query('BEGIN; LOCK TABLE "ArticleDailyStats" IN ACCESS EXCLUSIVE MODE');
      const counter = createViewCounter(db, { flushMs: 60_000 });
      for (let i = 0; i < 3; i++) counter.count(id, i === 0);
      await counter.flush();
      await sqlite?.execute("ROLLBACK");
      await postgres?.query("ROLLBACK");
      assert.equal(await db.articleDailyStats.count({ where: { articleId: id } }), 0, "the busy flush wrote something");
      counter.count(id, false);
      await counter.flush();
      const [row] = await db.articleDailyStats.findMany({ where: { articleId: id } });
      assert.deepEqual({ views: row?.views, paywalls: row?.paywalls }, { views: 4, paywalls: 1 });
    } finally {
      sqlite?.close();
      await postgres?.end();
      await db.$disconnect();
    }
  });

  it("deletes an article nobody bought, archives a bought one and hides it from readers", async () => {
    const unbought = await article();
    assert.equal(await deleteArticle(receiver, unbought), "deleted");
    assert.equal(await database().db.article.count({ where: { id: unbought } }), 0);

    const bought = await article();
    await setArticlePublished(receiver, bought, true);
    const { slug } = await database().db.article.findUniqueOrThrow({ where: { id: bought } });
    await purchase((await channel()).id, bought, 10n);
    assert.equal(await deleteArticle(receiver, bought), "archived");
    const row = await database().db.article.findUniqueOrThrow({ where: { id: bought } });
    assert.ok(row.archivedAt);
    assert.equal(row.published, false);
    assert.equal(await findPublishedArticle(receiver, slug), null);
    assert.ok(!(await listCatalog(receiver)).some((a) => a.slug === slug));
    assert.ok(!(await listAdminArticles(receiver)).some((a) => a.id === bought));
    await setArticlePublished(receiver, bought, true);
    assert.equal((await database().db.article.findUniqueOrThrow({ where: { id: bought } })).published, false, "an archived article cannot be republished");
    assert.equal(await deleteArticle(receiver, bought), "missing");
  });

  it("answers bad input with a message per field, never a throw", async () => {
    const taken = await article();
    const { slug } = await database().db.article.findUniqueOrThrow({ where: { id: taken } });
    const base = { slug: `b-${++next}`, title: "T", teaser: "t", body: "b", price: "0.01" };
    const error = async (fields: Record<string, string>) => {
      const result = await createArticle(receiver, { ...base, ...fields });
      assert.equal(result.ok, false);
      return result.ok ? {} : result.fieldErrors;
    };
    assert.match((await error({ slug })).slug!, /already has the address/);
    assert.match((await error({ slug: "Not A Slug" })).slug!, /lower-case letters/);
    assert.match((await error({ price: "-1" })).price!, /^The price "-1" is not a plain decimal number/);
    assert.match((await error({ price: "1e5" })).price!, /not a plain decimal/);
    assert.match((await error({ price: "0.0000000000000000001" })).price!, /decimal places/);
    assert.match((await error({ price: "9".repeat(40) })).price!, /.+/, "more than a channel can hold");
    assert.match((await error({ title: " " })).title!, /Enter a title/);
    assert.ok((await updateArticle(receiver, taken, { ...base, slug })).ok, "saving under its own slug is no collision");
    const other = await article();
    const renamed = await updateArticle(receiver, other, { ...base, slug });
    assert.ok(!renamed.ok && /already has the address/.test(renamed.fieldErrors.slug!));
    const crlf = await article({ body: "One.\r\n\r\nTwo." });
    assert.equal((await database().db.article.findUniqueOrThrow({ where: { id: crlf } })).body, "One.\n\nTwo.");
    const stored = await database().db.article.findUniqueOrThrow({ where: { id: await article({ price: "0.05" }) } });
    assert.equal(stored.price, toDbAmount(5n * 10n ** 16n));
    assert.equal(await saveDefaultPrice(receiver, "abc"), 'The price "abc" is not a plain decimal number: enter digits with at most one decimal point, such as 1.5 (no sign, spaces, separators or exponent).');
    assert.equal(await saveDefaultPrice(receiver, "0.2"), null);
    assert.equal(await defaultPrice(receiver), 2n * 10n ** 17n);
  });

  it("pages, filters and sorts channels in the database", async () => {
    const before = (await listChannels(receiver, { sort: "opened", dir: "desc", page: 1 })).total;
    for (let i = 0; i < CHANNELS_PER_PAGE + 5; i++) await channel(i % 5 === 0 ? "closing" : "open", BigInt(i) * 10n ** 15n);
    const all = await listChannels(receiver, { sort: "received", dir: "desc", page: 1 });
    assert.equal(all.total, before + CHANNELS_PER_PAGE + 5);
    assert.equal(all.rows.length, CHANNELS_PER_PAGE);
    const received = all.rows.map((r) => r.received);
    assert.deepEqual(received, [...received].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)), "sorted by amount, not by text");
    const closing = await listChannels(receiver, { state: "closing", sort: "opened", dir: "asc", page: 1 });
    assert.ok(closing.rows.every((r) => r.state === "closing"));
    assert.ok(closing.total >= 6);
    const last = await listChannels(receiver, { sort: "opened", dir: "desc", page: all.pages });
    assert.ok(last.rows.length > 0 && last.rows.length <= CHANNELS_PER_PAGE);
  });

  it("sums revenue per day and week, per article, with the funnel's conversion", async () => {
    const id = await article();
    const c = await channel();
    const c2 = await channel();
    await purchase(c.id, id, 3n, new Date("2026-11-02T10:00:00Z")); // a Monday
    await purchase(c2.id, id, 4n, new Date("2026-11-08T23:00:00Z")); // the Sunday of the same week
    await database().db.articleDailyStats.create({ data: { articleId: id, day: new Date("2026-11-02T00:00:00Z"), views: 10, paywalls: 8 } });
    const byDay = await earnings(receiver, { bucket: "day", since: new Date("2026-11-01T00:00:00Z") });
    const mine = byDay.articles.find((a) => a.id === id)!;
    assert.deepEqual({ revenue: mine.revenue, purchases: mine.purchases, views: mine.views, paywalls: mine.paywalls, conversion: mine.conversion }, { revenue: 7n, purchases: 2, views: 10, paywalls: 8, conversion: 0.25 });
    assert.deepEqual(byDay.periods.filter((p) => p.period.startsWith("2026-11-0")).map((p) => p.period), ["2026-11-02", "2026-11-08"]);
    const byWeek = await earnings(receiver, { bucket: "week", since: new Date("2026-11-01T00:00:00Z") });
    assert.equal(byWeek.periods.find((p) => p.period === "2026-11-02")?.revenue, 7n);
    assert.equal(bucketOf(new Date("2026-11-08T23:59:59Z"), "week"), "2026-11-02");
  });
});
