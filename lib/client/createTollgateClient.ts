import * as z from "zod/mini";
import { isAddressEqual, type Address, type Hash } from "viem";
import type { PaymentTerms } from "../protocol/paymentRequest";
import type { ChannelChain } from "./chain/ChannelChain";
import { closeChannel, type CloseResult } from "./closeChannel";
import { closeChannelUncooperatively } from "./closeChannelUncooperatively";
import { createChannelStore, type ChannelRecord } from "./channelStore";
import { createBudget, type Budget, type BudgetLimits } from "./createBudget";
import { createChannelBook, type Site } from "./createChannelBook";
import { ChannelUnavailableError, SiteRequestError, UntrustedTermsError } from "./errors";
import { fetchWithPayment, type PaidResponse, type PaymentReceipt } from "./fetchWithPayment";
import { settleChannel } from "./settleChannel";
import { fetchCatalog, type Catalog } from "./site/fetchCatalog";
import { withAccessTokens } from "./site/withAccessTokens";
import { readProblem, type FetchFunction } from "./site/siteRequest";
import type { ClientStorage } from "./storage/ClientStorage";
import { createMemoryStorage } from "./storage/createMemoryStorage";
import { trustedChannelManagers } from "./trustedChannelManagers";

export type TollgateClientOptions = {
  /** The chain and the sender's account: `createViemChannelChain({ publicClient, walletClient })`. */
  chain: ChannelChain;
  /** Where channels and session keys persist. Default: memory (lost on exit; recovered from the site and chain). */
  storage?: ClientStorage | undefined;
  /**
   * Maximum price per article and in total, in token base units. Default: no limit. The total
   * counts what this client signs (how far its proofs raise the reader's highest signed balance
   * on each channel) and what it deposits, per channel the larger of the two.
   */
  budget?: BudgetLimits | undefined;
  /**
   * The deposit of a new channel. Default: 10 × the price of the article that needs it. A
   * channel opened to pay an article gets less if the total budget leaves less room.
   */
  deposit?: bigint | ((price: bigint) => bigint) | undefined;
  /**
   * How much to add when a channel's deposit runs out (at least what is missing). Default: the
   * `deposit` option's amount (10 × what is missing when `deposit` is not set). `false`: never
   * top up (a new channel is opened instead, if `autoOpen`).
   */
  topUp?: bigint | false | ((missing: bigint) => bigint) | undefined;
  /** Open channels with an EIP-2612 permit: `auto` (default) when the token supports it, `always`, or `never`. */
  permit?: "auto" | "always" | "never" | undefined;
  /**
   * Generate a session key for each new channel, name it as the channel's delegate and sign
   * balance proofs with it: no wallet prompt per article (for browsers). Default false: the
   * sender's account signs.
   */
  sessionKey?: boolean | undefined;
  /** Open a channel when none can pay (default true). */
  autoOpen?: boolean | undefined;
  /**
   * The channel manager(s) this client will pay through, on its chain. A site names its contract
   * in every 402, and a permit or deposit for an unknown contract could be lost. Default: the
   * deployment recorded for the client's chain (`deployments/<chainId>.json`), and none on a
   * chain without one. The pages pass the site's own configured manager.
   */
  trustedContracts?: readonly Address[] | undefined;
  /** The fetch to use (default: the global one). */
  fetch?: FetchFunction | undefined;
  /** Called after every paid (or already-paid) request. */
  onPayment?: ((receipt: PaymentReceipt) => void) | undefined;
  /** Shows token amounts in error messages (e.g. `(a) => formatTokenAmount(a, unit)`). */
  formatAmount?: ((amount: bigint) => string) | undefined;
  /** Where recovery problems are reported (default: console.warn). */
  warn?: ((message: string) => void) | undefined;
  /**
   * The longest wait, in milliseconds, before resending a proof the server found too recent (a
   * channel or top-up its watcher has not counted yet); the waits grow from 250 ms to it
   * (default 2000).
   */
  confirmationWaitMs?: number | undefined;
};

/** An article as a Tollgate site serves it to programs. */
export type Article = { slug: string; title: string; body: string; price: bigint };

const articleSchema = z.object({ slug: z.string(), title: z.string(), body: z.string(), price: z.string().check(z.regex(/^(0|[1-9][0-9]*)$/)) });

export type TollgateClient = ReturnType<typeof createTollgateClient>;

/**
 * A Tollgate client: fetches paywalled articles and pays for them through micropayment
 * channels, opening, funding, recovering and closing the channels as needed. Isomorphic: no
 * Node API is used outside the storage adapter you pass (`createFileStorage` for Node).
 *
 * @example
 * import { createPublicClient, createWalletClient, http } from "viem"
 * import { privateKeyToAccount } from "viem/accounts"
 * import { createTollgateClient, createViemChannelChain, parseAmount } from "@/lib/client"
 * import { createFileStorage, defaultStateDirectory } from "@/lib/client/storage/createFileStorage"
 *
 * const account = privateKeyToAccount(process.env.TOLLGATE_KEY as `0x${string}`)
 * const transport = http("http://127.0.0.1:8545")
 * const chain = createViemChannelChain({
 *   publicClient: createPublicClient({ transport }),
 *   walletClient: createWalletClient({ account, transport }),
 *   onTransaction: (e) => console.error(e.action, e.stage),
 * })
 * const client = createTollgateClient({
 *   chain,
 *   storage: createFileStorage(defaultStateDirectory()),
 *   budget: { maxPrice: parseAmount("0.05", 18), maxTotal: parseAmount("1", 18) },
 *   deposit: parseAmount("1", 18),
 * })
 * const { article, receipt } = await client.getArticle("http://localhost:3000/articles/hello")
 */
export function createTollgateClient(options: TollgateClientOptions) {
  const { chain } = options;
  const storage = options.storage ?? createMemoryStorage();
  // Every request to a site carries its access token, so what the reader bought re-reads free.
  const accessTokens = withAccessTokens(options.fetch ?? ((input, init) => globalThis.fetch(input, init)), storage);
  const fetchFn: FetchFunction = accessTokens.fetch;
  const store = createChannelStore(storage, { warn: options.warn });
  const budget: Budget = createBudget(options.budget, options.formatAmount);
  const depositFor = (price: bigint) =>
    typeof options.deposit === "function" ? options.deposit(price) : (options.deposit ?? price * 10n);
  const topUp = options.topUp;
  const book = createChannelBook({
    chain,
    store,
    fetch: fetchFn,
    budget,
    warn: options.warn,
    policy: {
      deposit: depositFor,
      topUp: topUp === false ? false : (missing) => (typeof topUp === "function" ? topUp(missing) : (topUp ?? depositFor(missing))),
      permit: options.permit ?? "auto",
      sessionKey: options.sessionKey ?? false,
      autoOpen: options.autoOpen ?? true,
    },
  });

  let chainId: Promise<number> | undefined;
  // A failed lookup (the RPC was down) is not remembered: the next call asks again.
  const getChainId = () =>
    (chainId ??= chain.getChainId().catch((error: unknown) => {
      chainId = undefined;
      throw error;
    }));
  const tokens = new Map<Address, Promise<Address>>();

  /** Refuses terms this client cannot or should not pay under, before any transaction or signature. */
  async function checkTerms(terms: Pick<PaymentTerms, "chainId" | "contract" | "token">): Promise<void> {
    const own = await getChainId();
    if (terms.chainId !== own) {
      throw new UntrustedTermsError({ reason: `the site takes payments on chain ${terms.chainId}, but this client's RPC is on chain ${own}: use an RPC URL for chain ${terms.chainId}` });
    }
    const trusted = trustedChannelManagers(own, options.trustedContracts);
    if (!trusted.some((a) => isAddressEqual(a, terms.contract))) {
      throw new UntrustedTermsError({
        reason:
          trusted.length > 0
            ? `the site's channel manager ${terms.contract} is not one this client trusts (${trusted.join(", ")}): check the site, or add the contract to trustedContracts`
            : `the site's channel manager ${terms.contract} is not one this client trusts: no deployment is recorded for chain ${own} (deployments/${own}.json) and no trustedContracts were given; pass trustedContracts: ["${terms.contract}"] if you trust it`,
      });
    }
    let token = tokens.get(terms.contract);
    if (!token) tokens.set(terms.contract, (token = chain.managerToken(terms.contract)));
    let actual: Address;
    try {
      actual = await token;
    } catch (error) {
      tokens.delete(terms.contract);
      throw new UntrustedTermsError({
        reason: `${terms.contract} on chain ${own} does not answer as a channel manager (${error instanceof Error ? error.message.split("\n")[0] : error})`,
      });
    }
    if (!isAddressEqual(actual, terms.token)) {
      throw new UntrustedTermsError({ reason: `the channel manager ${terms.contract} holds the token ${actual}, not the ${terms.token} the site names` });
    }
  }

  /** Payments to one site run one at a time: cumulative proofs cannot be pipelined. */
  const queues = new Map<string, Promise<unknown>>();
  function serialised<T>(origin: string, run: () => Promise<T>): Promise<T> {
    const previous = queues.get(origin) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    queues.set(origin, next);
    void next.finally(() => queues.get(origin) === next && queues.delete(origin)).catch(() => undefined);
    return next;
  }

  const context = {
    fetch: fetchFn,
    book,
    budget,
    checkTerms,
    chainId: getChainId,
    hasAccessToken: accessTokens.hasToken,
    // A short first wait: the receiver's watcher polls the chain every fraction of a second to
    // a few seconds, so the block is usually seen soon; then longer, up to the option.
    waitForConfirmations: (attempt: number) =>
      new Promise<void>((resolve) => setTimeout(resolve, Math.min(options.confirmationWaitMs ?? 2000, 250 * 2 ** attempt))),
    onPayment: options.onPayment,
  };

  /** The site's terms, from its catalog. */
  async function siteOf(origin: string): Promise<Site & { catalog: Catalog }> {
    const catalog = await fetchCatalog(fetchFn, new URL(origin).origin);
    await checkTerms({ chainId: catalog.chainId, contract: catalog.contract, token: catalog.token.address });
    return {
      origin: new URL(origin).origin,
      chainId: catalog.chainId,
      contract: catalog.contract,
      token: catalog.token.address,
      receiver: catalog.receiver,
      catalog,
    };
  }

  const client = {
    /** The sender: the account that opens channels and whose balance proofs count. */
    sender: chain.sender,
    /** The budget: its limits, what was signed and deposited so far, and what counts against the total. */
    budget,

    /**
     * Like `fetch`, but pays on a 402 (see `fetchWithPayment`) and returns the final response,
     * with the payment's receipt when one was made or shown.
     *
     * @example
     * const { response, receipt } = await client.request("http://localhost:3000/articles/hello")
     * if (receipt) console.error(`paid ${receipt.cost}, balance ${receipt.balance}/${receipt.deposit}`)
     */
    request(input: string | URL, init?: RequestInit): Promise<PaidResponse> {
      const url = new URL(String(input));
      return serialised(url.origin, () => fetchWithPayment(context, url, init));
    },

    /**
     * A drop-in `fetch` that pays for what it fetches. Sends `Accept: application/json` unless
     * the request sets its own `Accept`.
     *
     * @example
     * const response = await client.fetch("http://localhost:3000/articles/hello")
     * const article = await response.json()
     */
    async fetch(input: string | URL, init?: RequestInit): Promise<Response> {
      return (await client.request(input, init)).response;
    },

    /**
     * An article as JSON, paid for if needed.
     *
     * @throws {SiteRequestError} when the site answers anything but 200 after paying.
     * @example
     * const { article, receipt } = await client.getArticle("http://localhost:3000/articles/hello")
     * console.log(article.title, receipt?.cost)
     */
    async getArticle(url: string | URL): Promise<{ article: Article; receipt?: PaymentReceipt | undefined }> {
      const { response, receipt } = await client.request(url, { headers: { Accept: "application/json" } });
      if (response.status !== 200) {
        const problem = await readProblem(response);
        throw new SiteRequestError({ url: String(url), status: response.status, detail: problem.detail ?? problem.title });
      }
      const parsed = articleSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new SiteRequestError({ url: String(url), status: 200, reason: "the body is not an article (slug, title, body, price)" });
      return { article: { ...parsed.data, price: BigInt(parsed.data.price) }, receipt };
    },

    /**
     * The site's catalog (`GET /api/articles`), after checking that its terms suit this client.
     *
     * @example
     * const { articles, token } = await client.getCatalog("http://localhost:3000")
     */
    async getCatalog(origin: string): Promise<Catalog> {
      return (await siteOf(origin)).catalog;
    },

    /**
     * This sender's channels with the site, reconciled from local storage, the site's channel
     * API (proofs verified) and the chain. Closed channels this client knew are included.
     *
     * @example
     * for (const c of await client.channels("http://localhost:3000")) console.log(c.openBlock, c.balance, c.deposit, c.status)
     */
    async channels(origin: string): Promise<ChannelRecord[]> {
      const site = await siteOf(origin);
      return serialised(site.origin, () => book.recover(site));
    },

    /**
     * Opens a channel to the site's receiver now (payments open one on demand anyway).
     *
     * @example
     * const channel = await client.openChannel("http://localhost:3000", parseAmount("1", 18))
     */
    async openChannel(origin: string, deposit: bigint): Promise<ChannelRecord> {
      const site = await siteOf(origin);
      return serialised(site.origin, () => book.open(site, deposit));
    },

    /**
     * Adds `amount` to a channel's deposit (approve + `topUp`).
     *
     * @example
     * await client.topUp(channel, parseAmount("1", 18))
     */
    async topUp(channel: ChannelRecord, amount: bigint): Promise<ChannelRecord> {
      const fresh = await book.refresh(channel);
      return book.ensureDeposit(fresh, fresh.deposit + amount);
    },

    /**
     * Closes this sender's open channels with the site cooperatively (or just `channel`): the
     * receiver's closing signature, verified, then `cooperativeClose` on chain.
     *
     * @example
     * for (const { balance, refund } of await client.close("http://localhost:3000")) console.log(balance, refund)
     */
    async close(origin: string, channel?: ChannelRecord): Promise<CloseResult[]> {
      const site = await siteOf(origin);
      if (channel?.origin !== undefined && channel.origin !== site.origin) {
        // The close request is signed: another site could pass it on and close the channel.
        throw new ChannelUnavailableError({ action: "close", reason: `the channel opened at block ${channel.openBlock} pays ${channel.origin}, not ${site.origin}`, hint: `close it through ${channel.origin}` });
      }
      return serialised(site.origin, async () => {
        const targets = channel ? [channel] : (await book.recover(site)).filter((c) => c.status !== "settled");
        const results: CloseResult[] = [];
        for (const target of targets) results.push(await closeChannel({ chain, book, store, fetch: fetchFn }, site, target));
        return results;
      });
    },

    /**
     * Starts closing a channel without the receiver; settle it after the challenge period.
     *
     * @example
     * const { settleTime } = await client.closeUncooperatively(channel)
     */
    closeUncooperatively(channel: ChannelRecord): Promise<{ channel: ChannelRecord; balance: bigint; settleTime: bigint; hash: Hash }> {
      return closeChannelUncooperatively({ chain, store }, channel);
    },

    /**
     * Settles a channel whose challenge period is over.
     *
     * @example
     * await client.settle(channel)
     */
    settle(channel: ChannelRecord): Promise<{ channel: ChannelRecord; hash: Hash }> {
      return settleChannel({ chain, store }, channel);
    },
  };
  return client;
}
