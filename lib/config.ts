// The receiver's configuration, parsed once from the environment. Every setting has a default
// that runs the demo (local chain, its deployment, Hardhat's development receiver key); the
// development key is refused on any other chain, so a fork cannot ship it by accident.
import "server-only";
import { getAddress, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { deployments } from "./chain/deployments.generated";
import type { TokenUnit } from "./protocol/amounts";
import { tokenUnit } from "./token";

export const LOCAL_CHAIN_ID = 31337;
/** Hardhat's development account #1 (public knowledge): the demo publisher. */
const DEV_RECEIVER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/**
 * Hardhat's development account #3 (public knowledge; `DEMO_READERS` in scripts/lib/localChain.ts,
 * funded by the demo): the key behind the browser's development wallet, on the local chain only.
 */
const DEV_WALLET_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

const envSchema = z.object({
  RPC_URL: z.url().default("http://127.0.0.1:8545"),
  CHAIN_ID: z.coerce.number().int().positive().default(LOCAL_CHAIN_ID),
  RECEIVER_PRIVATE_KEY: z
    .string()
    .refine((k) => isHex(k) && k.length === 66, "RECEIVER_PRIVATE_KEY must be a 0x-prefixed 32-byte key")
    .optional(),
  CHANNEL_MANAGER_ADDRESS: z.string().optional(),
  TOKEN_ADDRESS: z.string().optional(),
  /** Blocks a channel's creating transaction must be buried under before its proofs count. */
  CONFIRMATIONS: z.coerce.number().int().min(1).optional(),
});

export type ReceiverConfig = {
  rpcUrl: string;
  chainId: number;
  receiver: PrivateKeyAccount;
  channelManager: Address;
  token: Address;
  confirmations: number;
};

function load(env: NodeJS.ProcessEnv): ReceiverConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const isLocal = e.CHAIN_ID === LOCAL_CHAIN_ID;
  if (!e.RECEIVER_PRIVATE_KEY && !isLocal) throw new Error("RECEIVER_PRIVATE_KEY is required off the local chain");
  const deployment = deployments[e.CHAIN_ID];
  const channelManager = e.CHANNEL_MANAGER_ADDRESS ?? deployment?.channelManager;
  const token = e.TOKEN_ADDRESS ?? deployment?.token;
  if (!channelManager || !token) {
    throw new Error(`no deployment for chain ${e.CHAIN_ID}: run \`npm run deploy\` or set CHANNEL_MANAGER_ADDRESS and TOKEN_ADDRESS`);
  }
  return {
    rpcUrl: e.RPC_URL,
    chainId: e.CHAIN_ID,
    receiver: privateKeyToAccount((e.RECEIVER_PRIVATE_KEY ?? DEV_RECEIVER_KEY) as Hex),
    channelManager: getAddress(channelManager),
    token: getAddress(token),
    confirmations: e.CONFIRMATIONS ?? (isLocal ? 1 : 5),
  };
}

let cached: ReceiverConfig | undefined;
export function getConfig(): ReceiverConfig {
  return (cached ??= load(process.env));
}

const publicEnvSchema = z.object({
  /** The RPC URL readers' browsers use (the server's own may be a private address); default RPC_URL. */
  PUBLIC_RPC_URL: z.url().optional(),
  /** The chain's name as wallets and pages show it; default "Local Hardhat" or "Chain <id>". */
  PUBLIC_CHAIN_NAME: z.string().min(1).max(64).optional(),
  /** A block explorer's origin, for links to transactions (e.g. https://sepolia.etherscan.io). */
  PUBLIC_EXPLORER_URL: z.url().optional(),
  /** WalletConnect Cloud project id; without one, WalletConnect wallets cannot connect (the others can). */
  WALLETCONNECT_PROJECT_ID: z.string().min(1).optional(),
});

/**
 * What the browser needs to pay: the chain, the contracts, the receiver, the token's unit. Sent
 * by the server with each page (never baked in at build time), so one build serves any
 * deployment. Nothing in it is secret: the development wallet's key is Hardhat's public one, and
 * it is included on the local chain only.
 */
export type PublicConfig = {
  chainId: number;
  chainName: string;
  /** Reachable from readers' browsers. */
  rpcUrl: string;
  explorerUrl?: string | undefined;
  channelManager: Address;
  token: Address;
  receiver: Address;
  tokenUnit: TokenUnit;
  /** Blocks a channel's creating transaction needs before the receiver accepts its proofs. */
  confirmations: number;
  /** First block to scan for the reader's channels (the manager's deployment block when known). */
  deployedAtBlock: number;
  isLocalChain: boolean;
  /** Present on the local chain only. */
  devWallet?: { privateKey: Hex } | undefined;
  /** WalletConnect Cloud project id; without one the wallet list leaves WalletConnect out. */
  walletConnectProjectId?: string | undefined;
};

let cachedPublic: PublicConfig | undefined;

/** The browser's share of the configuration; see {@link PublicConfig}. */
export function getPublicConfig(): PublicConfig {
  return (cachedPublic ??= loadPublicConfig(process.env));
}

/** {@link getPublicConfig} from a given environment (uncached; for tests). */
export function loadPublicConfig(env: NodeJS.ProcessEnv): PublicConfig {
  const parsed = publicEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const config = env === process.env ? getConfig() : load(env);
  const isLocalChain = config.chainId === LOCAL_CHAIN_ID;
  const deployment = deployments[config.chainId];
  return {
    chainId: config.chainId,
    chainName: e.PUBLIC_CHAIN_NAME ?? (isLocalChain ? "Local Hardhat" : `Chain ${config.chainId}`),
    rpcUrl: e.PUBLIC_RPC_URL ?? config.rpcUrl,
    explorerUrl: e.PUBLIC_EXPLORER_URL?.replace(/\/+$/, ""),
    channelManager: config.channelManager,
    token: config.token,
    receiver: config.receiver.address,
    tokenUnit,
    confirmations: config.confirmations,
    deployedAtBlock: deployment?.channelManager === config.channelManager ? deployment.deployedAtBlock : 0,
    isLocalChain,
    devWallet: isLocalChain ? { privateKey: DEV_WALLET_KEY } : undefined,
    walletConnectProjectId: e.WALLETCONNECT_PROJECT_ID,
  };
}
