// The receiver's configuration, parsed once from the environment. Every setting has a default
// that runs the demo (local chain, its deployment, Hardhat's development receiver key); the
// development key is refused on any other chain, so a fork cannot ship it by accident.
import "server-only";
import { hkdfSync } from "node:crypto";
import { getAddress, isAddress, isHex, parseEther, parseGwei, type Address, type Hex } from "viem";
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
  /** `off` keeps this instance from ever running the chain watcher (another instance, or `npm run watcher`, does). */
  WATCHER: z.enum(["on", "off"]).default("on"),
  /** How often the watcher asks the chain for new blocks (default 250 ms locally, 2 s elsewhere). */
  WATCHER_POLL_MS: z.coerce.number().int().min(10).max(60_000).optional(),
  /** The most blocks one `eth_getLogs` asks for (public RPCs cap the range). */
  WATCHER_BLOCK_RANGE: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  /** First block to read events from when the database has no cursor yet (default: the deployment's block). */
  WATCHER_FROM_BLOCK: z.coerce.bigint().nonnegative().optional(),
  /** The gate stops charging when the watcher has not reached the chain's head for this long. */
  WATCHER_MAX_LAG_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How long the watcher's leader lease lasts without a renewal: another instance takes over within about this. */
  LEADER_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /** The most the receiver pays per gas, in gwei (EIP-1559 maxFeePerGas cap). */
  MAX_FEE_PER_GAS_GWEI: z.string().regex(/^\d+(\.\d+)?$/, "MAX_FEE_PER_GAS_GWEI must be a number of gwei, e.g. 50").default("200"),
  /** A transaction not mined after this many blocks is sent again with a higher fee. */
  TX_STUCK_BLOCKS: z.coerce.number().int().min(1).default(3),
  /**
   * Key of the tokens and sessions the server signs (entitlements, admin sessions), 32+
   * characters, the same on every instance. Default: derived from RECEIVER_PRIVATE_KEY.
   */
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)").optional(),
  /**
   * The addresses that may sign in to /admin, comma-separated. Default: the receiver's own
   * address (the publisher is the receiver).
   */
  PUBLISHER_ADDRESSES: z
    .string()
    .refine(
      (list) => list.split(",").every((a) => isAddress(a.trim(), { strict: false })),
      "PUBLISHER_ADDRESSES must be comma-separated 0x addresses, e.g. 0xAbc…,0xDef…",
    )
    .optional(),
  /**
   * The site's public origin (https://news.example), the domain sign-in messages must name.
   * Required off the local chain; locally it defaults to the request's own host.
   */
  SITE_URL: z.url().optional(),
  /** Below this many ETH for gas, the receiver warns in its log. */
  GAS_BALANCE_WARNING_ETH: z.string().regex(/^\d+(\.\d+)?$/, "GAS_BALANCE_WARNING_ETH must be an amount of ether, e.g. 0.05").default("0.05"),
});

export type ReceiverConfig = {
  rpcUrl: string;
  chainId: number;
  receiver: PrivateKeyAccount;
  channelManager: Address;
  token: Address;
  confirmations: number;
  /** The block the channel manager was deployed in, when known: where the watcher starts. */
  deployedAtBlock: bigint;
  watcher: {
    enabled: boolean;
    pollMs: number;
    blockRange: number;
    fromBlock: bigint;
    maxLagMs: number;
    leaseMs: number;
  };
  transactions: {
    maxFeePerGas: bigint;
    stuckAfterBlocks: number;
    gasBalanceWarning: bigint;
  };
  /** HMAC key of the tokens and sessions the server signs (lib/receiver/auth/signedToken.ts). */
  tokenKey: Uint8Array;
  /** Who may sign in to /admin (checksummed). */
  publishers: Address[];
  /** The site's public origin, when configured; sign-in messages must name its host. */
  siteUrl: URL | undefined;
};

function load(env: Record<string, string | undefined>): ReceiverConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const isLocal = e.CHAIN_ID === LOCAL_CHAIN_ID;
  if (!e.RECEIVER_PRIVATE_KEY && !isLocal) throw new Error("RECEIVER_PRIVATE_KEY is required off the local chain");
  if (!e.SITE_URL && !isLocal) throw new Error("SITE_URL is required off the local chain: the site's public origin, e.g. https://news.example");
  const deployment = deployments[e.CHAIN_ID];
  const channelManager = e.CHANNEL_MANAGER_ADDRESS ?? deployment?.channelManager;
  const token = e.TOKEN_ADDRESS ?? deployment?.token;
  if (!channelManager || !token) {
    throw new Error(`no deployment for chain ${e.CHAIN_ID}: run \`npm run deploy\` or set CHANNEL_MANAGER_ADDRESS and TOKEN_ADDRESS`);
  }
  const receiverKey = (e.RECEIVER_PRIVATE_KEY ?? DEV_RECEIVER_KEY) as Hex;
  const receiver = privateKeyToAccount(receiverKey);
  const deployedAtBlock = deployment && getAddress(deployment.channelManager) === getAddress(channelManager) ? BigInt(deployment.deployedAtBlock) : 0n;
  return {
    rpcUrl: e.RPC_URL,
    chainId: e.CHAIN_ID,
    receiver,
    channelManager: getAddress(channelManager),
    token: getAddress(token),
    confirmations: e.CONFIRMATIONS ?? (isLocal ? 1 : 5),
    deployedAtBlock,
    watcher: {
      enabled: e.WATCHER === "on",
      pollMs: e.WATCHER_POLL_MS ?? (isLocal ? 250 : 2000),
      blockRange: e.WATCHER_BLOCK_RANGE,
      fromBlock: e.WATCHER_FROM_BLOCK ?? deployedAtBlock,
      maxLagMs: e.WATCHER_MAX_LAG_SECONDS * 1000,
      leaseMs: e.LEADER_LEASE_SECONDS * 1000,
    },
    transactions: {
      maxFeePerGas: parseGwei(e.MAX_FEE_PER_GAS_GWEI),
      stuckAfterBlocks: e.TX_STUCK_BLOCKS,
      gasBalanceWarning: parseEther(e.GAS_BALANCE_WARNING_ETH),
    },
    // Every instance of a site shares its receiver key, so a key derived from it needs no
    // configuring; HKDF keeps the signing key itself out of the tokens' HMAC.
    tokenKey: new Uint8Array(
      e.SESSION_SECRET
        ? Buffer.from(e.SESSION_SECRET, "utf8")
        : hkdfSync("sha256", Buffer.from(receiverKey.slice(2), "hex"), "tollgate", "token key v1", 32),
    ),
    publishers: e.PUBLISHER_ADDRESSES ? e.PUBLISHER_ADDRESSES.split(",").map((a) => getAddress(a.trim())) : [receiver.address],
    siteUrl: e.SITE_URL ? new URL(e.SITE_URL) : undefined,
  };
}

let cached: ReceiverConfig | undefined;
export function getConfig(): ReceiverConfig {
  return (cached ??= load(process.env));
}

/** {@link getConfig} from a given environment (uncached): scripts and tests that run a receiver of their own. */
export const loadConfig = (env: Record<string, string | undefined>): ReceiverConfig => load(env);

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
    deployedAtBlock: Number(config.deployedAtBlock),
    isLocalChain,
    devWallet: isLocalChain ? { privateKey: DEV_WALLET_KEY } : undefined,
    walletConnectProjectId: e.WALLETCONNECT_PROJECT_ID,
  };
}
