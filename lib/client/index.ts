/**
 * The Tollgate client SDK: the one barrel allowed under lib/ (STYLE.md). Isomorphic: everything
 * here runs in browsers, Node and edge runtimes. The Node-only file storage is not exported
 * here; import it from `lib/client/storage/createFileStorage`.
 */
export { createTollgateClient, type Article, type TollgateClient, type TollgateClientOptions } from "./createTollgateClient";
export type { PaidResponse, PaymentReceipt } from "./fetchWithPayment";
export type { CloseResult } from "./closeChannel";
export type { ChannelRecord, ChannelStatus } from "./channelStore";
export type { Site } from "./createChannelBook";
export { createBudget, type Budget, type BudgetHold, type BudgetLimits } from "./createBudget";
export { mergeChannelState, type OnChainChannel, type BalanceClaim } from "./mergeChannelState";
export { verifyBalanceProof, type ChannelDomain } from "../protocol/verifyBalanceProof";
export { verifyClosingSignature } from "./verifyClosingSignature";
export { createViemChannelChain, type CreateViemChannelChainParameters } from "./chain/createViemChannelChain";
export type { ChannelChain, TransactionAction, TransactionEvent, OpenMethod } from "./chain/ChannelChain";
export type { ClientStorage } from "./storage/ClientStorage";
export { createMemoryStorage } from "./storage/createMemoryStorage";
export { createLocalStorage } from "./storage/createLocalStorage";
export { fetchCatalog, type Catalog } from "./site/fetchCatalog";
export {
  BudgetExceededError,
  ChainTransactionError,
  ChannelUnavailableError,
  InvalidClosingSignatureError,
  PaymentRefusedError,
  SiteRequestError,
  TokenBalanceTooLowError,
  TollgateClientError,
  UntrustedServerProofError,
  UntrustedTermsError,
} from "./errors";
// Re-exported for convenience: amounts for people, and the base error check.
export { formatAmount, formatTokenAmount, parseAmount, type TokenUnit } from "../protocol/amounts";
export { isTollgateError, TollgateError } from "../protocol/errors";
