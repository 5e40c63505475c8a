// The receiver's configuration, parsed once from the environment. Every setting has a default
// that runs the demo (local chain, its deployment, Hardhat's development receiver key); the
// development key is refused on any other chain, so a fork cannot ship it by accident.
import "server-only";
import { getAddress, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { deployments } from "./chain/deployments.generated";

export const LOCAL_CHAIN_ID = 31337;
/** Hardhat's development account #1 (public knowledge): the demo publisher. */
const DEV_RECEIVER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

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
