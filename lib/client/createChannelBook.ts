import { isAddressEqual, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { formatTokenAmount } from "../protocol/amounts";
import type { ChannelState } from "../protocol/channelState";
import type { Payment } from "../protocol/payment";
import type { Receipt } from "../protocol/receipt";
import type { AccessRequest } from "../protocol/accessRequest";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData, type ChannelId } from "../protocol/typedData";
import type { ChannelChain } from "./chain/ChannelChain";
import { channelKey, highestSigned, type ChannelRecord, type ChannelStatus, type ChannelStore } from "./channelStore";
import type { Budget, BudgetHold } from "./createBudget";
import { ChannelUnavailableError, TokenBalanceTooLowError, UntrustedServerProofError } from "./errors";
import { mergeChannelState, type OnChainChannel } from "./mergeChannelState";
import { fetchServerChannels, type ServerChannel } from "./site/fetchServerChannels";
import type { FetchFunction } from "./site/siteRequest";
import { verifyBalanceProof } from "../protocol/verifyBalanceProof";

/**
 * Where and how a site takes payments: its origin (for the channel API) and the terms every
 * article shares. Learned from a 402 or from the site's catalog.
 */
export type Site = {
  origin: string;
  chainId: number;
  /** The channel manager. */
  contract: Address;
  token: Address;
  receiver: Address;
  /** The channel API's path root (`RDN-Gateway-Path`); `/api` when unknown. */
  gatewayPath?: string | undefined;
};

/** How the book opens and funds channels. */
export type ChannelPolicy = {
  /** The deposit of a new channel, given the price of the article that needs it. */
  deposit: (price: bigint) => bigint;
  /** How much to add when a channel's deposit runs out (at least what is missing); `false`: never top up. */
  topUp: false | ((missing: bigint) => bigint);
  permit: "auto" | "always" | "never";
  /** Name a generated session key as the channel's delegate, and sign with it. */
  sessionKey: boolean;
  /** Open a channel when none can pay; `false`: throw instead. */
  autoOpen: boolean;
};

export type ChannelBook = ReturnType<typeof createChannelBook>;

const usable = (record: ChannelRecord) => record.status === "open";
const remaining = (record: ChannelRecord) => record.deposit - record.balance;
const idOf = (record: ChannelRecord): ChannelId => ({ sender: record.sender, receiver: record.receiver, openBlock: record.openBlock });
const domainOf = (record: Pick<ChannelRecord, "chainId" | "contract">) => ({ chainId: record.chainId, verifyingContract: record.contract });
/**
 * Whether a channel may pay `site`: only one opened for the site's origin (or, having no origin
 * on record, first recovered there). A site naming another site's receiver and contract in its
 * 402 must not spend the reader's channel with that other site.
 */
const boundTo = (record: ChannelRecord, site: Site) => record.origin === undefined || record.origin === site.origin;

/** The receiver's view can only make a channel less usable than the chain says, never more. */
function worst(chain: ChannelStatus, server: ServerChannel["status"] | undefined): ChannelStatus {
  const rank = { open: 0, closing: 1, settled: 2 } as const;
  return server !== undefined && rank[server] > rank[chain] ? server : chain;
}

/**
 * The client's channels: which one pays a site, opening, topping up, signing, and reconciling
 * with what the server and the chain say. Every change is persisted before it is relied on
 * (a session key before the channel naming it is opened; a signed proof before it is sent).
 *
 * The book trusts the chain; it believes the server only about things the server could not
 * fake: a balance proof whose signature verifies, or a refusal to accept more proofs. Every
 * deposit and top-up is held against the budget before its transaction.
 *
 * @example
 * const book = createChannelBook({ chain, store, fetch, policy })
 * const channel = await book.select(site, price) // found, recovered or opened
 * const { payment } = await book.sign(channel, channel.balance + price)
 */
export function createChannelBook(deps: {
  chain: ChannelChain;
  store: ChannelStore;
  fetch: FetchFunction;
  policy: ChannelPolicy;
  budget: Budget;
  warn?: (message: string) => void;
}) {
  const { chain, store, policy, budget } = deps;
  const warn = deps.warn ?? ((message: string) => console.warn(`tollgate: ${message}`));
  const sender = chain.sender;

  async function show(token: Address, amount: bigint): Promise<string> {
    try {
      return formatTokenAmount(amount, await chain.tokenUnit(token));
    } catch {
      return `${amount} base units`;
    }
  }

  /** Checks a server's claim of a channel's balance against the chain; returns it only if it verifies. */
  async function verifyClaim(record: ChannelRecord, claim: ChannelState | ServerChannel, onChain: OnChainChannel) {
    const channel = idOf(record);
    if (!isAddressEqual(claim.sender, record.sender) || claim.openBlock !== record.openBlock) {
      throw new UntrustedServerProofError({ channel, balance: claim.balance, reason: `it names another channel (sender ${claim.sender}, open block ${claim.openBlock})` });
    }
    if (claim.balance === 0n) return { balance: 0n };
    if (!claim.balanceSignature) {
      throw new UntrustedServerProofError({ channel, balance: claim.balance, reason: "it sent no balance signature to prove it" });
    }
    if (claim.balance > onChain.deposit) {
      throw new UntrustedServerProofError({ channel, balance: claim.balance, reason: `that is above the channel's deposit of ${onChain.deposit} on chain` });
    }
    const { valid, signer } = await verifyBalanceProof(domainOf(record), channel, claim.balance, claim.balanceSignature, onChain.delegate);
    if (!valid) {
      const by = signer ? `its signature was made by ${signer}` : "its signature does not recover to any address";
      throw new UntrustedServerProofError({ channel, balance: claim.balance, reason: `${by}, which is neither the sender nor the channel's delegate` });
    }
    return { balance: claim.balance, balanceSignature: claim.balanceSignature };
  }

  async function readOrThrow(record: ChannelRecord): Promise<OnChainChannel> {
    const onChain = await chain.readChannel(record.contract, idOf(record));
    if (onChain === null) {
      await store.put({ ...record, status: "settled" });
      throw new ChannelUnavailableError({
        reason: `the channel opened at block ${record.openBlock} no longer exists on chain (it was closed)`,
        hint: "open a new channel",
      });
    }
    return onChain;
  }

  async function open(site: Site, deposit: bigint): Promise<ChannelRecord> {
    const hold = budget.holdDeposit(undefined, deposit);
    let opened: Awaited<ReturnType<ChannelChain["openChannel"]>>;
    let delegate: Address | undefined;
    try {
      const available = await chain.tokenBalance(site.token, sender);
      if (available < deposit) {
        throw new TokenBalanceTooLowError({
          owner: sender,
          needed: await show(site.token, deposit),
          available: await show(site.token, available),
          action: "deposit",
        });
      }
      if (policy.sessionKey) {
        const privateKey = generatePrivateKey();
        delegate = privateKeyToAccount(privateKey).address;
        // Stored before the channel exists: a crash after the transaction must not lose the key.
        await store.putSessionKey(delegate, privateKey);
      }
      opened = await chain.openChannel({
        manager: site.contract,
        token: site.token,
        receiver: site.receiver,
        delegate,
        deposit,
        permit: policy.permit,
      });
    } catch (error) {
      hold.release();
      throw error;
    }
    const { channel } = opened;
    hold.commit(channelKey({ ...channel, chainId: site.chainId, contract: site.contract }));
    return store.put({
      ...channel,
      chainId: site.chainId,
      contract: site.contract,
      token: site.token,
      delegate,
      deposit,
      balance: 0n,
      status: "open",
      origin: site.origin,
      updatedAt: 0,
    });
  }

  const book = {
    sender,

    /** Whether a channel short of room is topped up (else another channel is used). */
    topsUp: policy.topUp !== false,

    /** The open channel last used with this site, to send its latest proof along (re-reads are free). */
    async latestForOrigin(origin: string, chainId: number): Promise<ChannelRecord | undefined> {
      const [latest] = await store.list({ origin, sender, chainId, status: "open" });
      return latest;
    },

    /** Opens a channel to the site's receiver with `deposit`, whatever channels exist already. */
    open,

    /**
     * Every channel of this sender with the site's receiver that pays this site, reconciled: the
     * local records, the server's (signatures verified) and the chain's, and the `ChannelCreated`
     * logs when the server knows of none. Persists the merged records; includes closed ones it
     * knew. A channel found on the chain or at the server without a local record is bound to
     * this site's origin from then on; one this client opened for another origin is left out,
     * whoever lists it.
     */
    async recover(site: Site): Promise<ChannelRecord[]> {
      const filter = { chainId: site.chainId, contract: site.contract, sender, receiver: site.receiver };
      const all = await store.list(filter);
      const local = all.filter((record) => boundTo(record, site));
      const elsewhere = new Set(all.filter((record) => !boundTo(record, site)).map((record) => record.openBlock));
      let server: ServerChannel[] = [];
      try {
        server = (await fetchServerChannels(deps.fetch, site.origin, sender, { gatewayPath: site.gatewayPath })).filter((c) =>
          isAddressEqual(c.receiver, site.receiver),
        );
      } catch (error) {
        warn(`could not ask ${site.origin} for its channels (${error instanceof Error ? error.message.split("\n")[0] : error}); using the chain only`);
      }
      const ids = new Map<string, ChannelId>();
      const add = (id: ChannelId) => ids.set(id.openBlock.toString(), { sender, receiver: site.receiver, openBlock: id.openBlock });
      local.forEach(add);
      server.forEach(add);
      if (server.length === 0) (await chain.findChannels(site.contract, { sender, receiver: site.receiver })).forEach(add);

      const records: ChannelRecord[] = [];
      for (const id of ids.values()) {
        if (elsewhere.has(id.openBlock)) continue;
        const known = local.find((r) => r.openBlock === id.openBlock);
        const onChain = await chain.readChannel(site.contract, id);
        if (!known && onChain === null) continue; // closed before we ever knew it: nothing to remember
        const base: ChannelRecord = known ?? {
          ...id,
          chainId: site.chainId,
          contract: site.contract,
          token: site.token,
          deposit: onChain?.deposit ?? 0n,
          balance: 0n,
          status: "open",
          updatedAt: 0,
        };
        const claim = server.find((c) => c.openBlock === id.openBlock);
        let verified: { balance: bigint; balanceSignature?: Hex | undefined } | undefined;
        if (claim && onChain) {
          try {
            verified = await verifyClaim(base, claim, onChain);
          } catch (error) {
            warn(error instanceof Error ? error.message.split("\n")[0]! : String(error));
          }
        }
        const merged = mergeChannelState({ local: known, server: verified, chain: onChain });
        records.push(
          await store.put({ ...base, ...merged, status: worst(merged.status, claim?.status), origin: base.origin ?? site.origin }),
        );
      }
      return records.sort((a, b) => b.updatedAt - a.updatedAt);
    },

    /**
     * An existing channel to pay `price` to the site with, without opening one: a local open
     * one with room, else one found by recovery, and only one bound to the site's origin. A
     * channel without room is returned only when topping up is allowed (the payment tops it up).
     */
    async find(site: Site, price: bigint): Promise<ChannelRecord | undefined> {
      const filter = { chainId: site.chainId, contract: site.contract, sender, receiver: site.receiver, status: "open" as const };
      let candidates = (await store.list(filter)).filter((record) => usable(record) && boundTo(record, site));
      if (candidates.length === 0) candidates = (await book.recover(site)).filter(usable);
      const roomy = candidates.find((record) => remaining(record) >= price);
      const chosen = roomy ?? (policy.topUp !== false ? candidates[0] : undefined);
      if (!chosen) return undefined;
      return chosen.origin ? chosen : store.put({ ...chosen, origin: site.origin });
    },

    /**
     * {@link find}, else (if the policy allows) a channel opened now for `price`, with the
     * policy's deposit or what the budget leaves room for, if less (at least the price).
     */
    async select(site: Site, price: bigint): Promise<ChannelRecord> {
      const found = await book.find(site, price);
      if (found) return found;
      if (!policy.autoOpen) {
        throw new ChannelUnavailableError({
          reason: `there is no open channel from ${sender} to ${site.receiver} that can pay ${await show(site.token, price)}`,
          hint: "open one first (openChannel), or allow opening (autoOpen: true)",
        });
      }
      const wanted = policy.deposit(price);
      return open(site, budget.fitDeposit(undefined, wanted < price ? price : wanted, price));
    },

    /**
     * Signs a balance proof, with the channel's session key when this client holds it, else as
     * the sender. Before signing, `authorize` is told how far the proof raises the highest
     * balance the reader is known to have signed on the channel (`raise`, read afresh from
     * storage: another client on the same storage may have signed more since) and may refuse by
     * throwing; the hold it returns is committed once the signature exists, released if signing
     * fails (a declined wallet prompt). The signature is stored before it is returned.
     */
    async sign(
      record: ChannelRecord,
      balance: bigint,
      authorize?: (raise: bigint, channel: string) => BudgetHold | undefined,
    ): Promise<{ record: ChannelRecord; payment: Payment; raise: bigint }> {
      const current = await store.get(record);
      const high = current && highestSigned(current) > highestSigned(record) ? highestSigned(current) : highestSigned(record);
      const raise = balance > high ? balance - high : 0n;
      const hold = authorize?.(raise, channelKey(record));
      let balanceSignature: Hex;
      try {
        const typedData = balanceProofTypedData(domainOf(record), idOf(record), balance);
        const key = record.delegate ? await store.getSessionKey(record.delegate) : undefined;
        balanceSignature = key ? await privateKeyToAccount(key).signTypedData(typedData) : await chain.signBalanceProof(domainOf(record), idOf(record), balance);
      } catch (error) {
        hold?.release();
        throw error;
      }
      // Counted once it exists: it may leave with the next request, and is never given back.
      hold?.commit();
      const known = current?.signed && (!record.signed || current.signed.balance > record.signed.balance) ? current.signed : record.signed;
      // Remembered before it is sent: the receiver may hold it even if no answer comes back.
      const signed = !known || known.balance < balance ? { balance, balanceSignature } : known;
      const updated = await store.put({ ...record, signed });
      return { record: updated, payment: { ...idOf(record), balance, balanceSignature }, raise };
    },

    /**
     * Signs a request to close at `balance` (`CloseRequest`), with the channel's session key when
     * this client holds it, else as the sender: how the receiver knows the close is the reader's.
     */
    async signCloseRequest(record: ChannelRecord, balance: bigint): Promise<Hex> {
      const key = record.delegate ? await store.getSessionKey(record.delegate) : undefined;
      return key
        ? privateKeyToAccount(key).signTypedData(closeRequestTypedData(domainOf(record), idOf(record), balance))
        : chain.signCloseRequest(domainOf(record), idOf(record), balance);
    },

    /**
     * Signs a request to re-read the article at `path` (a URL path) now, with the channel's session key when
     * this client holds it (no prompt), else as the sender: how the client proves it is the
     * buyer when it holds no access token (a paid answer was lost, a new client).
     */
    async signAccessRequest(record: ChannelRecord, path: string): Promise<AccessRequest> {
      const issuedAt = BigInt(Math.floor(Date.now() / 1000));
      const key = record.delegate ? await store.getSessionKey(record.delegate) : undefined;
      const signature = key
        ? await privateKeyToAccount(key).signTypedData(accessRequestTypedData(domainOf(record), idOf(record), path, issuedAt))
        : await chain.signAccessRequest(domainOf(record), idOf(record), path, issuedAt);
      return { sender: record.sender, openBlock: record.openBlock, issuedAt, signature };
    },

    /** The proof of the record's balance, to show the server what was already paid. */
    proofOf(record: ChannelRecord): Payment | undefined {
      if (record.balance === 0n || !record.balanceSignature) return undefined;
      return { ...idOf(record), balance: record.balance, balanceSignature: record.balanceSignature };
    },

    /**
     * Adopts the server's stored state after a refused proof, if and only if its proof verifies
     * against the chain (sender or on-chain delegate, within the deposit).
     *
     * @throws {UntrustedServerProofError} when it does not.
     */
    async adopt(record: ChannelRecord, stored: ChannelState): Promise<ChannelRecord> {
      const onChain = await readOrThrow(record);
      const verified = await verifyClaim(record, stored, onChain);
      const merged = mergeChannelState({ local: record, server: verified, chain: onChain });
      return store.put({ ...record, ...merged });
    },

    /** Records what a paid 200 says: the proof it accepted (or a newer one it proves). */
    async accepted(record: ChannelRecord, payment: Payment, receipt: Receipt): Promise<ChannelRecord> {
      if (receipt.stored.balance === payment.balance) {
        if (payment.balance <= record.balance) return record;
        return store.put({ ...record, balance: payment.balance, balanceSignature: payment.balanceSignature });
      }
      if (receipt.stored.balance > record.balance && receipt.stored.balanceSignature) {
        try {
          return await book.adopt(record, receipt.stored);
        } catch (error) {
          warn(error instanceof Error ? error.message.split("\n")[0]! : String(error));
        }
      }
      return record;
    },

    /**
     * Makes the channel's deposit cover `needed`: re-reads it from the chain (another client
     * may have topped up), then tops up by the policy's amount if still short.
     *
     * @throws {ChannelUnavailableError} when it is short and topping up is disabled, or the
     *   channel is closed or closing.
     */
    async ensureDeposit(record: ChannelRecord, needed: bigint): Promise<ChannelRecord> {
      const onChain = await readOrThrow(record);
      if (onChain.settleTime !== 0n) {
        await store.put({ ...record, status: "closing", settleTime: onChain.settleTime });
        throw new ChannelUnavailableError({ reason: `the channel opened at block ${record.openBlock} is closing`, hint: "open a new channel" });
      }
      let current = record.deposit === onChain.deposit ? record : await store.put({ ...record, deposit: onChain.deposit });
      if (needed <= onChain.deposit) return current;
      const missing = needed - onChain.deposit;
      if (policy.topUp === false) {
        throw new ChannelUnavailableError({
          reason: `the channel's deposit of ${await show(record.token, onChain.deposit)} cannot cover a balance of ${await show(record.token, needed)}`,
          hint: "allow top-ups (topUp option, --top-up), or close the channel and open a new one",
        });
      }
      const wanted = policy.topUp(missing);
      const amount = budget.fitDeposit(channelKey(record), wanted < missing ? missing : wanted, missing);
      const hold = budget.holdDeposit(channelKey(record), amount);
      try {
        const available = await chain.tokenBalance(record.token, sender);
        if (available < amount) {
          throw new TokenBalanceTooLowError({
            owner: sender,
            needed: await show(record.token, amount),
            available: await show(record.token, available),
            action: "top up the channel by",
          });
        }
        await chain.topUp({ manager: record.contract, token: record.token, channel: idOf(record), amount });
      } catch (error) {
        hold.release();
        throw error;
      }
      hold.commit();
      const after = await readOrThrow(current);
      current = await store.put({ ...current, deposit: after.deposit });
      return current;
    },

    /**
     * A channel that can take `price` more: `record` itself, topped up if the policy allows,
     * else another channel with room (found or opened; see {@link select}).
     */
    async ensureRoom(record: ChannelRecord, site: Site, price: bigint): Promise<ChannelRecord> {
      if (record.balance + price <= record.deposit) return record;
      if (policy.topUp !== false) return book.ensureDeposit(record, record.balance + price);
      const fresh = await book.refresh(record);
      if (fresh.status === "open" && fresh.balance + price <= fresh.deposit) return fresh;
      return book.select(site, price);
    },

    /** Re-reads a channel from the chain and persists what it says (settled when gone). */
    async refresh(record: ChannelRecord): Promise<ChannelRecord> {
      const onChain = await chain.readChannel(record.contract, idOf(record));
      const merged = mergeChannelState({ local: record, chain: onChain });
      return store.put({ ...record, ...merged });
    },

    /** Marks a channel unusable for payments (the server refuses more proofs on it). */
    async retire(record: ChannelRecord): Promise<ChannelRecord> {
      return store.put({ ...record, status: record.status === "open" ? "closing" : record.status });
    },
  };
  return book;
}
