// The site's configuration, parsed once from the environment with one described zod schema
// (.env.example lists the same variables). Every setting has a default that runs the demo (local
// chain, its deployment, Hardhat's development receiver key); that key is required to be replaced
// off the local chain, and refused by a production build (NODE_ENV=production) unless
// ALLOW_DEVELOPMENT_KEYS=yes, so a fork cannot ship it by accident.
import "server-only";
import { hkdfSync } from "node:crypto";
import { getAddress, isAddress, isHex, parseEther, parseGwei, toHex, type Address, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { deployments } from "./chain/deployments.generated";
import type { TokenUnit } from "./protocol/amounts";
import { lockTimeoutSchema } from "./db/lockTimeout";
import { databaseUrlSchema } from "./db/databaseUrl";
import { tokenUnit, tokenVariables } from "./token";

export const LOCAL_CHAIN_ID = 31337;
/** Hardhat's development account #1 (public knowledge): the demo publisher. */
const DEV_RECEIVER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/**
 * Hardhat's development account #3 (public knowledge; `DEMO_READERS` in scripts/lib/localChain.ts,
 * funded by the demo): the key behind the browser's development wallet, on the local chain only.
 */
const DEV_WALLET_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
/** Hardhat's default mnemonic: its accounts' keys are in every tutorial, so none of them may sign for a real site. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Whether `key` is one of the first 20 Hardhat development accounts' (the ones `hardhat node` funds). */
function isDevelopmentKey(key: Hex): boolean {
  const address = privateKeyToAccount(key).address;
  // The accounts' parent key once, then each child (mnemonicToAccount per index would run the
  // seed's 2048 PBKDF2 rounds 20 times: two seconds at start-up).
  const parent = mnemonicToAccount(HARDHAT_MNEMONIC, { path: "m/44'/60'/0'/0" }).getHdKey();
  return Array.from({ length: 20 }, (_, index) => privateKeyToAccount(toHex(parent.deriveChild(index).privateKey!)).address).includes(address);
}

/**
 * Says what a variable is for and what to put there (read back by {@link ConfigError} and by the
 * test that holds .env.example to this schema): every variable is described.
 */
const help = <T extends z.ZodType>(schema: T, text: string): T => schema.describe(text);

const decimal = (name: string, example: string) => z.string().regex(/^\d+(\.\d+)?$/, `${name} must be a number, e.g. ${example}`);

const envSchema = z.object({
  DATABASE_URL: help(
    databaseUrlSchema.optional(),
    "the receiver's database: file:./tollgate.db (SQLite, one instance) or postgres://user:password@host:5432/tollgate (several instances)",
  ),
  DATABASE_LOCK_TIMEOUT_MS: help(
    lockTimeoutSchema.optional(),
    "how long a write waits for a lock another connection holds before its request is answered 503, in ms (default 5000): SQLite's busy timeout, PostgreSQL's lock_timeout; on SQLite the whole server waits with it, so keep it short",
  ),
  RPC_URL: help(z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8545"), "the chain's JSON-RPC endpoint, as the server reaches it, e.g. https://sepolia.example.org"),
  CHAIN_ID: help(z.coerce.number().int().positive().default(LOCAL_CHAIN_ID), "the chain's id, which the RPC must answer to eth_chainId (31337 local Hardhat, 11155111 Sepolia, 8453 Base)"),
  RECEIVER_PRIVATE_KEY: help(
    z
      .string()
      .refine((k) => isHex(k) && k.length === 66, "must be a 0x-prefixed 32-byte key")
      .optional(),
    "the publisher's key (0x + 64 hex digits): it is paid, and signs closing signatures and withdrawals; required off the local chain",
  ),
  CHANNEL_MANAGER_ADDRESS: help(z.string().refine((a) => isAddress(a, { strict: false }), "must be a 0x address").optional(), "the ChannelManager's address (default: deployments/<CHAIN_ID>.json, written by npm run deploy)"),
  TOKEN_ADDRESS: help(z.string().refine((a) => isAddress(a, { strict: false }), "must be a 0x address").optional(), "the ERC-20 readers pay in (default: deployments/<CHAIN_ID>.json); it must be the ChannelManager's token()"),
  ...tokenVariables,
  CONFIRMATIONS: help(z.coerce.number().int().min(1).optional(), "blocks a channel's creating transaction must be buried under before its proofs count (default 1 locally, 5 elsewhere)"),
  WATCHER: help(z.enum(["on", "off"]).default("on"), "on, or off to keep this instance from ever running the chain watcher (another instance, or npm run watcher, does)"),
  WATCHER_POLL_MS: help(z.coerce.number().int().min(10).max(60_000).optional(), "how often the watcher asks the chain for new blocks, in ms (default 250 locally, 2000 elsewhere)"),
  WATCHER_BLOCK_RANGE: help(z.coerce.number().int().min(1).max(1_000_000).default(2000), "the most blocks one eth_getLogs asks for (public RPCs cap the range), e.g. 2000"),
  WATCHER_FROM_BLOCK: help(z.coerce.bigint().nonnegative().optional(), "the first block to read events from when the database has no cursor yet (default: the deployment's block)"),
  WATCHER_MAX_LAG_SECONDS: help(z.coerce.number().int().min(1).default(60), "the gate stops charging when the watcher has not reached the chain's head for this many seconds, e.g. 60"),
  LEADER_LEASE_SECONDS: help(z.coerce.number().min(1).max(600).default(10), "how long the watcher's leader lease lasts without a renewal, in seconds: another instance takes over within about this"),
  MAX_FEE_PER_GAS_GWEI: help(decimal("MAX_FEE_PER_GAS_GWEI", "50").default("200"), "the most the receiver pays per gas, in gwei (EIP-1559 maxFeePerGas cap), e.g. 50"),
  TX_STUCK_BLOCKS: help(z.coerce.number().int().min(1).default(3), "a transaction not mined after this many blocks is sent again with a higher fee"),
  GAS_BALANCE_WARNING_ETH: help(decimal("GAS_BALANCE_WARNING_ETH", "0.05").default("0.05"), "below this many ETH for gas, the receiver warns in its log, e.g. 0.05"),
  SESSION_SECRET: help(
    z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)").optional(),
    "the key of the tokens and sessions the server signs, 32+ characters, the same on every instance (default: derived from RECEIVER_PRIVATE_KEY)",
  ),
  PUBLISHER_ADDRESSES: help(
    z
      .string()
      .refine((list) => list.split(",").every((a) => isAddress(a.trim(), { strict: false })), "must be comma-separated 0x addresses, e.g. 0xAbc…,0xDef…")
      .optional(),
    "the addresses that may sign in to /admin, comma-separated (default: the receiver's own address)",
  ),
  SITE_URL: help(z.url({ protocol: /^https?$/ }).optional(), "the site's public origin, e.g. https://news.example: sign-in messages must name it; required off the local chain"),
  ALLOW_DEVELOPMENT_KEYS: help(
    z.enum(["yes", "no"]).default("no"),
    "yes lets a production build (next start) use Hardhat's public development keys (the default receiver, the development wallet): for the local demo and tests only, never a real site",
  ),
});

/** Variables secret enough that an error message must not repeat their value. */
const SECRET_VARIABLES = new Set(["RECEIVER_PRIVATE_KEY", "SESSION_SECRET", "DATABASE_URL"]);

/**
 * The configuration is wrong: names each variable at fault and says what to put there. Start-up
 * (instrumentation.ts, the CLIs) prints {@link ConfigError.message} and exits, with no stack trace.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      "the configuration is not valid (every variable is described in .env.example):\n" +
        problems.map(({ variable, problem }) => `  ${variable}: ${problem}`).join("\n"),
    );
  }
}

const describeVariable = (variable: string): string => {
  const description = (configSchema.shape as Record<string, z.ZodType | undefined>)[variable]?.description;
  return description ? ` Put ${description}.` : "";
};

/** One problem with one variable, told with its value (unless secret) and what belongs there. */
function problem(variable: string, text: string, env: Record<string, string | undefined>): { variable: string; problem: string } {
  const value = env[variable];
  const shown = value === undefined || value === "" ? "is not set" : SECRET_VARIABLES.has(variable) ? "is not valid" : `is ${JSON.stringify(value)}`;
  return { variable, problem: `${shown}: ${text.replace(/\.$/, "")}.${describeVariable(variable)}` };
}

function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => problem(String(issue.path[0]), issue.message.replace(new RegExp(`^${String(issue.path[0])} `), ""), env)));
}

/** Whether Hardhat's public keys may serve: never in a production build, unless asked in so many words. */
const developmentKeysAllowed = (env: Record<string, string | undefined>, allow: "yes" | "no") => env.NODE_ENV !== "production" || allow === "yes";

export type ReceiverConfig = {
  rpcUrl: string;
  chainId: number;
  receiver: PrivateKeyAccount;
  channelManager: Address;
  token: Address;
  confirmations: number;
  /**
   * The channel manager's challenge period in seconds, fixed at its deployment: from
   * deployments/<chainId>.json when that is the manager in use. The start-up checks read the
   * contract's own and refuse a record that disagrees.
   */
  challengePeriod: number | undefined;
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
  /** ALLOW_DEVELOPMENT_KEYS=yes: a production build may use Hardhat's public keys (the demo, the suites). */
  developmentKeysAllowed: boolean;
};

function load(env: Record<string, string | undefined>): ReceiverConfig {
  const e = parseEnv(envSchema, env);
  const isLocal = e.CHAIN_ID === LOCAL_CHAIN_ID;
  const problems: { variable: string; problem: string }[] = [];
  if (!e.RECEIVER_PRIVATE_KEY && !isLocal) problems.push(problem("RECEIVER_PRIVATE_KEY", `is required off the local chain (CHAIN_ID is ${e.CHAIN_ID})`, env));
  if (!e.SITE_URL && !isLocal) problems.push(problem("SITE_URL", `is required off the local chain (CHAIN_ID is ${e.CHAIN_ID})`, env));
  const deployment = deployments[e.CHAIN_ID];
  const channelManager = e.CHANNEL_MANAGER_ADDRESS ?? deployment?.channelManager;
  const token = e.TOKEN_ADDRESS ?? deployment?.token;
  for (const [variable, value] of [["CHANNEL_MANAGER_ADDRESS", channelManager], ["TOKEN_ADDRESS", token]] as const) {
    if (!value) problems.push(problem(variable, `there is no deployments/${e.CHAIN_ID}.json to take it from: run \`npm run setup\` (or \`npm run deploy\`), or set it`, env));
  }
  const receiverKey = (e.RECEIVER_PRIVATE_KEY ?? DEV_RECEIVER_KEY) as Hex;
  // Hardhat's keys are public: a production server signing with one pays out to whoever reads
  // this file. Refused whatever the chain, since a fork can give its chain any id.
  if (!developmentKeysAllowed(env, e.ALLOW_DEVELOPMENT_KEYS) && isDevelopmentKey(receiverKey)) {
    problems.push(
      problem(
        "RECEIVER_PRIVATE_KEY",
        `${e.RECEIVER_PRIVATE_KEY ? "is one of Hardhat's public development keys" : "the default is Hardhat's public development key"}, which NODE_ENV=production refuses (ALLOW_DEVELOPMENT_KEYS=yes allows it for a local demo, never for a real site)`,
        env,
      ),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const receiver = privateKeyToAccount(receiverKey);
  const recorded = deployment && getAddress(deployment.channelManager) === getAddress(channelManager!) ? deployment : undefined;
  const deployedAtBlock = recorded ? BigInt(recorded.deployedAtBlock) : 0n;
  return {
    rpcUrl: e.RPC_URL,
    chainId: e.CHAIN_ID,
    receiver,
    channelManager: getAddress(channelManager!),
    token: getAddress(token!),
    challengePeriod: recorded?.challengePeriod,
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
    developmentKeysAllowed: e.ALLOW_DEVELOPMENT_KEYS === "yes",
  };
}

let cached: ReceiverConfig | undefined;
export function getConfig(): ReceiverConfig {
  return (cached ??= load(process.env));
}

/** {@link getConfig} from a given environment (uncached): scripts and tests that run a receiver of their own. */
export const loadConfig = (env: Record<string, string | undefined>): ReceiverConfig => load(env);

const publicEnvSchema = z.object({
  SITE_NAME: help(z.string().trim().min(1).max(60).default("Tollgate"), "the site's name, shown in the header, the page titles and wallets, e.g. \"The Daily Toll\""),
  PUBLIC_RPC_URL: help(z.url({ protocol: /^https?$/ }).optional(), "the RPC URL readers' browsers use (the server's own may be a private address), e.g. https://sepolia.example.org (default: RPC_URL)"),
  PUBLIC_CHAIN_NAME: help(z.string().min(1).max(64).optional(), "the chain's name as wallets and pages show it, e.g. Sepolia (default: \"Local Hardhat\" or \"Chain <id>\")"),
  PUBLIC_EXPLORER_URL: help(z.url({ protocol: /^https?$/ }).optional(), "a block explorer's origin, for links to transactions, e.g. https://sepolia.etherscan.io"),
  WALLETCONNECT_PROJECT_ID: help(z.string().min(1).optional(), "a WalletConnect Cloud project id; without one, WalletConnect wallets cannot connect (the others can)"),
});

/** Every variable Tollgate's server and its CLIs read, with its description: .env.example lists exactly these. */
export const configSchema = envSchema.extend(publicEnvSchema.shape);

/**
 * What the browser needs to pay: the chain, the contracts, the receiver, the token's unit. Sent
 * by the server with each page (never baked in at build time), so one build serves any
 * deployment. Nothing in it is secret: the development wallet's key is Hardhat's public one, and
 * it is included on the local chain only.
 */
export type PublicConfig = {
  /** SITE_NAME: the header, the page titles, the name wallets show. */
  siteName: string;
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
  const config = env === process.env ? getConfig() : load(env);
  const e = parseEnv(publicEnvSchema, env);
  const isLocalChain = config.chainId === LOCAL_CHAIN_ID;
  return {
    siteName: e.SITE_NAME,
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
    // Refused to a production build unless asked for (ALLOW_DEVELOPMENT_KEYS=yes, the demo): a
    // public key offered as a wallet is anyone's money.
    devWallet: isLocalChain && developmentKeysAllowed(env, config.developmentKeysAllowed ? "yes" : "no") ? { privateKey: DEV_WALLET_KEY } : undefined,
    walletConnectProjectId: e.WALLETCONNECT_PROJECT_ID,
  };
}
