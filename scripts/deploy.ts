/**
 * Deploys Tollgate to any EVM chain by RPC URL and key.
 *
 *   npm run deploy -- --rpc-url https://… --key 0x… --token 0x… [--challenge-period 86400] [--confirmations 2]
 *
 * RPC_URL and DEPLOYER_KEY may stand in for the flags. --token is the ERC-20 readers pay in.
 * Without it a TollgateToken is deployed as well, whose faucet lets anyone mint it: on the local
 * chain only, unless --deploy-faucet-token asks for it in so many words (a test network). Writes
 * deployments/<chainId>.json and regenerates lib/chain/deployments.generated.ts.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, defineChain, http, isAddress, isHex } from "viem";
import { hardhat } from "viem/chains";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { deployContracts, recordDeployment } from "./deploy/deployContracts";

const { values } = parseArgs({
  options: {
    "rpc-url": { type: "string", default: process.env.RPC_URL },
    key: { type: "string", default: process.env.DEPLOYER_KEY },
    token: { type: "string" },
    "deploy-faucet-token": { type: "boolean", default: false },
    "challenge-period": { type: "string", default: "86400" },
    confirmations: { type: "string", default: "2" },
  },
});

const options = z
  .object({
    "rpc-url": z.url({ message: "--rpc-url (or RPC_URL) must be the chain's JSON-RPC URL" }),
    key: z.string().refine((k) => isHex(k) && k.length === 66, "--key (or DEPLOYER_KEY) must be a 0x-prefixed 32-byte private key"),
    token: z.string().refine(isAddress, "--token must be an ERC-20's address").optional(),
    "deploy-faucet-token": z.boolean(),
    "challenge-period": z.coerce.number().int().min(1, "--challenge-period is in seconds, at least 1"),
    confirmations: z.coerce.number().int().min(1),
  })
  .refine((o) => !(o.token && o["deploy-faucet-token"]), "pass either --token (an existing ERC-20) or --deploy-faucet-token, not both")
  .safeParse(values);
if (!options.success) {
  for (const issue of options.error.issues) console.error(`error: ${issue.message}`);
  process.exit(2);
}
const { "rpc-url": url, key, token, "deploy-faucet-token": faucetToken, "challenge-period": challengePeriod, confirmations } = options.data;

function refuse(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

const probe = createPublicClient({ transport: http(url) });
const chainId = await probe.getChainId();
// Refused before anything is sent: a faucet token anyone can mint is worthless as payment, and a
// site deployed with it off the local chain would sell its articles for nothing.
if (!token && chainId !== hardhat.id && !faucetToken) {
  refuse(
    `chain ${chainId} is not the local chain (${hardhat.id}): without --token this would deploy TollgateToken, whose faucet lets anyone mint it. ` +
      `Pass --token 0x… with the ERC-20 your readers pay in, or --deploy-faucet-token to deploy the faucet token anyway (a test network only).`,
  );
}
if (token && (await probe.getCode({ address: token as `0x${string}` })) === undefined) {
  refuse(`there is no contract at --token ${token} on chain ${chainId}: is it the token's address on this chain?`);
}
const chain = defineChain({
  id: chainId,
  name: `chain ${chainId}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const account = privateKeyToAccount(key as `0x${string}`);
const client = createPublicClient({ chain, transport: http(url) });
const wallet = createWalletClient({ account, chain, transport: http(url) });

console.log(`Deploying to chain ${chainId} from ${account.address}`);
const deployment = await deployContracts(wallet, client, {
  token: token as `0x${string}` | undefined,
  challengePeriod,
  confirmations,
});
const file = await recordDeployment(deployment);
execFileSync(process.execPath, ["--import", "tsx", "scripts/generate-abis.ts"], { stdio: "inherit" });
console.log(`\nChannelManager ${deployment.channelManager}\nToken          ${deployment.token}\nRecorded in ${file}`);
