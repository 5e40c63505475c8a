import {
  BaseError,
  ContractFunctionRevertedError,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { waitForTransaction } from "../../chain/waitForTransaction";
import { ChainTransactionError } from "../errors";
import type { TransactionAction, TransactionEvent } from "./ChannelChain";

/** The viem clients every write needs. The wallet client must carry its account. */
export type ViemClients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** Blocks a transaction must be buried under before the client relies on it (default 1). */
  confirmations?: number | undefined;
  onTransaction?: ((event: TransactionEvent) => void) | undefined;
};

/** What the channel manager's and the token's custom errors mean to the person paying. */
const explanations: Record<string, string> = {
  ChannelNotFound: "the contract has no such channel: it was never opened, or it is already closed",
  ChannelIsClosing: "the channel is closing: it can only be settled (or closed cooperatively) now",
  ChannelNotClosing: "the channel is not closing: start an uncooperative close first",
  ChannelChallengePeriodActive: "the challenge period has not ended yet: settle after it",
  ChannelBalanceExceedsDeposit: "the balance is above the channel's deposit",
  ChannelBalanceBelowWithdrawn: "the balance is below what the receiver already withdrew",
  ChannelInvalidBalanceProof: "the balance proof is not signed by the sender or the channel's delegate",
  ChannelInvalidClosingCommitment: "the closing signature is not the receiver's",
  ChannelPermitFailed: "the token refused the permit and there is no allowance to fall back on",
  ChannelZeroDeposit: "a deposit or top-up must be at least one base unit",
  ChannelInvalidReceiver: "the receiver address cannot receive channel payments",
  ChannelInvalidDelegate: "the delegate cannot be the receiver",
  ChannelAlreadyExists: "a channel with this key already exists in this block: try again in the next block",
  ChannelDepositOverflow: "the deposit would exceed 2^128 − 1 base units",
  ERC20InsufficientBalance: "the sender's token balance is too low",
  ERC20InsufficientAllowance: "the channel manager's allowance is too low",
};

/**
 * Simulates, sends and waits for one contract call, reporting each stage to `onTransaction`.
 * Simulating first turns a call that would revert into an error naming the contract's reason,
 * before any gas is spent or a wallet prompt is shown.
 *
 * @throws {ChainTransactionError} with the contract's error name when it reverts.
 * @example
 * const receipt = await sendContractTransaction(clients, { action: "topUp", address: manager, abi, functionName: "topUp", args: [receiver, openBlock, amount] })
 */
export async function sendContractTransaction(
  clients: ViemClients,
  call: { action: TransactionAction; address: Address; abi: Abi; functionName: string; args: readonly unknown[] },
): Promise<TransactionReceipt> {
  const { publicClient, walletClient } = clients;
  const { action, address, abi, functionName, args } = call;
  let request: unknown;
  try {
    // Against the pending block: the transaction will be mined in the next block, and a call
    // run in the latest block's context sees the wrong `block.number` (opening a second channel
    // to the same receiver one block after the first would falsely revert ChannelAlreadyExists).
    ({ request } = await publicClient.simulateContract({ address, abi, functionName, args, account: walletClient.account, blockTag: "pending" }));
  } catch (error) {
    throw toChainTransactionError(action, error);
  }
  let hash: `0x${string}`;
  try {
    // `chain: null` skips viem's chain check when the public client has no chain configured.
    hash = await walletClient.writeContract({
      ...(request as Parameters<typeof walletClient.writeContract>[0]),
      chain: publicClient.chain ?? null,
    } as Parameters<typeof walletClient.writeContract>[0]);
  } catch (error) {
    throw toChainTransactionError(action, error);
  }
  try {
    return await waitForTransaction(publicClient, hash, {
      required: clients.confirmations ?? 1,
      onProgress: (progress) => clients.onTransaction?.({ action, ...progress }),
    });
  } catch (error) {
    throw new ChainTransactionError({ action, reason: error instanceof Error ? error.message : String(error), cause: error });
  }
}

/**
 * A viem error as a {@link ChainTransactionError} naming the contract's custom error, if any.
 *
 * @example
 * try { await simulate() } catch (error) { throw toChainTransactionError("settle", error) }
 */
export function toChainTransactionError(action: string, error: unknown): ChainTransactionError {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const errorName = reverted.data?.errorName;
      const reason = (errorName && explanations[errorName]) ?? reverted.reason ?? reverted.shortMessage;
      return new ChainTransactionError({ action, errorName, reason, cause: error });
    }
    return new ChainTransactionError({ action, reason: error.shortMessage, cause: error });
  }
  return new ChainTransactionError({ action, reason: error instanceof Error ? error.message : String(error), cause: error });
}
