import { getAddress, type Abi, type Account, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../../chain/abis.generated";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData } from "../../protocol/typedData";
import { ChainTransactionError } from "../errors";
import type { ChannelChain, TransactionEvent } from "./ChannelChain";
import { ensureAllowance } from "./ensureAllowance";
import { findChannelsOnChain } from "./findChannelsOnChain";
import { openChannel } from "./openChannel";
import { getChannelInfo } from "../../chain/getChannelInfo";
import { sendContractTransaction, type ViemClients } from "./sendContractTransaction";

export type CreateViemChannelChainParameters = {
  /** Reads, simulations and receipts. */
  publicClient: PublicClient;
  /** Signs and sends, as its account (a local key, or a browser wallet's account). */
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** Blocks each transaction must be buried under before it counts (default 1). */
  confirmations?: number | undefined;
  /** Progress of every transaction: pending hash, confirming n/N, confirmed. */
  onTransaction?: ((event: TransactionEvent) => void) | undefined;
  /** First block of the `ChannelCreated` log scan (the manager's deployment block; default 0). */
  scanFromBlock?: bigint | undefined;
  /** Widest block range of one `eth_getLogs` (default 10 000). */
  blocksPerLogQuery?: bigint | undefined;
};

/**
 * The {@link ChannelChain} over viem: a public client for reads and a wallet client for
 * signatures and transactions.
 *
 * @example
 * const account = privateKeyToAccount(key)
 * const publicClient = createPublicClient({ transport: http(rpcUrl) })
 * const walletClient = createWalletClient({ account, transport: http(rpcUrl) })
 * const chain = createViemChannelChain({ publicClient, walletClient, onTransaction: (e) => console.log(e.action, e.stage) })
 */
export function createViemChannelChain(params: CreateViemChannelChainParameters): ChannelChain {
  const { publicClient, walletClient } = params;
  const clients: ViemClients = params;
  const sender = getAddress(walletClient.account.address);
  const managerAbi = channelManagerAbi as Abi;

  return {
    sender,
    getChainId: () => publicClient.getChainId(),

    signBalanceProof: (domain, channel, balance) =>
      walletClient.signTypedData({ account: walletClient.account, ...balanceProofTypedData(domain, channel, balance) }),

    signCloseRequest: (domain, channel, balance) =>
      walletClient.signTypedData({ account: walletClient.account, ...closeRequestTypedData(domain, channel, balance) }),

    signAccessRequest: (domain, channel, path, issuedAt) =>
      walletClient.signTypedData({ account: walletClient.account, ...accessRequestTypedData(domain, channel, path, issuedAt) }),

    readChannel: (manager, channel) => getChannelInfo(publicClient, manager, channel),

    findChannels: (manager, filter) =>
      findChannelsOnChain(publicClient, manager, filter, {
        fromBlock: params.scanFromBlock ?? 0n,
        ...(params.blocksPerLogQuery ? { blocksPerQuery: params.blocksPerLogQuery } : {}),
      }),

    managerToken: async (manager) =>
      getAddress(await publicClient.readContract({ address: manager, abi: channelManagerAbi, functionName: "token" })),

    async tokenUnit(token) {
      const [decimals, symbol] = await Promise.all([
        publicClient.readContract({ address: token, abi: tollgateTokenAbi, functionName: "decimals" }),
        publicClient.readContract({ address: token, abi: tollgateTokenAbi, functionName: "symbol" }),
      ]);
      return { decimals, symbol };
    },

    tokenBalance: (token, owner) => publicClient.readContract({ address: token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [owner] }),

    openChannel: (args) => openChannel(clients, args),

    async topUp({ manager, token, channel, amount }) {
      await ensureAllowance(clients, { token, spender: manager, amount });
      const receipt = await sendContractTransaction(clients, {
        action: "topUp",
        address: manager,
        abi: managerAbi,
        functionName: "topUp",
        args: [channel.receiver, channel.openBlock, amount],
      });
      return { hash: receipt.transactionHash };
    },

    async cooperativeClose({ manager, channel, balance, balanceSignature, closingSignature }) {
      const receipt = await sendContractTransaction(clients, {
        action: "cooperativeClose",
        address: manager,
        abi: managerAbi,
        functionName: "cooperativeClose",
        args: [channel.sender, channel.receiver, channel.openBlock, balance, balanceSignature, closingSignature],
      });
      return { hash: receipt.transactionHash };
    },

    async uncooperativeClose({ manager, channel, balance }) {
      const receipt = await sendContractTransaction(clients, {
        action: "uncooperativeClose",
        address: manager,
        abi: managerAbi,
        functionName: "uncooperativeClose",
        args: [channel.receiver, channel.openBlock, balance],
      });
      const after = await getChannelInfo(publicClient, manager, channel);
      if (!after) throw new ChainTransactionError({ action: "uncooperativeClose", reason: "the channel is gone right after closing" });
      return { hash: receipt.transactionHash, settleTime: after.settleTime };
    },

    async settle({ manager, channel }) {
      const receipt = await sendContractTransaction(clients, {
        action: "settle",
        address: manager,
        abi: managerAbi,
        functionName: "settle",
        args: [channel.receiver, channel.openBlock],
      });
      return { hash: receipt.transactionHash };
    },

    async latestBlock() {
      const block = await publicClient.getBlock({ blockTag: "latest" });
      return { number: block.number, timestamp: block.timestamp };
    },
  };
}
