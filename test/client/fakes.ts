/**
 * Small in-process fakes for the SDK's logic tests: a chain that keeps channels in a map, and a
 * site that answers like the real one (402s, receipts, channel API) through lib/protocol's own
 * encoders. They model only what the logic under test decides on; the real chain is covered by
 * viemChannelChain.test.ts and the real site by sdk.e2e.test.ts.
 */
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { ChannelChain, TransactionEvent } from "../../lib/client/chain/ChannelChain";
import type { OnChainChannel } from "../../lib/client/mergeChannelState";
import { verifyBalanceProof, verifyCloseRequest } from "../../lib/protocol/verifyBalanceProof";
import { verifyClosingSignature } from "../../lib/client/verifyClosingSignature";
import {
  ChannelNotFoundError,
  InsufficientDepositError,
  InvalidAmountError,
  InvalidBalanceProofError,
  PaymentRequiredError,
  StaleBalanceProofError,
} from "../../lib/protocol/errors";
import { decodePayment } from "../../lib/protocol/payment";
import type { PaymentTerms } from "../../lib/protocol/paymentRequest";
import { toProblemResponse } from "../../lib/protocol/problemResponse";
import { encodeReceiptHeaders } from "../../lib/protocol/receipt";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData, closingCommitmentTypedData, type ChannelId } from "../../lib/protocol/typedData";

export const CHAIN_ID = 31337;
export const MANAGER = getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
export const TOKEN = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
export const ORIGIN = "http://tollgate.test";
export const domain = { chainId: CHAIN_ID, verifyingContract: MANAGER };

type FakeChannel = OnChainChannel & { id: ChannelId };
const key = (id: ChannelId) => `${id.sender}/${id.receiver}/${id.openBlock}`.toLowerCase();

/** A chain with one manager and one token, where every transaction is one block. */
export function createFakeChain(account: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey()), shared?: FakeLedger) {
  const ledger = shared ?? createFakeLedger();
  const events: TransactionEvent[] = [];
  const mine = (action: TransactionEvent["action"]) => {
    ledger.block++;
    const hash = `0x${ledger.block.toString(16).padStart(64, "0")}` as Hex;
    events.push({ action, stage: "pending", hash });
    return hash;
  };
  const find = (id: ChannelId) => ledger.channels.get(key(id));
  const chain: ChannelChain = {
    sender: account.address,
    getChainId: async () => CHAIN_ID,
    signBalanceProof: (d, channel, balance) => account.signTypedData(balanceProofTypedData(d, channel, balance)),
    signCloseRequest: (d, channel, balance) => account.signTypedData(closeRequestTypedData(d, channel, balance)),
    signAccessRequest: (d, channel, path, issuedAt) => account.signTypedData(accessRequestTypedData(d, channel, path, issuedAt)),
    readChannel: async (_manager, id) => {
      const found = find(id);
      return found ? { ...found } : null;
    },
    findChannels: async (_manager, filter) =>
      ledger.created.filter((id) => isAddressEqual(id.sender, filter.sender) && (!filter.receiver || isAddressEqual(id.receiver, filter.receiver))),
    managerToken: async () => TOKEN,
    tokenUnit: async () => ({ decimals: 18, symbol: "TOLL" }),
    tokenBalance: async (_token, owner) => ledger.balances.get(owner.toLowerCase()) ?? 0n,
    async openChannel({ receiver, delegate, deposit, permit }) {
      ledger.move(account.address, MANAGER, deposit);
      const hash = mine(permit === "never" ? "createChannel" : "createChannelWithPermit");
      const id = { sender: account.address, receiver, openBlock: ledger.block };
      ledger.channels.set(key(id), { id, deposit, withdrawn: 0n, closingBalance: 0n, settleTime: 0n, delegate });
      ledger.created.push(id);
      return { channel: id, hash, method: permit === "never" ? "approve" : "permit" };
    },
    async topUp({ channel, amount }) {
      const found = find(channel);
      if (!found) throw new Error("ChannelNotFound");
      ledger.move(account.address, MANAGER, amount);
      found.deposit += amount;
      return { hash: mine("topUp") };
    },
    async cooperativeClose({ channel, balance, balanceSignature, closingSignature }) {
      const found = find(channel);
      if (!found) throw new Error("ChannelNotFound");
      if (!(await verifyBalanceProof(domain, channel, balance, balanceSignature, found.delegate)).valid) throw new Error("ChannelInvalidBalanceProof");
      if (!(await verifyClosingSignature(domain, channel, balance, closingSignature)).valid) throw new Error("ChannelInvalidClosingCommitment");
      ledger.channels.delete(key(channel));
      ledger.move(MANAGER, channel.receiver, balance - found.withdrawn);
      ledger.move(MANAGER, channel.sender, found.deposit - balance);
      return { hash: mine("cooperativeClose") };
    },
    async uncooperativeClose({ channel, balance }) {
      const found = find(channel)!;
      found.closingBalance = balance;
      found.settleTime = ledger.time + 120n;
      return { hash: mine("uncooperativeClose"), settleTime: found.settleTime };
    },
    async settle({ channel }) {
      const found = find(channel)!;
      ledger.channels.delete(key(channel));
      ledger.move(MANAGER, channel.receiver, found.closingBalance - found.withdrawn);
      ledger.move(MANAGER, channel.sender, found.deposit - found.closingBalance);
      return { hash: mine("settle") };
    },
    latestBlock: async () => ({ number: ledger.block, timestamp: ledger.time }),
  };
  return { chain, account, ledger, events };
}

export type FakeLedger = ReturnType<typeof createFakeLedger>;

/** The state two fake chains (two clients of one chain) share. */
export function createFakeLedger() {
  const balances = new Map<string, bigint>();
  return {
    block: 10n,
    time: 1_700_000_000n,
    channels: new Map<string, FakeChannel>(),
    created: [] as ChannelId[],
    balances,
    mint(owner: Address, amount: bigint) {
      balances.set(owner.toLowerCase(), (balances.get(owner.toLowerCase()) ?? 0n) + amount);
    },
    move(from: Address, to: Address, amount: bigint) {
      const have = balances.get(from.toLowerCase()) ?? 0n;
      if (from !== MANAGER && have < amount) throw new Error("ERC20InsufficientBalance");
      balances.set(from.toLowerCase(), have - amount);
      balances.set(to.toLowerCase(), (balances.get(to.toLowerCase()) ?? 0n) + amount);
    },
  };
}

type StoredChannel = { balance: bigint; balanceSignature?: Hex | undefined; bought: Set<string>; closing?: boolean };

/**
 * A site with priced articles at `/articles/{slug}`, following the receiver rules of
 * DESIGN.md: signer is sender or delegate, balance = stored + price, ≤ deposit, re-reads free.
 */
export function createFakeSite(ledger: FakeLedger, options: { prices?: Record<string, bigint>; receiver?: PrivateKeyAccount } = {}) {
  const receiver = options.receiver ?? privateKeyToAccount(generatePrivateKey());
  const prices = options.prices ?? { one: 10n, two: 10n, three: 10n, free: 0n };
  const stored = new Map<string, StoredChannel>();
  const log: { path: string; balance?: bigint }[] = [];
  /** Test hook: rewrite the 402 a request would get (e.g. a forged stored proof). */
  let tamper: ((response: Response) => Response) | undefined;

  const terms = (price: bigint): PaymentTerms => ({ price, receiver: receiver.address, contract: MANAGER, token: TOKEN, chainId: CHAIN_ID, gatewayPath: "/api" });
  const channelOf = (id: ChannelId) => {
    let found = stored.get(key(id));
    if (!found) stored.set(key(id), (found = { balance: 0n, bought: new Set() }));
    return found;
  };
  const json = (body: unknown, status = 200) => Response.json(body, { status });

  async function article(slug: string, request: Request): Promise<Response> {
    const price = prices[slug];
    if (price === undefined) return json({ type: "about:blank", title: "Not found", status: 404 }, 404);
    if (price === 0n) return json({ slug, title: slug, body: `free ${slug}`, price: "0" });
    const decoded = decodePayment(request.headers);
    if (decoded.type === "none") return toProblemResponse(new PaymentRequiredError({ price }), { terms: terms(price) });
    const { payment } = decoded;
    log.push({ path: `/articles/${slug}`, balance: payment.balance });
    const id = { sender: payment.sender, receiver: payment.receiver, openBlock: payment.openBlock };
    const onChain = ledger.channels.get(key(id));
    if (!onChain) return toProblemResponse(new ChannelNotFoundError({ channel: id, at: "gate" }), { terms: terms(price) });
    const channel = channelOf(id);
    const proof = await verifyBalanceProof(domain, id, payment.balance, payment.balanceSignature, onChain.delegate);
    const storedProof = { balance: channel.balance, balanceSignature: channel.balanceSignature };
    const refuse = (error: Parameters<typeof toProblemResponse>[0]) => {
      const response = toProblemResponse(error, { terms: terms(price) });
      return tamper ? tamper(response) : response;
    };
    if (!proof.valid) return refuse(new InvalidBalanceProofError({ channel: id, signer: proof.signer }));
    const storedProofNow = () => ({ balance: channel.balance, balanceSignature: channel.balanceSignature });
    const ok = (cost: bigint) =>
      new Response(JSON.stringify({ slug, title: slug, body: `paid ${slug}`, price: price.toString() }), {
        headers: { "Content-Type": "application/json", ...encodeReceiptHeaders({ cost, stored: { ...id, ...storedProofNow() } }) },
      });
    if (payment.balance <= channel.balance && channel.bought.has(slug)) return ok(0n);
    if (payment.balance <= channel.balance) return refuse(new StaleBalanceProofError({ channel: id, stored: storedProof, price, offered: payment.balance }));
    if (payment.balance !== channel.balance + price) return refuse(new InvalidAmountError({ channel: id, stored: storedProof, price, offered: payment.balance }));
    if (payment.balance > onChain.deposit) {
      return refuse(new InsufficientDepositError({ channel: id, stored: storedProof, offered: payment.balance, deposit: onChain.deposit }));
    }
    channel.balance = payment.balance;
    channel.balanceSignature = payment.balanceSignature;
    channel.bought.add(slug);
    return ok(price);
  }

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname;
    let match: RegExpMatchArray | null;
    if ((match = path.match(/^\/articles\/([a-z-]+)$/))) return article(match[1]!, request);
    if (path === "/api/articles") {
      return json({
        chainId: CHAIN_ID,
        contract: MANAGER,
        receiver: receiver.address,
        token: { address: TOKEN, symbol: "TOLL", decimals: 18 },
        articles: Object.entries(prices).map(([slug, price]) => ({ slug, title: slug, teaser: "", price: price.toString(), url: `/articles/${slug}` })),
      });
    }
    if ((match = path.match(/^\/api\/channels\/(0x[0-9a-fA-F]{40})$/))) {
      const sender = getAddress(match[1]!);
      const channels = [...stored.entries()]
        .filter(([k]) => k.startsWith(sender.toLowerCase()))
        .map(([k, c]) => describe(k, c));
      return json({ channels });
    }
    if ((match = path.match(/^\/api\/channels\/(0x[0-9a-fA-F]{40})\/(\d+)$/))) {
      const id = { sender: getAddress(match[1]!), receiver: receiver.address, openBlock: BigInt(match[2]!) };
      if (!ledger.channels.has(key(id))) return json({ type: "urn:tollgate:problem:channel-not-found", title: "Channel not found", status: 404 }, 404);
      return json(describe(key(id), channelOf(id)));
    }
    if ((match = path.match(/^\/api\/channels\/(0x[0-9a-fA-F]{40})\/(\d+)\/close$/))) {
      const id = { sender: getAddress(match[1]!), receiver: receiver.address, openBlock: BigInt(match[2]!) };
      const body = (await request.json()) as { balance: string; signature: Hex };
      const channel = channelOf(id);
      const asked = await verifyCloseRequest(domain, id, BigInt(body.balance), body.signature, ledger.channels.get(key(id))?.delegate);
      if (!asked.valid) return json({ type: "urn:tollgate:problem:invalid-balance-proof", title: "Not the sender's request", status: 402 }, 402);
      if (BigInt(body.balance) !== channel.balance) return json({ type: "urn:tollgate:problem:stale-balance-proof", title: "Stale", status: 402 }, 402);
      channel.closing = true;
      const closingSignature = await receiver.signTypedData(closingCommitmentTypedData(domain, id, channel.balance));
      return json({ closingBalance: channel.balance.toString(), closingSignature });
    }
    return new Response("not found", { status: 404 });
  };

  function describe(k: string, c: StoredChannel) {
    const [sender, recv, openBlock] = k.split("/");
    const onChain = ledger.channels.get(k);
    return {
      sender: getAddress(sender!),
      receiver: getAddress(recv!),
      openBlock: openBlock!,
      delegate: onChain?.delegate ?? null,
      deposit: (onChain?.deposit ?? 0n).toString(),
      balance: c.balance.toString(),
      withdrawn: "0",
      status: c.closing ? "closing" : onChain ? "open" : "settled",
      balanceSignature: c.balanceSignature ?? null,
    };
  }

  return {
    fetch,
    receiver,
    stored,
    log,
    /** Replace (or clear) the hook that rewrites refusals. */
    setTamper(hook: typeof tamper) {
      tamper = hook;
    },
    url: (slug: string) => `${ORIGIN}/articles/${slug}`,
  };
}
