/**
 * Deploys the token (unless an existing ERC-20 is given) and the channel manager, and records the
 * deployment in deployments/<chainId>.json. Used by `npm run deploy` and by the demo.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Abi, Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { deploymentSchema, type Deployment } from "../../lib/chain/deployment";
import { logProgress, waitForTransaction } from "../../lib/chain/waitForTransaction";

const root = path.resolve(import.meta.dirname, "../..");

async function artifact(name: string): Promise<{ abi: Abi; bytecode: Hex }> {
  const file = path.join(root, "artifacts/contracts", `${name}.sol`, `${name}.json`);
  const { abi, bytecode } = JSON.parse(await readFile(file, "utf8"));
  return { abi, bytecode };
}

export type DeployOptions = {
  /** An existing ERC-20 to use instead of deploying TollgateToken. */
  token?: Address;
  challengePeriod: number;
  confirmations: number;
  quiet?: boolean;
};

export async function deployContracts(
  wallet: WalletClient<Transport, Chain, Account>,
  client: PublicClient,
  { token, challengePeriod, confirmations, quiet }: DeployOptions,
): Promise<Deployment> {
  const log = quiet ? () => undefined : console.log;
  const deploy = async (name: string, args: readonly unknown[]) => {
    const { abi, bytecode } = await artifact(name);
    log(`Deploying ${name}`);
    const hash = await wallet.deployContract({ abi, bytecode, args });
    const receipt = await waitForTransaction(client, hash, {
      required: confirmations,
      onProgress: quiet ? undefined : logProgress(name),
    });
    if (!receipt.contractAddress) throw new Error(`${name}: no contract address in receipt ${hash}`);
    return receipt;
  };

  const tokenAddress = token ?? (await deploy("TollgateToken", [])).contractAddress!;
  const manager = await deploy("ChannelManager", [tokenAddress, BigInt(challengePeriod)]);
  return deploymentSchema.parse({
    chainId: await client.getChainId(),
    channelManager: manager.contractAddress,
    token: tokenAddress,
    challengePeriod,
    deployedAtBlock: Number(manager.blockNumber),
  });
}

export async function recordDeployment(deployment: Deployment): Promise<string> {
  const dir = path.join(root, "deployments");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${deployment.chainId}.json`);
  await writeFile(file, JSON.stringify(deployment, null, 2) + "\n");
  return file;
}
