import type { Hex } from "viem";
import type { OnChainChannel } from "../chain/getChannelInfo";
import type { ChannelRecord, ChannelStatus } from "./channelStore";

export type { OnChainChannel };

/** A balance and (when above 0) a proof of it. */
export type BalanceClaim = { balance: bigint; balanceSignature?: Hex | undefined };

export type MergedChannelState = Pick<
  ChannelRecord,
  "deposit" | "balance" | "balanceSignature" | "signed" | "status" | "settleTime" | "delegate"
>;

/**
 * Reconciles what the client knows about a channel from three places after a restart or a
 * disagreement: its own storage, the server's stored proof, and the contract.
 *
 * - The chain decides the deposit, the delegate and the status (gone means settled): it is the
 *   only source nobody can lie about.
 * - The balance is the highest of the local and the server's, because the receiver can always
 *   close with the highest proof it holds, but never above the deposit (a proof above it can
 *   never be paid out), and never below what the receiver already withdrew.
 * - `server` must already be verified (its signature recovers to the sender or the delegate):
 *   this function only compares numbers. Pass `undefined` for a claim that did not verify.
 *
 * @example
 * const merged = mergeChannelState({ local, server: verified ? server : undefined, chain: onChain })
 */
export function mergeChannelState(sources: {
  local?: Pick<ChannelRecord, "deposit" | "balance" | "balanceSignature" | "signed" | "status" | "settleTime" | "delegate"> | undefined;
  server?: BalanceClaim | undefined;
  /** What the contract says now; `null` when it has no such channel (never opened, or closed). */
  chain: OnChainChannel | null;
}): MergedChannelState {
  const { local, server, chain } = sources;
  const deposit = chain?.deposit ?? local?.deposit ?? 0n;
  const status: ChannelStatus = chain === null ? "settled" : chain.settleTime === 0n ? "open" : "closing";

  const claims: BalanceClaim[] = [];
  if (local) claims.push({ balance: local.balance, balanceSignature: local.balanceSignature });
  if (server) claims.push(server);
  // A claim above the deposit is refused, not capped: its signature is for that exact balance.
  const usable = chain ? claims.filter((claim) => claim.balance <= deposit) : claims;
  let best: BalanceClaim = { balance: 0n };
  for (const claim of usable) {
    // Prefer the higher balance; at equal balance prefer the claim that carries a proof.
    if (claim.balance > best.balance || (claim.balance === best.balance && !best.balanceSignature && claim.balanceSignature)) best = claim;
  }
  // The receiver withdrew `withdrawn` with a proof of at least that much, even if neither side
  // still holds it: nothing below it can be the balance.
  if (chain && best.balance < chain.withdrawn) best = { balance: chain.withdrawn };

  let signed = local?.signed;
  if (best.balanceSignature && (!signed || signed.balance < best.balance)) {
    signed = { balance: best.balance, balanceSignature: best.balanceSignature };
  }
  return {
    deposit,
    balance: best.balance,
    balanceSignature: best.balanceSignature,
    signed,
    status,
    settleTime: chain && chain.settleTime !== 0n ? chain.settleTime : undefined,
    delegate: chain ? chain.delegate : local?.delegate,
  };
}
