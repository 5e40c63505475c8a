// A bounded, seeded fuzz of what a client controls — payment headers, cookies, paths, methods,
// JSON bodies — against a live site on SQLite and PostgreSQL. Whatever arrives, the answer is
// never a 5xx, and nothing is bought or signed: the purchases and every channel's balance are
// as they were. The inputs are built from real values (the site's receiver, a real channel, its
// stored proof) and near misses of them, so that they reach deep into the gate, not only the
// header parser, the access token (header and cookie) and the signed access request. No input
// can pay: no signature in it is worth a new balance, and the x402 payments (PAYMENT-SIGNATURE:
// a real authorization and near misses of it) are signed by an account that holds no tokens, so
// none can settle; no x402 payment or transaction is stored.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import fc from "fast-check";
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { x402Client } from "@x402/fetch";
import { parseEther, type Hex } from "viem";
import { ACCESS_TOKEN_COOKIE, RdnCookie, RdnHeader, TollgateHeader, X402Header } from "../../lib/protocol/headers";
import { devAccount } from "../../scripts/lib/localChain";
import { describeEachDatabase } from "../db/databases";
import { seedArticles } from "../helpers/articles";
import { assertProblem, sendRaw } from "../helpers/http";
import { assertNothingStored, channelRow, readBooks } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, openChannel, programHeaders, RECEIVER, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 0x7011_6a7e);

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

/** Characters Node sends unescaped in a request line (no space, no '#', no control). */
const pathChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%?".split(""));
/** Characters a header value may hold (visible ASCII, tab, Latin-1). */
const headerChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x80, 0xa0, 0xe9, 0xff) },
).map((code) => String.fromCharCode(code));

/** Near misses of a valid value: one character changed, dropped, doubled, cased, padded, joined. */
function nearMiss(value: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, value.length - 1) }).chain((i) => headerChar.map((c) => value.slice(0, i) + c + value.slice(i + 1))),
    fc.nat({ max: value.length }).map((i) => value.slice(0, i)),
    fc.constant(`${value}${value.slice(-1)}`),
    fc.constant(value.toUpperCase()),
    fc.constant(value.toLowerCase()),
    fc.constant(` ${value} `),
    fc.constant(`${value}, ${value}`),
    fc.constant(`0${value}`),
    fc.constant(`-${value}`),
  );
}

const noise = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 80 }),
  fc.constantFrom("", "0", "00", "-0", "1e3", "0x10", "NaN", "Infinity", "null", "%00", "\t1", "１２", "0x", "0x" + "f".repeat(130), "\u00b9\u00b2"),
  fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }).map(String),
  fc.constantFrom(2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 128n).map(String),
);

describeEachDatabase("fuzzing the live site", (database) => {
  let site: TestSite;
  let known: TestChannel;
  let unseen: TestChannel;
  let storedSignature: Hex;
  /** A real x402 payment for alpha, by an account without tokens: well-formed, signed, never payable. */
  let x402Payment: Record<string, unknown>;
  let token: string;
  before(async () => {
    await seedArticles(database().db, [
      { slug: "alpha", price: PRICE },
      { slug: "beta", price: 2n * PRICE },
      { slug: "free", price: 0n },
      { slug: "draft", price: PRICE, published: false },
    ]);
    site = await startSite({ databaseUrl: database().url, chain });
    // A channel with a stored balance and proof, whose real values the fuzz mutates.
    known = await openChannel(chain, 2);
    const answer = await sendRaw(site, "/articles/alpha", { headers: programHeaders(await known.sign(PRICE)) });
    assert.equal(answer.status, 200, answer.text);
    storedSignature = (await channelRow(database().db, known))!.balanceSignature as Hex;
    token = accessTokenOf(answer);
    // And one the receiver has not seen yet: the fuzz may make it load it from the chain.
    unseen = await openChannel(chain, 3);
    const offered = await sendRaw(site, "/articles/alpha", { headers: { accept: "application/json" } });
    const offer = decodePaymentRequiredHeader(offered.headers.get(X402Header.paymentRequired)!);
    const broke = new x402Client().register("eip155:*", new ExactEvmScheme(devAccount(12))).setSpendControls(false);
    x402Payment = (await broke.createPaymentPayload(offer)) as unknown as Record<string, unknown>;
  });
  after(() => site?.stop());

  it("answers what Next.js alone would answer with a 500, or with the page, with the client's own status: a method, a Host", async () => {
    const paid = "/articles/alpha";
    // A page's method other than GET, HEAD, POST and OPTIONS (Next.js rendered the page for any).
    // (TRACE, TRACK and CONNECT get Next.js's 500 before the proxy runs: the Fetch API Request it
    // builds for the proxy refuses them; a method Node.js does not know, its 400.)
    for (const method of ["PUT", "DELETE", "PATCH", "PROPFIND"]) {
      for (const target of [paid, "/articles/free", "/"]) {
        const answer = await sendRaw(site, target, { method, headers: { accept: "application/json" } });
        assertProblem(answer, { status: 405, type: "method-not-allowed" });
        assert.equal(answer.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
        assert.doesNotMatch(answer.text, /PAID-BODY|First paragraph/);
      }
    }
    assert.equal((await sendRaw(site, "/api/articles", { method: "DELETE" })).status, 405, "a route handler's own 405");
    const options = await sendRaw(site, paid, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
    assert.equal(options.headers.get(RdnHeader.price), null, "no payment request for an OPTIONS");
    for (const host of ["a b", "a:99999", "[", "a<b"]) {
      const answer = await sendRaw(site, paid, { headers: { host, accept: "application/json" } });
      assertProblem(answer, { status: 400, type: "malformed-request" });
    }
  });

  it(`never answers 5xx and never stores anything, over ${RUNS} seeded requests`, async (t) => {
    const { db } = database();
    const strangerSignature = await devAccount(9).signMessage({ message: "not a balance proof" });
    const real = {
      sender: known.sender,
      receiver: RECEIVER,
      openBlock: known.openBlock.toString(),
      balance: PRICE.toString(),
      signature: storedSignature,
    };
    const realValue = fc.constantFrom(
      real.sender,
      real.sender.toLowerCase(),
      real.receiver,
      real.openBlock,
      real.balance,
      real.signature,
      strangerSignature,
      unseen.sender,
      unseen.openBlock.toString(),
      token,
      `${token.slice(0, -3)}abc`,
      token.split(".").slice(0, 2).join(".") + ".",
      (await known.accessRequest("/articles/alpha"))[TollgateHeader.accessRequest]!,
      (await known.accessRequest("/articles/beta"))[TollgateHeader.accessRequest]!,
      `${known.sender}:${known.openBlock}:0:${storedSignature}`,
      (2n * PRICE).toString(),
      "1",
      "0",
    );
    // Whatever the mutations made, only characters a header can carry are sent.
    const value = fc.oneof(realValue, realValue.chain(nearMiss), noise).map((v) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?"));
    const cookieValue = value.map((v) => v.replace(/[;\t\x80-\xff]/g, ""));

    const paymentNames = Object.values(RdnHeader);
    const headerName = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...paymentNames) },
      { weight: 1, arbitrary: fc.constantFrom(...paymentNames).map((n) => n.toLowerCase()) },
      { weight: 2, arbitrary: fc.constantFrom(TollgateHeader.accessToken, TollgateHeader.accessRequest, TollgateHeader.accessRequest.toLowerCase()) },
      { weight: 1, arbitrary: fc.constantFrom("x-tollgate-grant", "rsc", "next-router-prefetch", "next-router-segment-prefetch", "x-middleware-subrequest", "content-type", "host") },
    );
    const headers = fc.dictionary(headerName, value, { maxKeys: 7 });
    const cookie = fc
      .array(
        fc.oneof(
          fc.tuple(fc.constantFrom(...Object.values(RdnCookie)), cookieValue).map(([n, v]) => `${n}=${v}`),
          fc.tuple(fc.constantFrom(...Object.values(RdnCookie)), cookieValue).map(([n, v]) => `${n}="${v}"`),
          fc.tuple(fc.constant(ACCESS_TOKEN_COOKIE), cookieValue).map(([n, v]) => `${n}=${v}`),
          fc.constantFrom("=", "a", "RDN-Balance", "RDN-Balance=", ";", "theme=dark"),
        ),
        { maxLength: 8 },
      )
      .map((pairs) => pairs.join("; "));
    const segment = fc.oneof(
      fc.constantFrom("alpha", "beta", "free", "draft", "nope", "alpha.rsc", "alpha.segments", "%61lpha", "alpha%00", "%", "%E0%A4%A", "..", ".", ""),
      fc.string({ unit: pathChar, maxLength: 40 }),
    );
    const path = fc.oneof(
      segment.map((s) => `/articles/${s}`),
      fc.tuple(segment, segment).map(([a, b]) => `/articles/${a}/${b}`),
      fc.tuple(fc.oneof(realValue, value, segment), fc.option(fc.oneof(realValue, segment)), fc.boolean()).map(
        ([sender, openBlock, close]) =>
          `/api/channels/${encodeURIComponent(sender)}${openBlock === null ? "" : `/${encodeURIComponent(openBlock)}${close ? "/close" : ""}`}`,
      ),
      fc.constantFrom("/api/articles", "/api/stats", "/", "/api", "/api/channels"),
      fc.string({ unit: pathChar, maxLength: 60 }).map((p) => `/${p}`),
    );
    const json = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ balance: fc.oneof(value, fc.integer(), fc.constant(null)), balanceSignature: fc.oneof(value, fc.constant(null)) }, { requiredKeys: [] })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    );
    const closePath = fc.constantFrom(real.openBlock, "1", "0").map((openBlock) => `/api/channels/${real.sender}/${openBlock}/close`);

    // All five payment headers, each real, another well-formed value, or noise: past the
    // parser into the gate's rules.
    const hex = fc.constantFrom(..."0123456789abcdef".split(""));
    const flipped = fc.tuple(fc.integer({ min: 2, max: 131 }), hex).map(([i, c]) => real.signature.slice(0, i) + c + real.signature.slice(i + 1));
    const field = (v: string, wellFormed: fc.Arbitrary<string>) =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(v) }, { weight: 2, arbitrary: wellFormed }, { weight: 1, arbitrary: value });
    const nearPayment = fc.record({
      [RdnHeader.senderAddress]: field(real.sender, fc.constantFrom(real.sender.toLowerCase(), unseen.sender, devAccount(9).address, RECEIVER)),
      [RdnHeader.receiverAddress]: field(real.receiver, fc.constantFrom(real.receiver.toLowerCase(), known.sender, devAccount(10).address)),
      [RdnHeader.openBlock]: field(real.openBlock, fc.oneof(fc.constantFrom(unseen.openBlock, 0n, 1n, 2n ** 63n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 10n ** 6n })).map(String)),
      [RdnHeader.balance]: field(real.balance, fc.oneof(fc.constantFrom(0n, PRICE - 1n, PRICE + 1n, 2n * PRICE, 3n * PRICE), fc.bigInt({ min: 0n, max: 2n ** 128n - 1n })).map(String)),
      [RdnHeader.balanceSignature]: field(real.signature, fc.oneof(fc.constant(strangerSignature), flipped)),
    });

    // x402: the real payment, one of its members replaced by a real value, a near miss or noise;
    // the header itself mutated; or noise.
    const x402Members = [
      "x402Version",
      "accepted.scheme",
      "accepted.network",
      "accepted.asset",
      "accepted.amount",
      "accepted.payTo",
      "payload.authorization.from",
      "payload.authorization.to",
      "payload.authorization.value",
      "payload.authorization.validAfter",
      "payload.authorization.validBefore",
      "payload.authorization.nonce",
      "payload.signature",
      "payload",
    ];
    const withMember = (path: string, v: unknown) => {
      const copy = structuredClone(x402Payment);
      const keys = path.split(".");
      let at = copy as Record<string, unknown>;
      for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
      at[keys.at(-1)!] = v;
      return copy;
    };
    const realX402 = encodePaymentSignatureHeader(x402Payment as never);
    const memberValue = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(real.sender, RECEIVER, real.signature, PRICE.toString(), (2n * PRICE).toString(), "0", "eip155:1", "exact", "upto") },
      { weight: 2, arbitrary: value },
      { weight: 1, arbitrary: fc.constantFrom(null, {}, 2, -1) },
    );
    const x402Header = fc.oneof(
      { weight: 4, arbitrary: fc.constant(realX402) },
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...x402Members), memberValue).map(([m, v]) => Buffer.from(JSON.stringify(withMember(m, v))).toString("base64")) },
      { weight: 2, arbitrary: nearMiss(realX402) },
      { weight: 1, arbitrary: value },
    ).map((v) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?"));
    const x402Request = fc.record({
      method: fc.constantFrom("GET", "HEAD"),
      path: fc.constantFrom("/articles/alpha", "/articles/beta", "/articles/free", "/articles/draft", "/articles/nope"),
      headers: fc.tuple(x402Header, fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nearPayment })).map(([h, rdn]) => ({ ...rdn, [X402Header.paymentSignature]: h })),
      accept: fc.constantFrom("application/json", "application/json", "text/html", "*/*"),
    });
    // The real x402 payment gets as far as x402's facilitator, which finds no tokens behind it.
    const probe = await sendRaw(site, "/articles/alpha", { headers: { accept: "application/json", [X402Header.paymentSignature]: realX402 } });
    assert.equal(probe.status, 402, probe.text);
    assert.equal(JSON.parse(probe.text).type, "urn:tollgate:problem:x402-payment-invalid");

    const request = fc.oneof(
      // An article, paid for by a near miss of a real x402 payment (alone, or with RDN headers).
      { weight: 3, arbitrary: x402Request },
      // An article, paid for by a near miss of a real payment.
      {
        weight: 3,
        arbitrary: fc.record({
          method: fc.constantFrom("GET", "HEAD"),
          path: fc.constantFrom("/articles/alpha", "/articles/beta", "/articles/free", "/articles/draft"),
          headers: nearPayment,
          accept: fc.constantFrom("application/json", "text/html"),
        }),
      },
      // An article, paid for (badly) by headers.
      fc.record({ method: fc.constantFrom("GET", "HEAD"), path: segment.map((s) => `/articles/${s}`), headers, accept: fc.constantFrom("application/json", "text/html", "*/*") }),
      // An article, paid for (badly) by cookies.
      fc.record({ method: fc.constant("GET"), path: fc.constantFrom("/articles/alpha", "/articles/beta", "/articles/draft"), cookie, accept: fc.constantFrom("text/html", "application/json") }),
      // Any path, any method.
      fc.record({ method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "FOO"), path, headers, cookie: fc.option(cookie, { nil: undefined }) }),
      // A close request with any body.
      fc.record({ method: fc.constant("POST"), path: fc.oneof(closePath, path), body: json, contentType: fc.constantFrom("application/json", "text/plain") }),
    );

    const before = await readBooks(db);
    let sent = 0;
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const { method, path: target } = r;
        const body = "body" in r ? r.body : undefined;
        const sentHeaders: Record<string, string> = { ...("headers" in r ? r.headers : {}) };
        if ("accept" in r) sentHeaders.accept = r.accept;
        if ("cookie" in r && r.cookie !== undefined) sentHeaders.cookie = r.cookie;
        if ("contentType" in r) sentHeaders["content-type"] = r.contentType;
        sent++;
        const answer = await sendRaw(site, target, { method, headers: sentHeaders, body });
        const key = `${X402Header.paymentSignature in sentHeaders ? "x402 " : ""}${answer.status}${answer.headers.get("content-type")?.includes("problem") ? ` ${JSON.parse(answer.text || "{}").type?.split(":").pop()}` : ""}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        assert.ok(answer.status < 500, `${method} ${target} ${JSON.stringify(sentHeaders)} ${body ?? ""} → ${answer.status} ${answer.text.slice(0, 200)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    t.diagnostic(`answers: ${[...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    assert.ok(sent > RUNS * 0.9, `only ${sent} requests were sent`);
    await assertNothingStored(db, before);
  });
});
