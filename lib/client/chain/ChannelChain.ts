import type { Address, Hash } from "viem";
import type { TransactionProgress } from "../../chain/waitForTransaction";
import type { TokenUnit } from "../../protocol/amounts";
import type { ChannelId } from "../../protocol/typedData";
import type { OnChainChannel } from "../mergeChannelState";
import type { ChannelDomain } from "../../protocol/verifyBalanceProof";

/** The transactions the client sends. */
export type TransactionAction =
  | "approve"
  | "createChannel"
  | "createChannelWithPermit"
  | "topUp"
  | "cooperativeClose"
  | "uncooperativeClose"
  | "settle";

/** One step of one transaction: sent (pending hash), confirming n/N, confirmed. */
export type TransactionEvent = TransactionProgress & { action: TransactionAction };

/** How a channel was opened: one permit transaction, or approve then create. */
export type OpenMethod = "permit" | "approve";

/**
 * Everything the client asks of the chain, as one small interface: the SDK's payment logic
 * talks to this, not to viem, so that it runs the same over a browser wallet, a CLI's private
 * key, or (in unit tests) an in-memory fake. {@link createViemChannelChain} is the real one.
 *
 * Writes resolve once the transaction has the configured confirmations, and report their
 * progress through the `onTransaction` callback the implementation was created with.
 */
export interface ChannelChain {
  /** The account that opens channels, signs as sender and sends every transaction. */
  readonly sender: Address;
  getChainId(): Promise<number>;
  /** The sender's EIP-712 signature of a balance proof (a wallet prompt in a browser). */
  signBalanceProof(domain: ChannelDomain, channel: ChannelId, balance: bigint): Promise<`0x${string}`>;
  /** The sender's EIP-712 `CloseRequest` asking the receiver for a closing commitment at `balance`. */
  signCloseRequest(domain: ChannelDomain, channel: ChannelId, balance: bigint): Promise<`0x${string}`>;
  /** The sender's EIP-712 `AccessRequest` to re-read the article at `path` it bought, signed at `issuedAt` (unix seconds). */
  signAccessRequest(domain: ChannelDomain, channel: ChannelId, path: string, issuedAt: bigint): Promise<`0x${string}`>;
  /** `getChannelInfo`, or `null` when the manager has no such channel (never opened, or closed). */
  readChannel(manager: Address, channel: ChannelId): Promise<OnChainChannel | null>;
  /** Channels `sender` opened (to `receiver`, if given), from the manager's `ChannelCreated` logs. */
  findChannels(manager: Address, filter: { sender: Address; receiver?: Address | undefined }): Promise<ChannelId[]>;
  /** The token a manager escrows (`token()`). */
  managerToken(manager: Address): Promise<Address>;
  /** A token's decimals and symbol, for messages. */
  tokenUnit(token: Address): Promise<TokenUnit>;
  /** A token balance. */
  tokenBalance(token: Address, owner: Address): Promise<bigint>;
  openChannel(args: {
    manager: Address;
    token: Address;
    receiver: Address;
    delegate: Address | undefined;
    deposit: bigint;
    permit: "auto" | "always" | "never";
  }): Promise<{ channel: ChannelId; hash: Hash; method: OpenMethod }>;
  topUp(args: { manager: Address; token: Address; channel: ChannelId; amount: bigint }): Promise<{ hash: Hash }>;
  cooperativeClose(args: {
    manager: Address;
    channel: ChannelId;
    balance: bigint;
    balanceSignature: `0x${string}`;
    closingSignature: `0x${string}`;
  }): Promise<{ hash: Hash }>;
  uncooperativeClose(args: { manager: Address; channel: ChannelId; balance: bigint }): Promise<{ hash: Hash; settleTime: bigint }>;
  settle(args: { manager: Address; channel: ChannelId }): Promise<{ hash: Hash }>;
  /** The latest block's number and timestamp (seconds). */
  latestBlock(): Promise<{ number: bigint; timestamp: bigint }>;
}
