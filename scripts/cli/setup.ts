/**
 * Builds the SDK client the CLI's commands share: the account (never a development key off the
 * local chain), the viem clients, the file storage, the trusted contract and the amounts.
 */
import { createPublicClient, createWalletClient, http, isAddressEqual, type Address, type Hex, type LocalAccount } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { deployments } from "../../lib/chain/deployments.generated";
import type { TransactionEvent } from "../../lib/client/chain/ChannelChain";
import { createViemChannelChain } from "../../lib/client/chain/createViemChannelChain";
import { createTollgateClient, type TollgateClient } from "../../lib/client/createTollgateClient";
import { fetchCatalog, type Catalog } from "../../lib/client/site/fetchCatalog";
import { createFileStorage, defaultStateDirectory } from "../../lib/client/storage/createFileStorage";
import { formatTokenAmount, parseAmount, type TokenUnit } from "../../lib/protocol/amounts";
import { CliError, UsageError, type CliOptions } from "./options";

/** The local Hardhat chain, where development keys are public knowledge and hold only test tokens. */
export const LOCAL_CHAIN_ID = 31337;
/** Hardhat's default mnemonic; account #2 onward are the demo's readers. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const DEV_READER_INDEX = 2;

export type CliContext = {
  client: TollgateClient;
  /** Sends `faucet(amount)` to the site's token as the reader (TollgateToken's test faucet). */
  faucet: (amount: bigint) => Promise<void>;
  catalog: Catalog;
  unit: TokenUnit;
  account: LocalAccount;
  show: (amount: bigint) => string;
  log: (line: string) => void;
};

/** The reader's account: --key / TOLLGATE_KEY, or development account #2 on the local chain only. */
export function selectAccount(key: string | undefined, chainId: number): { account: LocalAccount; development: boolean } {
  if (key) return { account: privateKeyToAccount(key as Hex), development: false };
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new UsageError(
      `no key given and the RPC is on chain ${chainId}, not the local chain ${LOCAL_CHAIN_ID}: pass --key 0x… or set TOLLGATE_KEY (the development key is refused anywhere else)`,
    );
  }
  return { account: mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: DEV_READER_INDEX }), development: true };
}

/**
 * The channel manager to trust: --contract, else this chain's known deployment. A site naming
 * another contract is refused off the local chain (approving a deposit to an unknown contract
 * could lose it); on the local chain, redeployments are routine, so it is only a warning.
 */
export function trustedContract(options: CliOptions, catalog: Catalog, log: (line: string) => void): Address {
  if (options.contract) return options.contract;
  const known = deployments[catalog.chainId]?.channelManager;
  if (known && isAddressEqual(known, catalog.contract)) return known;
  if (catalog.chainId === LOCAL_CHAIN_ID) {
    log(`note: trusting the site's channel manager ${catalog.contract} on the local chain${known ? ` (the recorded deployment is ${known})` : ""}`);
    return catalog.contract;
  }
  throw new UsageError(
    known
      ? `the site's channel manager ${catalog.contract} is not this chain's known deployment ${known}: if you trust it, pass --contract ${catalog.contract}`
      : `there is no known deployment on chain ${catalog.chainId}: if you trust the site's channel manager, pass --contract ${catalog.contract}`,
  );
}

export async function setup(options: CliOptions, log: (line: string) => void): Promise<CliContext> {
  const origin = new URL(options.url).origin;
  const transport = http(options.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const chainId = await publicClient.getChainId().catch((error: unknown) => {
    throw new CliError(`cannot reach the chain at ${options.rpcUrl} (${error instanceof Error ? error.message.split("\n")[0] : error}): is the node running (npm run demo), or is --rpc-url right?`);
  });
  const { account, development } = selectAccount(options.key, chainId);
  if (development) log(`using Hardhat's development account #${DEV_READER_INDEX} ${account.address} (local chain only)`);

  const catalog = await fetchCatalog((input, init) => fetch(input, init), origin);
  const unit: TokenUnit = { decimals: catalog.token.decimals, symbol: catalog.token.symbol };
  const show = (amount: bigint) => formatTokenAmount(amount, unit, { maxFractionDigits: unit.decimals });
  const tokens = (text: string | undefined) => (text === undefined ? undefined : parseAmount(text, unit.decimals));
  const topUp = tokens(options.topUp);

  const walletClient = createWalletClient({ account, transport });
  const chain = createViemChannelChain({
    publicClient,
    walletClient,
    onTransaction: (event) => log(progressLine(event)),
    scanFromBlock: BigInt(deployments[chainId]?.deployedAtBlock ?? 0),
  });
  const client = createTollgateClient({
    chain,
    storage: createFileStorage(options.state ?? defaultStateDirectory()),
    budget: { maxPrice: tokens(options.maxPrice), maxTotal: tokens(options.budget) },
    deposit: tokens(options.deposit),
    topUp: topUp === 0n ? false : topUp,
    permit: options.permit ? "always" : "never",
    trustedContracts: [trustedContract(options, catalog, log)],
    formatAmount: show,
    warn: (message) => log(`warning: ${message}`),
  });
  const faucet = async (amount: bigint) => {
    const hash = await walletClient.writeContract({
      address: catalog.token.address,
      abi: tollgateTokenAbi,
      functionName: "faucet",
      args: [amount],
      chain: null,
    });
    log(progressLine({ action: "faucet", stage: "pending", hash }));
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new CliError(`the faucet transaction ${hash} reverted (at most 1000 tokens per call, 10000 per address)`);
  };
  return { client, faucet, catalog, unit, account, show, log };
}

/** One line per transaction stage: sent (pending hash), confirming n/N, confirmed. */
export function progressLine(event: TransactionEvent | { action: string; stage: "pending"; hash: string }): string {
  if (event.stage === "pending") return `${event.action}: sent ${event.hash}, waiting to be mined…`;
  if (event.stage === "confirming") return `${event.action}: confirming ${event.confirmations}/${event.required}`;
  return `${event.action}: confirmed in block ${event.receipt.blockNumber}`;
}
