/**
 * A browser wallet for the browser suites, without an extension: an EIP-1193 provider injected
 * into every page of a context, announced over EIP-6963 and set as `window.ethereum`, so that
 * wagmi's injected connector (and RainbowKit's "Installed" list) use it exactly as they would a
 * reader's MetaMask. Its requests are answered in Node: accounts, permissions, chain switching
 * and signatures by the wallet itself (a Hardhat development account's key), everything else by
 * the Hardhat node.
 *
 * Like a real wallet it starts disconnected (`eth_accounts` is `[]` until `eth_requestAccounts`
 * or `wallet_requestPermissions`), stays connected across reloads and pages of its context, and
 * emits `accountsChanged` and `chainChanged` when they change. Tests drive the "user": reject the
 * next prompt, switch the chain or the account, disconnect; and read the log of requests, e.g.
 * to assert that paying with a session key opened no wallet prompt.
 *
 * @example
 * await using context = await newContext(browser, { viewport: "mobile" })
 * const wallet = await installTestWallet(context, { rpcUrl: site.chain.url, account: 2, chainId: 1 })
 * const page = await context.newPage()
 * await page.goto(site.articleUrl(paid.slug))
 * // … connect through RainbowKit; the page asks to switch from chain 1 to 31337 …
 * assert.equal(wallet.chainId, 31337)
 * wallet.rejectNext("eth_sendTransaction")
 * // … click "Open channel": the page must say the reader declined …
 * wallet.clearLog()
 * // … read a second article, paid with the session key …
 * assert.deepEqual(wallet.prompts(), [])
 */
import { randomUUID } from "node:crypto";
import type { BrowserContext } from "playwright-core";
import {
  createWalletClient,
  hexToBigInt,
  http,
  isAddressEqual,
  isHex,
  toHex,
  type Address,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import type { LocalAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { devAccount } from "../../../scripts/lib/localChain";

/** One request a page made, with its answer: the wallet's log. */
export type WalletRequest = {
  method: string;
  params: unknown[];
  /** The page's origin. */
  origin: string;
  /** Whether a real wallet would have shown the user a prompt for it. */
  prompted: boolean;
  result?: unknown;
  error?: ProviderError;
};

/** An EIP-1193 error as the page sees it (`error.code`, `error.message`, `error.data`). */
export type ProviderError = { code: number; message: string; data?: unknown };

export type TestWallet = {
  /** The connected (or, before connecting, the selected) account. */
  readonly account: LocalAccount;
  readonly address: Address;
  /** The chain the wallet is on now. */
  readonly chainId: number;
  /** Whether the site has been given the account. */
  readonly connected: boolean;
  /** Every request so far, oldest first. */
  requests(): readonly WalletRequest[];
  /** The requests a real wallet would have prompted the user for. */
  prompts(): readonly WalletRequest[];
  /** The requests of one method. */
  calls(method: string): readonly WalletRequest[];
  clearLog(): void;
  /** The next request of `method` fails with EIP-1193 error 4001, as if the user clicked Reject. */
  rejectNext(method: string): void;
  /** The user picks another network in the wallet (emits `chainChanged`). */
  switchChain(chainId: number): Promise<void>;
  /** The user picks another development account (emits `accountsChanged` when connected). */
  switchAccount(index: number): Promise<void>;
  /** The user disconnects the site in the wallet (emits `accountsChanged` with `[]`). */
  disconnect(): Promise<void>;
};

export type TestWalletOptions = {
  /** The Hardhat node's JSON-RPC URL. */
  rpcUrl: string;
  /** The Hardhat development account (by index) the wallet holds; 2 by default (0 deploys, 1 receives). */
  account?: number;
  /** The chain the wallet starts on; the node's by default. Another id (e.g. 1) is a wrong network. */
  chainId?: number;
  /** Chains the wallet knows besides the node's and the start chain; others need wallet_addEthereumChain. */
  chains?: number[];
  /** EIP-6963 provider info overrides. */
  info?: Partial<Eip6963ProviderInfo>;
};

export type Eip6963ProviderInfo = { uuid: string; name: string; icon: string; rdns: string };

/** The name of the function exposed to the pages; one wallet per context. */
const BINDING = "__tollgateTestWalletRequest";
/** Where the init script keeps the page's side of the wallet (its event emitter). */
const PAGE_HANDLE = "__tollgateTestWallet";

const ICON = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0f766e"/><path d="M9 10h14v3h-5.5v11h-3V13H9z" fill="#fff"/></svg>',
).toString("base64")}`;

/** Methods for which a real wallet asks the user (eth_requestAccounts only while disconnected). */
const PROMPT_METHODS = new Set([
  "wallet_requestPermissions",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
  "wallet_watchAsset",
  "wallet_sendCalls",
  "personal_sign",
  "eth_sign",
  "eth_signTypedData",
  "eth_signTypedData_v3",
  "eth_signTypedData_v4",
  "eth_sendTransaction",
]);

const USER_REJECTED: ProviderError = { code: 4001, message: "User rejected the request." };

class WalletError extends Error {
  constructor(readonly error: ProviderError) {
    super(error.message);
  }
}

/**
 * Installs the wallet in `context`: call it before the context's first page opens (the init
 * script runs on each navigation from then on).
 */
export async function installTestWallet(context: BrowserContext, options: TestWalletOptions): Promise<TestWallet> {
  const { rpcUrl } = options;
  const nodeChainId = Number(await nodeRpc(rpcUrl, "eth_chainId", []));
  let account = devAccount(options.account ?? 2);
  let chainId = options.chainId ?? nodeChainId;
  const knownChains = new Set([nodeChainId, chainId, ...(options.chains ?? [])]);
  let connected = false;
  const log: WalletRequest[] = [];
  const rejections: string[] = [];
  /** Sends one transaction at a time, so that two from the page never take the same nonce. */
  let sending: Promise<unknown> = Promise.resolve();

  const accounts = () => (connected ? [account.address] : []);
  const permissions = () =>
    connected ? [{ parentCapability: "eth_accounts", invoker: "", date: Date.now(), caveats: [{ type: "restrictReturnedAccounts", value: [account.address] }] }] : [];

  /** Emits an EIP-1193 event in every frame of every page of the context. */
  async function emit(event: "accountsChanged" | "chainChanged", payload: unknown): Promise<void> {
    const frames = context.pages().flatMap((page) => page.frames());
    await Promise.all(
      frames.map((frame) =>
        frame
          .evaluate(([handle, event, payload]) => (window as unknown as Record<string, { emit(e: string, p: unknown): void } | undefined>)[handle]?.emit(event, payload), [PAGE_HANDLE, event, payload] as const)
          .catch(() => {}), // a frame that is navigating away has nothing to tell
      ),
    );
  }

  async function setChain(id: number): Promise<void> {
    if (id === chainId) return;
    chainId = id;
    await emit("chainChanged", toHex(id));
  }

  async function setConnected(value: boolean): Promise<void> {
    if (value === connected) return;
    connected = value;
    await emit("accountsChanged", accounts());
  }

  function ownAccount(address: unknown): void {
    if (typeof address !== "string" || !isHex(address) || !isAddressEqual(address, account.address) || !connected) {
      throw new WalletError({ code: 4100, message: `The requested account ${String(address)} has not been authorized by the user.` });
    }
  }

  function onNodeChain(method: string): void {
    if (chainId !== nodeChainId) {
      throw new WalletError({ code: 4901, message: `Test wallet: it is on chain ${chainId}, which has no node here (${method} needs chain ${nodeChainId}).` });
    }
  }

  async function answer(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_accounts":
        return accounts();
      case "eth_requestAccounts":
        await setConnected(true);
        return accounts();
      case "wallet_requestPermissions":
        await setConnected(true);
        return permissions();
      case "wallet_getPermissions":
        return permissions();
      case "wallet_revokePermissions":
        await setConnected(false);
        return null;
      case "eth_chainId":
        return toHex(chainId);
      case "net_version":
        return String(chainId);
      case "wallet_switchEthereumChain": {
        const id = Number((params[0] as { chainId?: string })?.chainId);
        if (!knownChains.has(id)) throw new WalletError({ code: 4902, message: `Unrecognized chain ID ${id}. Try adding the chain using wallet_addEthereumChain first.` });
        await setChain(id);
        return null;
      }
      case "wallet_addEthereumChain": {
        // As MetaMask does: add the network, then switch to it.
        const id = Number((params[0] as { chainId?: string })?.chainId);
        if (!Number.isSafeInteger(id) || id <= 0) throw new WalletError({ code: -32602, message: "Invalid chainId" });
        knownChains.add(id);
        await setChain(id);
        return null;
      }
      case "personal_sign": {
        const [message, address] = params as [string, string];
        ownAccount(address);
        return account.signMessage({ message: isHex(message) ? { raw: message } : message });
      }
      case "eth_signTypedData_v4": {
        const [address, json] = params as [string, string | object];
        ownAccount(address);
        const typedData = (typeof json === "string" ? JSON.parse(json) : json) as TypedDataDefinition;
        const domainChain = typedData.domain?.chainId;
        // MetaMask refuses typed data bound to another chain than the active one.
        if (domainChain !== undefined && Number(domainChain) !== chainId) {
          throw new WalletError({ code: -32602, message: `Provided chainId "${Number(domainChain)}" must match the active chainId "${chainId}"` });
        }
        return account.signTypedData(typedData);
      }
      case "eth_sendTransaction": {
        const [request] = params as [TransactionRequest];
        ownAccount(request?.from);
        onNodeChain(method);
        const result = sending.then(() => sendTransaction(rpcUrl, nodeChainId, account, request));
        sending = result.catch(() => {});
        return result;
      }
      case "eth_sign":
      case "eth_signTypedData":
      case "eth_signTypedData_v3":
        throw new WalletError({ code: 4200, message: `Test wallet: ${method} is not supported (use eth_signTypedData_v4 or personal_sign).` });
      default:
        onNodeChain(method);
        return nodeRpc(rpcUrl, method, params);
    }
  }

  await context.exposeFunction(BINDING, async (request: { method: string; params?: unknown[]; origin: string }) => {
    const { method, origin } = request;
    const params = Array.isArray(request.params) ? request.params : request.params === undefined ? [] : [request.params];
    const entry: WalletRequest = {
      method,
      params,
      origin,
      prompted: PROMPT_METHODS.has(method) || (method === "eth_requestAccounts" && !connected),
    };
    log.push(entry);
    try {
      const rejected = rejections.indexOf(method);
      if (rejected >= 0) {
        rejections.splice(rejected, 1);
        throw new WalletError(USER_REJECTED);
      }
      entry.result = await answer(method, params);
      return { result: entry.result };
    } catch (error) {
      entry.error = toProviderError(error);
      return { error: entry.error };
    }
  });

  const info: Eip6963ProviderInfo = { uuid: randomUUID(), name: "Test Wallet", icon: ICON, rdns: "dev.tollgate.testwallet", ...options.info };
  await context.addInitScript({ content: pageScript(injectProvider, { binding: BINDING, handle: PAGE_HANDLE, info }) });

  return {
    get account() {
      return account;
    },
    get address() {
      return account.address;
    },
    get chainId() {
      return chainId;
    },
    get connected() {
      return connected;
    },
    requests: () => [...log],
    prompts: () => log.filter((entry) => entry.prompted),
    calls: (method) => log.filter((entry) => entry.method === method),
    clearLog: () => void log.splice(0),
    rejectNext: (method) => void rejections.push(method),
    switchChain: async (id) => {
      knownChains.add(id);
      await setChain(id);
    },
    switchAccount: async (index) => {
      account = devAccount(index);
      if (connected) await emit("accountsChanged", accounts());
    },
    disconnect: () => setConnected(false),
  };
}

/**
 * The source of `fn(arg)` for the page. tsx (esbuild) wraps named functions in a `__name(…)`
 * helper that exists only in Node; a function handed to the page as it is then throws
 * "__name is not defined" there, so its source gets a stand-in.
 */
function pageScript<A>(fn: (arg: A) => void, arg: A): string {
  return `(() => { const __name = (target) => target; (${fn.toString()})(${JSON.stringify(arg)}); })();`;
}

/**
 * The page's side, run before any of the page's scripts (so it must be self-contained): the
 * provider, its event emitter, and the EIP-6963 announcement.
 */
function injectProvider({ binding, handle, info }: { binding: string; handle: string; info: Eip6963ProviderInfo }) {
  type Listener = (payload: unknown) => void;
  const w = window as unknown as Record<string, unknown>;
  const call = w[binding] as (request: { method: string; params?: unknown; origin: string }) => Promise<{ result?: unknown; error?: ProviderError }>;
  const listeners = new Map<string, Set<Listener>>();
  const provider = {
    isMetaMask: false,
    isTestWallet: true,
    async request(args: { method: string; params?: unknown }) {
      if (!args || typeof args.method !== "string") throw Object.assign(new Error("Invalid request"), { code: -32600 });
      const answer = await call({ method: args.method, params: args.params, origin: location.origin });
      if (answer.error) {
        const { code, message, data } = answer.error;
        throw Object.assign(new Error(message), { code }, data === undefined ? {} : { data });
      }
      return answer.result;
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    once(event: string, listener: Listener) {
      const once: Listener = (payload) => {
        provider.removeListener(event, once);
        listener(payload);
      };
      return provider.on(event, once);
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
    off(event: string, listener: Listener) {
      return provider.removeListener(event, listener);
    },
    removeAllListeners(event?: string) {
      if (event) listeners.delete(event);
      else listeners.clear();
      return provider;
    },
    listenerCount(event: string) {
      return listeners.get(event)?.size ?? 0;
    },
  };
  Object.defineProperty(window, handle, {
    value: {
      emit(event: string, payload: unknown) {
        for (const listener of [...(listeners.get(event) ?? [])]) {
          try {
            listener(payload);
          } catch (error) {
            setTimeout(() => {
              throw error;
            });
          }
        }
      },
    },
  });
  Object.defineProperty(window, "ethereum", { value: provider, configurable: true, writable: true });
  const detail = Object.freeze({ info: Object.freeze({ ...info }), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

type TransactionRequest = {
  from?: string;
  to?: Address | null;
  data?: Hex;
  input?: Hex;
  value?: Hex;
  gas?: Hex;
  nonce?: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
};

/** Signs the page's transaction with the account's key and sends it raw, as a wallet does. */
async function sendTransaction(rpcUrl: string, chainId: number, account: LocalAccount, request: TransactionRequest): Promise<Hex> {
  const wallet = createWalletClient({ account, chain: { ...hardhat, id: chainId, rpcUrls: { default: { http: [rpcUrl] } } }, transport: http(rpcUrl) });
  const big = (value: Hex | undefined) => (value === undefined ? undefined : hexToBigInt(value));
  const fees =
    request.maxFeePerGas !== undefined
      ? { maxFeePerGas: big(request.maxFeePerGas), maxPriorityFeePerGas: big(request.maxPriorityFeePerGas) }
      : request.gasPrice !== undefined
        ? { gasPrice: big(request.gasPrice) }
        : {};
  return wallet.sendTransaction({
    to: request.to ?? undefined,
    data: request.data ?? request.input,
    value: big(request.value),
    gas: big(request.gas),
    nonce: request.nonce === undefined ? undefined : Number(request.nonce),
    ...fees,
  } as Parameters<typeof wallet.sendTransaction>[0]);
}

async function nodeRpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const answer = (await response.json()) as { result?: unknown; error?: ProviderError };
  if (answer.error) throw new WalletError(answer.error);
  return answer.result;
}

/** What the page sees of an error: a WalletError as it is, the node's code through viem's wrapping, else -32603. */
function toProviderError(error: unknown): ProviderError {
  if (error instanceof WalletError) return error.error;
  let code = -32603;
  let data: unknown;
  for (let cause = error as { code?: unknown; data?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (typeof cause.code === "number" && code === -32603) code = cause.code;
    if (cause.data !== undefined && data === undefined) data = cause.data;
  }
  const message = (error as { shortMessage?: string; message?: string })?.shortMessage ?? (error as Error)?.message ?? String(error);
  return data === undefined ? { code, message } : { code, message, data };
}
