import "server-only";
import { getAddress } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../chain/abis.generated";
import { isChainUnreachable } from "../chain/isChainUnreachable";
import { ConfigError } from "../config";
import { tokenUnit } from "../token";
import type { Receiver } from "./context";

/** How often a server whose RPC did not answer at start-up tries the checks again. */
const RETRY_MS = 2000;

/**
 * What the configuration claims about the chain, asked of the chain itself: the RPC serves
 * CHAIN_ID, a ChannelManager is at its address, its token is TOKEN_ADDRESS, the deployment record
 * has its challenge period, and TOKEN_DECIMALS is the token's. Each mismatch is one problem of a
 * {@link ConfigError} naming the variable; a site that started against the wrong chain would
 * accept proofs nobody can redeem. Returns the contract's challenge period, in seconds.
 */
export async function checkChain({ chain, config }: Receiver): Promise<{ challengePeriod: bigint }> {
  const rpcChainId = await chain.getChainId();
  if (rpcChainId !== config.chainId) {
    throw new ConfigError([
      {
        variable: "CHAIN_ID",
        problem: `is ${config.chainId}, but the RPC at RPC_URL (${config.rpcUrl}) answers eth_chainId ${rpcChainId}. Point RPC_URL at a node of chain ${config.chainId}, or set CHAIN_ID=${rpcChainId} if that is the chain you deployed to.`,
      },
    ]);
  }
  const manager = config.channelManager;
  if (!(await chain.getCode({ address: manager }))) {
    throw new ConfigError([
      {
        variable: "CHANNEL_MANAGER_ADDRESS",
        problem: `there is no contract at ${manager} on chain ${config.chainId}. Deploy one (\`npm run setup\` or \`npm run deploy\`) or set the address of the one you deployed.`,
      },
    ]);
  }
  const [token, challengePeriod] = await Promise.all([
    chain.readContract({ address: manager, abi: channelManagerAbi, functionName: "token" }),
    chain.readContract({ address: manager, abi: channelManagerAbi, functionName: "challengePeriod" }),
  ]);
  const problems: ConfigError["problems"] = [];
  if (getAddress(token) !== config.token) {
    problems.push({ variable: "TOKEN_ADDRESS", problem: `is ${config.token}, but the ChannelManager at ${manager} takes payment in ${token}. Set TOKEN_ADDRESS=${token}.` });
  }
  if (config.challengePeriod !== undefined && BigInt(config.challengePeriod) !== challengePeriod) {
    problems.push({
      variable: "CHANNEL_MANAGER_ADDRESS",
      problem: `deployments/${config.chainId}.json records a challenge period of ${config.challengePeriod} s for ${manager}, but the contract's is ${challengePeriod} s: the record is not this contract's. Deploy again, or set CHANNEL_MANAGER_ADDRESS and TOKEN_ADDRESS.`,
    });
  }
  // decimals() is optional in ERC-20: a token without it is taken at TOKEN_DECIMALS's word.
  const decimals = await chain.readContract({ address: token, abi: tollgateTokenAbi, functionName: "decimals" }).catch((error: unknown) => {
    if (isChainUnreachable(error)) throw error;
    return undefined;
  });
  if (decimals !== undefined && decimals !== tokenUnit.decimals) {
    problems.push({ variable: "TOKEN_DECIMALS", problem: `is ${tokenUnit.decimals}, but the token ${token} has ${decimals} decimals. Set TOKEN_DECIMALS=${decimals}: prices are read in its units.` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { challengePeriod };
}

/**
 * Start-up's check of the chain (the site, `npm run watcher`, `npm run receiver`): stops the
 * process on a wrong configuration, with the message and no stack trace. An RPC that does not
 * answer yet stops nothing (the gate answers 503 meanwhile and the watcher retries): the checks
 * run again every {@link RETRY_MS} until it does, and stop the process then if they fail.
 */
export async function checkStartup(receiver: Receiver, log: (line: string) => void = console.log): Promise<void> {
  const attempt = async (first: boolean): Promise<void> => {
    try {
      const { challengePeriod } = await checkChain(receiver);
      const { config } = receiver;
      log(`tollgate: chain ${config.chainId} at ${config.rpcUrl}; ChannelManager ${config.channelManager} (challenge period ${challengePeriod} s), token ${config.token}, receiver ${config.receiver.address}`);
    } catch (error) {
      if (!isChainUnreachable(error)) refuseToStart(error);
      if (first) console.error(`tollgate: the RPC at ${receiver.config.rpcUrl} does not answer; the chain is checked once it does (until then the gate answers 503)`);
      setTimeout(() => void attempt(false), RETRY_MS).unref();
    }
  };
  await attempt(true);
}

/** Ends the process for a {@link ConfigError} with its message alone; anything else is a bug, thrown on. */
export function refuseToStart(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`tollgate: ${error.message}`);
  process.exit(1);
}
