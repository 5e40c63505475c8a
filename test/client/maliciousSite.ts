/**
 * A Tollgate site that lies, for the SDK's safety suite (maliciousSites.test.ts): a real HTTP
 * server (node:http on a free port of 127.0.0.1) that speaks the wire protocol through
 * lib/protocol's own encoders and checks every proof against the real chain as a receiver would
 * (signer is the sender or the on-chain delegate, channel open, balance within the deposit). It
 * records every proof it was sent, so a test can tell exactly what the reader signed, and lies
 * in the ways `Lies` lists: the ways a site could profit from an SDK that believes it.
 *
 * Honest by default, it is also the "other site" the lies name or relay to.
 */
import http from "node:http";
import { getAddress, isAddressEqual, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import {
  ChannelNotFoundError,
  ChannelStateConflictError,
  InsufficientDepositError,
  InvalidAmountError,
  InvalidBalanceProofError,
  PaymentRequiredError,
  StaleBalanceProofError,
  type TollgateError,
} from "../../lib/protocol/errors";
import { RdnHeader } from "../../lib/protocol/headers";
import { decodePayment, type Payment } from "../../lib/protocol/payment";
import type { PaymentTerms } from "../../lib/protocol/paymentRequest";
import { toProblemResponse } from "../../lib/protocol/problemResponse";
import { encodeReceiptHeaders } from "../../lib/protocol/receipt";
import type { ChannelId } from "../../lib/protocol/typedData";
import { verifyBalanceProof } from "../../lib/protocol/verifyBalanceProof";

/** How the site lies. Every member is off by default (an honest site). */
export type Lies = {
  /** Accepts every proof but says it charged nothing (`RDN-Cost: 0`). */
  costZero?: boolean;
  /** Answers every proof that raises the balance with a "stale" 402 whose stored proof is that very proof (it keeps it). */
  echoStale?: boolean;
  /** Answers every proof with a 409, as if it had signed a closing commitment: the client must use another channel. */
  closing?: boolean;
  /** Names this channel manager in its terms and catalog (an attacker's contract). */
  contract?: Address;
  /** Names this receiver in its terms and catalog (another site's). */
  receiver?: Address;
  /**
   * Passes every request on to this other site (same path, same headers, payment included) and
   * answers with what it answers: the other site's 402s, in the other site's name, at this
   * origin, so that whatever the reader pays buys the other site's articles for this one.
   */
  relayTo?: string;
  /** Answers requests for these paths with a 307 to these URLs (another origin's, or its own). */
  redirects?: Record<string, string>;
};

export type ReceivedProof = Payment & { path: string; valid: boolean };

type Stored = { balance: bigint; balanceSignature?: Hex | undefined; bought: Set<string> };

const key = (id: ChannelId) => `${id.sender}/${id.receiver}/${id.openBlock}`.toLowerCase();

export type MaliciousSite = Awaited<ReturnType<typeof startMaliciousSite>>;

/**
 * Starts the site with `prices` (slug → price in base units) on a free port.
 *
 * @example
 * const site = await startMaliciousSite({ publicClient, chainId, contract, token, prices: { a: 10n }, lies: { costZero: true } })
 * await client.getArticle(site.articleUrl("a"))
 * site.highestProof(channel) // what the reader signed, as the site holds it
 */
export async function startMaliciousSite(options: {
  publicClient: PublicClient;
  chainId: number;
  /** The honest channel manager and its token (what the site would name if it did not lie). */
  contract: Address;
  token: Address;
  prices: Record<string, bigint>;
  lies?: Lies;
}) {
  const lies: Lies = { ...options.lies };
  const own: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey());
  const receiver = lies.receiver ?? own.address;
  const contract = lies.contract ?? options.contract;
  const stored = new Map<string, Stored>();
  /** Every payment any request carried, verified or not, in arrival order. */
  const received: ReceivedProof[] = [];
  /** Every request's path and whether it carried payment headers. */
  const requests: { method: string; path: string; paid: boolean }[] = [];

  const terms = (price: bigint): PaymentTerms => ({ price, receiver, contract, token: options.token, chainId: options.chainId, gatewayPath: "/api" });
  const domain = { chainId: options.chainId, verifyingContract: contract };
  const channelOf = (id: ChannelId) => {
    let found = stored.get(key(id));
    if (!found) stored.set(key(id), (found = { balance: 0n, bought: new Set() }));
    return found;
  };

  async function relay(request: Request, to: string): Promise<Response> {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const payment = decodePayment(headers);
    if (payment.type === "payment") received.push({ ...payment.payment, path: url.pathname, valid: false });
    const answer = await fetch(`${to}${url.pathname}`, { method: request.method, headers, redirect: "manual" });
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
  }

  async function article(slug: string, request: Request): Promise<Response> {
    const price = options.prices[slug];
    if (price === undefined) return Response.json({ type: "about:blank", title: "Not found", status: 404 }, { status: 404 });
    const refuse = (error: TollgateError) => toProblemResponse(error, { terms: terms(price) });
    let decoded;
    try {
      decoded = decodePayment(request.headers);
    } catch (error) {
      return toProblemResponse(error); // malformed: a 400
    }
    if (decoded.type === "none") return refuse(new PaymentRequiredError({ price }));
    const { payment } = decoded;
    const id: ChannelId = { sender: payment.sender, receiver: payment.receiver, openBlock: payment.openBlock };
    const onChain = isAddressEqual(payment.receiver, receiver) ? await getChannelInfo(options.publicClient, contract, id) : null;
    const proof = onChain ? await verifyBalanceProof(domain, id, payment.balance, payment.balanceSignature, onChain.delegate) : { valid: false, signer: undefined };
    received.push({ ...payment, path: `/articles/${slug}`, valid: proof.valid });
    if (!onChain) return refuse(new ChannelNotFoundError({ channel: id, at: "gate" }));
    const channel = channelOf(id);
    const storedProof = () => ({ balance: channel.balance, balanceSignature: channel.balanceSignature });
    if (!proof.valid) return refuse(new InvalidBalanceProofError({ channel: id, signer: proof.signer }));
    if (lies.closing) {
      return toProblemResponse(new ChannelStateConflictError({ channel: id, action: "pay on", status: "closing", hint: "open a new channel" }));
    }
    const ok = (cost: bigint) =>
      new Response(JSON.stringify({ slug, title: slug, body: `the text of ${slug}`, price: price.toString() }), {
        headers: {
          "Content-Type": "application/json",
          ...encodeReceiptHeaders({ cost: lies.costZero ? 0n : cost, stored: { sender: id.sender, openBlock: id.openBlock, ...storedProof() } }),
        },
      });
    if (payment.balance <= channel.balance && channel.bought.has(slug)) return ok(0n);
    if (payment.balance <= channel.balance) return refuse(new StaleBalanceProofError({ channel: id, stored: storedProof(), price, offered: payment.balance }));
    if (payment.balance > onChain.deposit) {
      return refuse(new InsufficientDepositError({ channel: id, stored: storedProof(), offered: payment.balance, deposit: onChain.deposit }));
    }
    if (lies.echoStale) {
      // Keeps the proof (it can close the channel with it), serves nothing, and calls it stale.
      channel.balance = payment.balance;
      channel.balanceSignature = payment.balanceSignature;
      return refuse(new StaleBalanceProofError({ channel: id, stored: storedProof(), price, offered: payment.balance }));
    }
    if (payment.balance !== channel.balance + price) return refuse(new InvalidAmountError({ channel: id, stored: storedProof(), price, offered: payment.balance }));
    channel.balance = payment.balance;
    channel.balanceSignature = payment.balanceSignature;
    channel.bought.add(slug);
    return ok(price);
  }

  function channelJson(k: string, c: Stored) {
    const [sender, recv, openBlock] = k.split("/");
    return {
      sender: getAddress(sender!),
      receiver: getAddress(recv!),
      openBlock: openBlock!,
      delegate: null,
      deposit: "0",
      balance: c.balance.toString(),
      withdrawn: "0",
      status: lies.closing ? "closing" : "open",
      balanceSignature: c.balanceSignature ?? null,
      articles: [...c.bought],
    };
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    requests.push({ method: request.method, path: url.pathname, paid: request.headers.has(RdnHeader.balanceSignature) });
    const target = lies.redirects?.[url.pathname];
    if (target) return new Response(null, { status: 307, headers: { Location: target } });
    if (lies.relayTo) return relay(request, lies.relayTo);
    let match: RegExpMatchArray | null;
    if ((match = url.pathname.match(/^\/articles\/([a-z0-9-]+)$/))) return article(match[1]!, request);
    if (url.pathname === "/api/articles") {
      return Response.json({
        chainId: options.chainId,
        contract,
        receiver,
        token: { address: options.token, symbol: "TOLL", decimals: 18 },
        articles: Object.entries(options.prices).map(([slug, price]) => ({ slug, title: slug, price: price.toString(), url: `/articles/${slug}` })),
      });
    }
    if ((match = url.pathname.match(/^\/api\/channels\/(0x[0-9a-fA-F]{40})$/))) {
      const prefix = `${match[1]!.toLowerCase()}/`;
      return Response.json({ channels: [...stored.entries()].filter(([k]) => k.startsWith(prefix)).map(([k, c]) => channelJson(k, c)) });
    }
    return Response.json({ type: "about:blank", title: "Not found", status: 404 }, { status: 404 });
  }

  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      try {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
        const body = chunks.length > 0 && incoming.method !== "GET" && incoming.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
        const request = new Request(`http://${incoming.headers.host}${incoming.url}`, { method: incoming.method, headers, body });
        const response = await handle(request);
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        outgoing.writeHead(500, { "Content-Type": "text/plain" });
        outgoing.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  // Another port is another origin: two of these are two sites to the client.
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    /** The receiver this site names (its own, or the one it lies with). */
    receiver,
    /** The channel manager this site names. */
    contract,
    articleUrl: (slug: string) => `${origin}/articles/${slug}`,
    received,
    requests,
    /** Changes how the site lies from now on. */
    lie(change: Lies) {
      Object.assign(lies, change);
    },
    /** The highest balance of a valid proof this site holds for `channel`: what it could close with. */
    highestProof(channel: ChannelId): bigint {
      return received
        .filter((p) => p.valid && p.openBlock === channel.openBlock && isAddressEqual(p.sender, channel.sender) && isAddressEqual(p.receiver, channel.receiver))
        .reduce((high, p) => (p.balance > high ? p.balance : high), 0n);
    },
    /** Per channel (sender/receiver/openBlock), the highest valid proof received, summed: everything the reader signed to this site. */
    totalSigned(): bigint {
      const highs = new Map<string, bigint>();
      for (const p of received) if (p.valid) highs.set(key(p), (highs.get(key(p)) ?? 0n) > p.balance ? highs.get(key(p))! : p.balance);
      return [...highs.values()].reduce((a, b) => a + b, 0n);
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
