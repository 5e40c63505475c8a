import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { parseCookieHeader } from "./cookies";
import { MalformedPaymentError, isTollgateError } from "./errors";
import { RdnCookie, RdnHeader } from "./headers";
import {
  clearPaymentCookies,
  decodePayment,
  decodePaymentCookies,
  encodePaymentCookies,
  encodePaymentHeaders,
  type Payment,
} from "./payment";
import { adversarialValue, payment as paymentArbitrary } from "./test-arbitraries";
import { balanceProofTypedData } from "./typedData";

// Hardhat's well-known development keys: never funded anywhere that matters.
const senderAccount = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const receiver = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const domain = { chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" } as const;

async function signedPayment(balance: bigint): Promise<Payment> {
  const channel = { sender: senderAccount.address, receiver, openBlock: 7n } as const;
  const balanceSignature = await senderAccount.signTypedData(balanceProofTypedData(domain, channel, balance));
  return { ...channel, balance, balanceSignature };
}

/** A `Headers` from the encoded record: what a server sees. */
const asHeaders = (record: Record<string, string>) => new Headers(record);
/** A `Cookie` header from `encodePaymentCookies` strings, as a browser would send it. */
const asCookieHeader = (cookies: string[]) => cookies.map((cookie) => cookie.split(";")[0]).join("; ");

function assertMalformed(run: () => unknown, field: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MalformedPaymentError, `expected MalformedPaymentError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.match(error.field, field);
    return true;
  });
}

describe("payment headers", () => {
  it("carry a real signed proof that still verifies after decoding", async () => {
    const payment = await signedPayment(40n);
    const found = decodePayment(asHeaders(encodePaymentHeaders(payment)));
    assert.equal(found.type, "payment");
    if (found.type !== "payment") return;
    assert.equal(found.source, "headers");
    assert.deepEqual(found.payment, payment);
    const { sender, receiver: to, openBlock, balance, balanceSignature } = found.payment;
    const signer = await recoverTypedDataAddress({ ...balanceProofTypedData(domain, { sender, receiver: to, openBlock }, balance), signature: balanceSignature });
    assert.equal(signer, senderAccount.address);
  });

  it("use µRaiden's names", async () => {
    const headers = encodePaymentHeaders(await signedPayment(40n));
    assert.deepEqual(Object.keys(headers).sort(), ["RDN-Balance", "RDN-Balance-Signature", "RDN-Open-Block", "RDN-Receiver-Address", "RDN-Sender-Address"]);
    assert.equal(headers["RDN-Balance"], "40");
    assert.equal(headers["RDN-Open-Block"], "7");
  });

  it("are absent: no payment", () => {
    assert.deepEqual(decodePayment(new Headers()), { type: "none" });
    assert.deepEqual(decodePayment(new Headers({ cookie: "theme=dark" })), { type: "none" });
  });

  it("normalise case: lowercase addresses come back checksummed, signatures lowercase", async () => {
    const payment = await signedPayment(40n);
    const headers = encodePaymentHeaders(payment);
    headers[RdnHeader.senderAddress] = payment.sender.toLowerCase();
    headers[RdnHeader.balanceSignature] = payment.balanceSignature.toUpperCase().replace("0X", "0x");
    const found = decodePayment(asHeaders(headers));
    assert.deepEqual(found, { type: "payment", payment, source: "headers" });
  });

  it("must come all together", async () => {
    const headers = encodePaymentHeaders(await signedPayment(40n));
    for (const name of Object.keys(headers)) {
      const partial = { ...headers };
      delete partial[name];
      assertMalformed(() => decodePayment(asHeaders(partial)), new RegExp(`^${name} header$`));
    }
  });

  it("reject each malformed field, naming the header", async () => {
    const valid = encodePaymentHeaders(await signedPayment(40n));
    const bad: Record<string, string[]> = {
      [RdnHeader.senderAddress]: ["0x1234", "not an address", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"],
      [RdnHeader.receiverAddress]: [`0x${"g".repeat(40)}`],
      [RdnHeader.openBlock]: ["-1", "1e3", "07", "18446744073709551616"],
      [RdnHeader.balance]: ["-5", "+5", "5.0", "0x05", "340282366920938463463374607431768211456", "5, 6"],
      [RdnHeader.balanceSignature]: ["0x", `0x${"ab".repeat(64)}`, "ab".repeat(65)],
    };
    for (const [name, values] of Object.entries(bad)) {
      for (const value of values) {
        assertMalformed(() => decodePayment(asHeaders({ ...valid, [name]: value })), new RegExp(`^${name} header$`));
      }
    }
  });

  it("say how to fix a bad value", async () => {
    const valid = encodePaymentHeaders(await signedPayment(40n));
    try {
      decodePayment(asHeaders({ ...valid, [RdnHeader.balance]: "-5" }));
      assert.fail("should throw");
    } catch (error) {
      assert.ok(error instanceof MalformedPaymentError);
      assert.equal(
        error.shortMessage,
        'The RDN-Balance header must be a decimal integer from 0 to 2^128-1, without sign, exponent or leading zeros (got "-5"). Fix it and send the request again.',
      );
    }
  });

  it("refuse to encode a value outside its type, naming the field (a bug in the caller)", async () => {
    const payment = await signedPayment(40n);
    assert.throws(() => encodePaymentHeaders({ ...payment, balance: 2n ** 128n }), { name: "TypeError", message: /^Cannot encode balance: it must be a decimal integer/ });
    assert.throws(() => encodePaymentHeaders({ ...payment, openBlock: -1n }), { name: "TypeError", message: /^Cannot encode openBlock/ });
  });

  it("always send signatures in lowercase", async () => {
    const payment = await signedPayment(40n);
    const upper = `0x${payment.balanceSignature.slice(2).toUpperCase()}` as const;
    assert.equal(encodePaymentHeaders({ ...payment, balanceSignature: upper })[RdnHeader.balanceSignature], payment.balanceSignature);
  });

  it("take precedence over cookies, which are then ignored entirely", async () => {
    const fromHeaders = await signedPayment(40n);
    const fromCookies = await signedPayment(30n);
    const headers = asHeaders(encodePaymentHeaders(fromHeaders));
    headers.set("cookie", asCookieHeader(encodePaymentCookies(fromCookies)));
    assert.deepEqual(decodePayment(headers), { type: "payment", payment: fromHeaders, source: "headers" });
    // A partial header set is an error even if cookies could complete it.
    headers.delete(RdnHeader.balance);
    assertMalformed(() => decodePayment(headers), /^RDN-Balance header$/);
  });
});

describe("payment cookies", () => {
  it("round-trip through a Cookie header", async () => {
    const payment = await signedPayment(40n);
    const headers = new Headers({ cookie: `theme=dark; ${asCookieHeader(encodePaymentCookies(payment))}; other=1` });
    assert.deepEqual(decodePayment(headers), { type: "payment", payment, source: "cookies" });
    assert.deepEqual(decodePaymentCookies(headers.get("cookie")), { type: "payment", payment, source: "cookies" });
  });

  it("are written with the constants' names and safe attributes", async () => {
    const cookies = encodePaymentCookies(await signedPayment(40n), { maxAgeSeconds: 60 });
    assert.deepEqual(
      cookies.map((cookie) => cookie.split("=")[0]),
      [RdnCookie.senderAddress, RdnCookie.receiverAddress, RdnCookie.openBlock, RdnCookie.balance, RdnCookie.balanceSignature],
    );
    for (const cookie of cookies) assert.match(cookie, /; Path=\/; SameSite=Lax; Max-Age=60; Secure$/);
  });

  it("are cleared with Max-Age=0 and, once cleared, read as no payment", () => {
    const cleared = clearPaymentCookies({ secure: false });
    assert.equal(cleared.length, 5);
    for (const cookie of cleared) assert.match(cookie, /^RDN-[A-Za-z-]+=; Path=\/; SameSite=Lax; Max-Age=0$/);
    assert.deepEqual(decodePaymentCookies(asCookieHeader(cleared)), { type: "none" });
  });

  it("must come all together, naming the missing cookie", async () => {
    const header = asCookieHeader(encodePaymentCookies(await signedPayment(40n)).slice(1));
    assertMalformed(() => decodePaymentCookies(header), /^RDN-Sender-Address cookie$/);
  });

  it("reject a malformed value, naming the cookie", async () => {
    const cookies = Object.fromEntries(parseCookieHeader(asCookieHeader(encodePaymentCookies(await signedPayment(40n)))));
    cookies[RdnCookie.openBlock] = "seven";
    const header = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join("; ");
    assertMalformed(() => decodePaymentCookies(header), /^RDN-Open-Block cookie$/);
  });
});

describe("payment properties", () => {
  it("headers round-trip every valid payment", () => {
    fc.assert(
      fc.property(paymentArbitrary, (payment) => {
        assert.deepEqual(decodePayment(asHeaders(encodePaymentHeaders(payment))), { type: "payment", payment, source: "headers" });
      }),
    );
  });

  it("cookies round-trip every valid payment", () => {
    fc.assert(
      fc.property(paymentArbitrary, (payment) => {
        const header = asCookieHeader(encodePaymentCookies(payment));
        assert.deepEqual(decodePaymentCookies(header), { type: "payment", payment, source: "cookies" });
      }),
    );
  });

  it("encoding is canonical: decoding then encoding gives the same headers", () => {
    fc.assert(
      fc.property(paymentArbitrary, (payment) => {
        const headers = encodePaymentHeaders(payment);
        const found = decodePayment(asHeaders(headers));
        assert.ok(found.type === "payment");
        assert.deepEqual(encodePaymentHeaders(found.payment), headers);
      }),
    );
  });

  const names = [RdnHeader.senderAddress, RdnHeader.receiverAddress, RdnHeader.openBlock, RdnHeader.balance, RdnHeader.balanceSignature];

  /** Decodes and reports what happened; fails the property on anything but a 400 TollgateError. */
  function decodeSafely(run: () => unknown): "ok" | "rejected" {
    try {
      run();
      return "ok";
    } catch (error) {
      assert.ok(isTollgateError(error), `threw a non-Tollgate error: ${String(error)}`);
      assert.ok(error instanceof MalformedPaymentError);
      assert.equal(error.status, 400);
      assert.ok(error.shortMessage.length < 400);
      return "rejected";
    }
  }

  it("adversarial header values only ever raise MalformedPaymentError (400)", () => {
    fc.assert(
      fc.property(
        paymentArbitrary,
        fc.dictionary(fc.constantFrom(...names), adversarialValue, { minKeys: 1 }),
        (payment, overrides) => {
          const record = { ...encodePaymentHeaders(payment), ...overrides };
          // Headers rejects some byte sequences outright; a server never sees those.
          let headers: Headers;
          try {
            headers = new Headers(record);
          } catch {
            return;
          }
          decodeSafely(() => decodePayment(headers));
        },
      ),
    );
  });

  it("adversarial values through a plain get() adapter only ever raise MalformedPaymentError", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names, "cookie"), adversarialValue), (record) => {
        decodeSafely(() => decodePayment({ get: (name) => record[name] ?? null }));
      }),
    );
  });

  it("adversarial Cookie headers only ever raise MalformedPaymentError", () => {
    const pair = fc.tuple(fc.oneof(fc.constantFrom(...Object.values(RdnCookie)), fc.string()), adversarialValue).map(([name, value]) => `${name}=${value}`);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), fc.constantFrom("; ", ";", "&"), (pairs, separator) => {
        decodeSafely(() => decodePaymentCookies(pairs.join(separator)));
      }),
    );
  });

  it("accepts only canonical spellings (up to hex case): junk is refused, never misread", () => {
    fc.assert(
      fc.property(paymentArbitrary, fc.constantFrom(...names), adversarialValue, (payment, name, value) => {
        const headers = encodePaymentHeaders(payment);
        fc.pre(value !== "");
        const read = { get: (n: string) => (n === name ? value : headers[n] ?? null) };
        if (decodeSafely(() => decodePayment(read)) === "ok") {
          const found = decodePayment(read);
          assert.ok(found.type === "payment");
          assert.equal(encodePaymentHeaders(found.payment)[name]?.toLowerCase(), value.toLowerCase());
        }
      }),
      { numRuns: 500 },
    );
  });
});
