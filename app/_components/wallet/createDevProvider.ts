import { hexToBigInt, toHex, type Chain, type Hex, type TypedDataDefinition } from "viem";
import type { createDevSigner } from "./devSigner";

type Listener = (payload: unknown) => void;
type ProviderRequest = { method: string; params?: unknown };

/** An EIP-1193 error, shaped as wallets throw them (wagmi and viem read `code`). */
function providerError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

/** Remembers across reloads that the reader connected, as an extension would. */
const CONNECTED_KEY = "tollgate.devwallet.connected";

/**
 * An EIP-1193 provider backed by one local private key, for the development wallet: it answers
 * account, permission and signing requests itself (no prompt: the key is Hardhat's public one
 * and holds only test tokens), signs transactions locally and sends them raw, and forwards every
 * other request to the chain's RPC. Only `chain` exists for it; switching elsewhere fails as a
 * wallet without that network would (4902).
 */
export function createDevProvider({ privateKey, chain }: { privateKey: Hex; chain: Chain }) {
  const rpcUrl = chain.rpcUrls.default.http[0]!;
  let signer: Promise<ReturnType<typeof createDevSigner>> | undefined;
  const signerOnce = () =>
    (signer ??= import("./devSigner").then(
      ({ createDevSigner }) => createDevSigner({ privateKey, chain }),
      (error: unknown) => {
        // A chunk that failed to load is asked for again on the next request.
        signer = undefined;
        throw error;
      },
    ));
  const listeners = new Map<string, Set<Listener>>();
  const storage = typeof localStorage === "undefined" ? undefined : localStorage;
  let connected = storage?.getItem(CONNECTED_KEY) === "1";
  /** One transaction at a time, so that two never take the same nonce. */
  let sending: Promise<unknown> = Promise.resolve();

  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload));
  const address = async () => (await signerOnce()).account.address;
  const accounts = async () => (connected ? [await address()] : []);
  const setConnected = async (value: boolean) => {
    if (value === connected) return;
    connected = value;
    if (value) storage?.setItem(CONNECTED_KEY, "1");
    else storage?.removeItem(CONNECTED_KEY);
    emit("accountsChanged", await accounts());
  };
  const permissions = async () =>
    connected ? [{ parentCapability: "eth_accounts", caveats: [{ type: "restrictReturnedAccounts", value: [await address()] }] }] : [];

  async function forward(method: string, params: unknown): Promise<unknown> {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params ?? [] }),
    });
    const answer = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
    if (answer.error) throw providerError(answer.error.code, answer.error.message);
    return answer.result;
  }

  async function sendTransaction(request: Record<string, Hex | undefined>): Promise<Hex> {
    const big = (value: Hex | undefined) => (value === undefined ? undefined : hexToBigInt(value));
    const { wallet } = await signerOnce();
    return wallet.sendTransaction({
      to: request.to,
      data: request.data ?? request.input,
      value: big(request.value),
      gas: big(request.gas),
    } as Parameters<typeof wallet.sendTransaction>[0]);
  }

  const provider = {
    isTollgateDevWallet: true,
    async request({ method, params }: ProviderRequest): Promise<unknown> {
      const list = Array.isArray(params) ? params : [];
      switch (method) {
        case "eth_requestAccounts":
          await setConnected(true);
          return accounts();
        case "eth_accounts":
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
          return toHex(chain.id);
        case "net_version":
          return String(chain.id);
        case "wallet_switchEthereumChain":
        case "wallet_addEthereumChain": {
          const id = Number((list[0] as { chainId?: string } | undefined)?.chainId);
          if (id === chain.id) return null;
          throw providerError(4902, `The development wallet only knows ${chain.name} (chain ${chain.id}).`);
        }
        case "personal_sign":
          return (await signerOnce()).account.signMessage({ message: { raw: list[0] as Hex } });
        case "eth_signTypedData_v4": {
          const json = list[1];
          const typedData = (typeof json === "string" ? JSON.parse(json) : json) as TypedDataDefinition;
          return (await signerOnce()).account.signTypedData(typedData);
        }
        case "eth_sendTransaction": {
          const result = sending.then(() => sendTransaction(list[0] as Record<string, Hex | undefined>));
          sending = result.catch(() => undefined);
          return result;
        }
        case "eth_sign":
        case "eth_signTypedData":
        case "eth_signTypedData_v3":
          throw providerError(4200, `The development wallet does not support ${method}.`);
        default:
          return forward(method, params);
      }
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  return { provider };
}
