import "server-only";
import type { Address } from "viem";
import type { ChainEventKind, ChannelStatus } from "../../db/Db";

/** One stored event of a channel, as the fold reads it (see ChainEvent in prisma/models.prisma). */
export type FoldableEvent = {
  kind: ChainEventKind;
  blockNumber: bigint;
  logIndex: number;
  amount: bigint;
  delegate: Address | null;
  settleTime: bigint | null;
};

/** A channel's on-chain facts as the receiver relies on them. */
export type FoldedChannel = {
  delegate: Address | null;
  /** The opening deposit and the top-ups that are confirmed; unconfirmed ones count for nothing. */
  deposit: bigint;
  withdrawn: bigint;
  status: ChannelStatus;
  settleAfter: bigint | null;
  closingBalance: bigint | null;
  /** Whether the creating block is confirmed: before it is, no proof counts. */
  confirmed: boolean;
};

/**
 * Folds a channel's events, in chain order, into what the receiver may rely on, given that
 * blocks up to `confirmedThrough` have enough confirmations (DESIGN.md): events that let it
 * accept more (the opening, a top-up) count only once confirmed; events that let it accept less
 * (a close request, a settlement) count at once. Returns null while no creation was seen (none
 * yet, or a reorg dropped it).
 *
 * Pure: the watcher calls it after every change to a channel's events, including the deletion of
 * the events of dropped blocks, so the result never depends on what was folded before.
 *
 * @example
 * foldChannelEvents([{ kind: "created", blockNumber: 7n, logIndex: 0, amount: 100n, delegate: null, settleTime: null }], 7n)
 * // { deposit: 100n, confirmed: true, status: "open", … }
 */
export function foldChannelEvents(events: readonly FoldableEvent[], confirmedThrough: bigint): FoldedChannel | null {
  let channel: FoldedChannel | null = null;
  for (const event of [...events].sort(inChainOrder)) {
    const confirmed = event.blockNumber <= confirmedThrough;
    if (event.kind === "created") {
      channel = {
        delegate: event.delegate,
        deposit: confirmed ? event.amount : 0n,
        withdrawn: 0n,
        status: "open",
        settleAfter: null,
        closingBalance: null,
        confirmed,
      };
      continue;
    }
    // An event before any creation cannot happen on a chain the manager runs on; if the reorg
    // bookkeeping ever produced one, ignoring it keeps the channel unknown, the safe side.
    if (!channel) continue;
    switch (event.kind) {
      case "toppedUp":
        if (confirmed) channel.deposit += event.amount;
        break;
      case "withdrawn":
        channel.withdrawn = event.amount;
        break;
      case "closeRequested":
        channel.status = "closing";
        channel.closingBalance = event.amount;
        channel.settleAfter = event.settleTime;
        break;
      case "settled":
        channel.status = "settled";
        break;
    }
  }
  return channel;
}

function inChainOrder(a: FoldableEvent, b: FoldableEvent): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}
