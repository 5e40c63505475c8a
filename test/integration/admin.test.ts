// The publisher's admin over HTTP against `next start`: sign-in with Ethereum sets the session
// cookie once per nonce, and EVERY admin route handler, server action (a POST with a
// Next-Action header, as a script would send it) and page refuses a request without a session,
// with an expired one, with the session of an address that is not a publisher, and with a
// forged cookie, and changes nothing when it does. Real chain, real SQLite, real server.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import { toDbAmount } from "../../lib/db/amount";
import { signToken } from "../../lib/receiver/auth/signedToken";
import type { Receiver } from "../../lib/receiver/context";
import { devAccount } from "../../scripts/lib/localChain";
import { createTestDatabase, type TestDatabase } from "../db/databases";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { testReceiver } from "../helpers/testReceiver";

const publisher = devAccount(6);
const reader = devAccount(7);
const SESSION_SECRET = "admin-suite-session-secret-0123456789abcdef";
const COOKIE = "tollgate-admin";

/** The build's server actions by exported name (their ids change with every build). */
function actionIds(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.node)
      .filter(([, v]) => v.filename === "app/admin/actions.ts")
      .map(([id, v]) => [v.exportedName!, id]),
  );
}

describe("publisher admin over HTTP", () => {
  let chain: TestChain;
  let database: TestDatabase;
  let site: TestSite;
  let receiver: Receiver;
  let actions: Record<string, string>;
  let articleId: number;

  before(async () => {
    chain = await startTestChain();
    database = await createTestDatabase("sqlite");
    const env = { PUBLISHER_ADDRESSES: publisher.address, SESSION_SECRET };
    site = await startSite({ databaseUrl: database.url, chain, env });
    receiver = testReceiver(chain, database, env);
    actions = actionIds();
    const article = await database.db.article.create({
      data: { slug: "admin-suite", title: "Admin suite", teaser: "t", body: "b", price: toDbAmount(10n ** 16n), published: false },
    });
    articleId = article.id;
  });
  after(async () => {
    await site?.stop();
    chain?.stop();
    await database?.dispose();
  });

  const host = () => new URL(site.url).host;

  async function signedMessage(signer = publisher) {
    const answer = await fetch(`${site.url}/api/admin/nonce`, { method: "POST" });
    const text = await answer.text();
    assert.equal(answer.status, 200, text);
    const fields = JSON.parse(text) as { nonce: string; domain: string; uri: string; chainId: number };
    assert.equal(fields.domain, host(), "locally, without SITE_URL, the message names the request's host");
    const message = createSiweMessage({ ...fields, address: signer.address, version: "1" });
    return { message, signature: (await signer.signMessage({ message })) as Hex };
  }
  const signIn = (body: { message: string; signature: Hex }) =>
    fetch(`${site.url}/api/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const cookieOf = (response: Response) => /tollgate-admin=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];

  /** The ways in that must fail, as the Cookie header each one sends. */
  async function badSessions(): Promise<Array<{ name: string; cookie: string | undefined; status: number }>> {
    const valid = await signToken(receiver, "admin-session", { sub: publisher.address }, 3600);
    const [header, payload, mac] = valid.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const otherServer = testReceiver(chain, database, { PUBLISHER_ADDRESSES: publisher.address, SESSION_SECRET: "another-server-secret-0123456789abcdefgh" });
    return [
      { name: "no session", cookie: undefined, status: 401 },
      { name: "an expired session", cookie: await signToken(receiver, "admin-session", { sub: publisher.address }, -5), status: 401 },
      { name: "a non-publisher's session", cookie: await signToken(receiver, "admin-session", { sub: reader.address }, 3600), status: 403 },
      { name: "a session of another audience", cookie: await signToken(receiver, "entitlement", { sub: publisher.address }, 3600), status: 401 },
      { name: "a cookie signed with another key", cookie: await signToken(otherServer, "admin-session", { sub: publisher.address }, 3600), status: 401 },
      {
        name: "a tampered cookie",
        cookie: `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString("base64url")}.${mac}`,
        status: 401,
      },
      { name: "an unsigned cookie", cookie: `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`, status: 401 },
      { name: "junk", cookie: "not-a-token", status: 401 },
    ];
  }

  const withCookie = (cookie: string | undefined): Record<string, string> => (cookie ? { cookie: `${COOKIE}=${cookie}` } : {});

  /**
   * A server action interrupted by requirePublisher(): Next.js answers the action's POST with
   * 200 and the interrupt as the result's error (the router then shows app/unauthorized.tsx or
   * app/forbidden.tsx); what matters is that the action's body never ran.
   */
  const assertInterrupted = async (response: Response, status: number, what: string) => {
    // (An action with no arguments gets the interrupt's own status and page instead.)
    if (response.status === status) return;
    assert.equal(response.status, 200, what);
    assert.match(await response.text(), new RegExp(`^1:E\\{"digest":"NEXT_HTTP_ERROR_FALLBACK;${status}"\\}$`, "m"), what);
  };

  /** Calls a server action as the router does: a POST to an admin page with its id and JSON arguments. */
  const callAction = (name: string, args: unknown[], cookie: string | undefined) =>
    fetch(`${site.url}/admin`, {
      method: "POST",
      redirect: "manual",
      headers: { "next-action": actions[name]!, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: site.url, ...withCookie(cookie) },
      body: JSON.stringify(args),
    });

  it("signs a publisher in once per nonce, with an HTTP-only SameSite=Strict cookie that expires", async () => {
    const signed = await signedMessage();
    const response = await signIn(signed);
    assert.equal(response.status, 200, await response.clone().text());
    const setCookie = response.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, /Max-Age=28800/i);
    assert.doesNotMatch(setCookie, /Secure/i, "plain http on 127.0.0.1 (the demo) gets no Secure flag");
    const page = await fetch(`${site.url}/admin`, { headers: withCookie(cookieOf(response)) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(publisher.address));

    const replay = await signIn(signed);
    assert.equal(replay.status, 401, "a replayed nonce");
    assert.equal(cookieOf(replay), undefined);
    assert.match(((await replay.json()) as { detail: string }).detail, /nonce is unknown, expired or already used/);
  });

  it("refuses a publisher's sign-in for a reader's purchases (its message names the site's root, not /admin): 401, no cookie", async () => {
    const nonce = ((await (await fetch(`${site.url}/api/reader/nonce`, { method: "POST" })).json()) as { nonce: string }).nonce;
    const message = createSiweMessage({ address: publisher.address, chainId: receiver.config.chainId, domain: host(), nonce, uri: `${site.url}/`, version: "1", statement: "Restore my purchases on this site." });
    const response = await signIn({ message, signature: await publisher.signMessage({ message }) });
    assert.equal(response.status, 401);
    assert.equal(cookieOf(response), undefined);
    assert.match(((await response.json()) as { detail: string }).detail, /not to this site's admin/);
  });

  it("refuses a non-publisher's valid sign-in (403, no cookie) and malformed sign-ins (400/401, never 500)", async () => {
    const stranger = await signIn(await signedMessage(reader));
    assert.equal(stranger.status, 403);
    assert.equal(cookieOf(stranger), undefined);
    const forged = await signedMessage();
    const bySomeoneElse = await signIn({ message: forged.message, signature: (await reader.signMessage({ message: forged.message })) as Hex });
    assert.equal(bySomeoneElse.status, 401);
    for (const body of ["", "{}", '{"message":"hi","signature":"0x00"}', '{"message":1,"signature":"zz"}']) {
      const r = await fetch(`${site.url}/api/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body });
      assert.ok(r.status === 400 || r.status === 401, `${body} answered ${r.status}`);
    }
  });

  it("every admin route handler refuses each bad session and changes nothing", async () => {
    for (const bad of await badSessions()) {
      const transactions = await fetch(`${site.url}/api/admin/transactions?ids=1`, { headers: withCookie(bad.cookie) });
      assert.equal(transactions.status, bad.status, `GET /api/admin/transactions with ${bad.name}`);
      assert.match(transactions.headers.get("content-type") ?? "", /application\/problem\+json/);
      const signOut = await fetch(`${site.url}/api/admin/session`, { method: "DELETE", headers: withCookie(bad.cookie) });
      assert.equal(signOut.status, bad.status, `DELETE /api/admin/session with ${bad.name}`);
    }
  });

  it("every server action refuses each bad session over HTTP and changes nothing", async () => {
    assert.deepEqual(Object.keys(actions).sort(), ["publishArticle", "removeArticle", "saveArticle", "saveSettings", "signOut", "withdraw"]);
    const calls: Record<string, unknown[]> = {
      publishArticle: [articleId, true],
      removeArticle: [articleId],
      // The form data is never reached: the session is checked first.
      saveArticle: [articleId, null, null],
      saveSettings: [null, null],
      withdraw: [null],
      signOut: [],
    };
    const before = await database.db.article.findUniqueOrThrow({ where: { id: articleId } });
    for (const bad of await badSessions()) {
      for (const [name, args] of Object.entries(calls)) {
        await assertInterrupted(await callAction(name, args, bad.cookie), bad.status, `${name} with ${bad.name}`);
      }
    }
    assert.deepEqual(await database.db.article.findUniqueOrThrow({ where: { id: articleId } }), before);
    assert.equal(await database.db.siteSetting.count(), 0);
    assert.equal(await database.db.receiverTransaction.count(), 0);
  });

  it("every admin page refuses each bad session: the sign-in (401) or the not-a-publisher page (403)", async () => {
    const pages = ["/admin", "/admin/articles", "/admin/articles/new", `/admin/articles/${articleId}`, "/admin/channels", "/admin/earnings", "/admin/settings"];
    for (const bad of await badSessions()) {
      for (const page of pages) {
        const response = await fetch(`${site.url}${page}`, { headers: withCookie(bad.cookie) });
        assert.equal(response.status, bad.status, `${page} with ${bad.name}`);
        const html = await response.text();
        // The interrupt's page is drawn in the browser: the payload names the sign-in component.
        assert.match(html, /\\"SignIn\\"/);
        assert.doesNotMatch(html, /Admin suite/, "nothing of the admin's data");
      }
    }
  });

  it("a publisher's server actions called with arguments no page sends are refused as not found, never a 500, and change nothing", async () => {
    const session = await signToken(receiver, "admin-session", { sub: publisher.address }, 3600);
    const before = await database.db.article.findUniqueOrThrow({ where: { id: articleId } });
    const calls: Array<[string, unknown[]]> = [
      ["publishArticle", ["abc", "x"]],
      ["publishArticle", [2 ** 40, true]],
      ["publishArticle", [articleId, "yes"]],
      ["removeArticle", [-5]],
      ["removeArticle", [1.5]],
      ["withdraw", ["x"]],
      ["withdraw", [[1.5]]],
      ["saveSettings", [null, {}]],
      ["saveArticle", ["abc", null, {}]],
      ["saveArticle", [articleId, null, "not a form"]],
    ];
    for (const [name, args] of calls) {
      await assertInterrupted(await callAction(name, args, session), 404, `${name}(${JSON.stringify(args)})`);
    }
    assert.deepEqual(await database.db.article.findUniqueOrThrow({ where: { id: articleId } }), before);
    assert.equal(await database.db.siteSetting.count(), 0);
    assert.equal(await database.db.receiverTransaction.count(), 0);

    // A body over Next.js's server-action limit (1 MB): 413 before the action, not a 500.
    const huge = await fetch(`${site.url}/admin/articles/${articleId}`, {
      method: "POST",
      headers: { "next-action": actions.saveArticle!, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: site.url, ...withCookie(session) },
      body: JSON.stringify([articleId, null, "x".repeat(3 * 1024 * 1024)]),
    });
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as { type: string }).type, "urn:tollgate:problem:request-too-large");
  });

  it("a publisher's session runs the actions and handlers, and a bad price or a taken slug is a field error", async () => {
    const session = await signToken(receiver, "admin-session", { sub: publisher.address }, 3600);
    const published = await callAction("publishArticle", [articleId, true], session);
    assert.equal(published.status, 200);
    assert.equal((await database.db.article.findUniqueOrThrow({ where: { id: articleId } })).published, true);
    const progress = await fetch(`${site.url}/api/admin/transactions?ids=1,2`, { headers: withCookie(session) });
    assert.equal(progress.status, 200);
    assert.deepEqual(await progress.json(), { transactions: [] });
    const badIds = await fetch(`${site.url}/api/admin/transactions?ids=x`, { headers: withCookie(session) });
    assert.equal(badIds.status, 400);

    // The form's own POST: multipart fields, through the page the form is on.
    const post = (fields: Record<string, string>) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.set(`_1_${k}`, v);
      body.set("0", JSON.stringify([articleId, null, "$K1"]));
      return fetch(`${site.url}/admin/articles/${articleId}`, {
        method: "POST",
        headers: { "next-action": actions.saveArticle!, accept: "text/x-component", origin: site.url, ...withCookie(session) },
        body,
      });
    };
    const fields = { slug: "admin-suite", title: "Admin suite", teaser: "t", body: "b" };
    const impossible = await post({ ...fields, price: "-1" });
    assert.equal(impossible.status, 200);
    assert.match(await impossible.text(), /The price .* is not a plain decimal number/);
    const tooPrecise = await post({ ...fields, price: "0.0000000000000000001" });
    assert.match(await tooPrecise.text(), /decimal places/);
    await database.db.article.create({ data: { slug: "taken", title: "Taken", teaser: "t", body: "b", price: toDbAmount(0n) } });
    const taken = await post({ ...fields, slug: "taken", price: "0.05" });
    assert.match(await taken.text(), /already has the address \/articles\/taken/);
    const saved = await post({ ...fields, title: "Renamed", price: "0.05" });
    assert.match(await saved.text(), /"ok":true/);
    const row = await database.db.article.findUniqueOrThrow({ where: { id: articleId } });
    assert.equal(row.title, "Renamed");
    assert.equal(row.price, toDbAmount(5n * 10n ** 16n), "0.05 tokens stored in base units");

    const out = await fetch(`${site.url}/api/admin/session`, { method: "DELETE", headers: withCookie(session) });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie") ?? "", /tollgate-admin=;.*Max-Age=0/i);
  });
});
