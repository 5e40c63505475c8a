import "server-only";
import type { Block, Hash } from "viem";
import { getChannelEvents } from "../../chain/getChannelEvents";
import { isUniqueViolation } from "../../db/isUniqueViolation";
import type { Receiver } from "../context";
import { applyBlocks, markSynced, readCheckpoints, readCursor, rewindTo } from "./chainStore";

export type SyncProgress =
  | { stage: "catching-up"; from: bigint; head: bigint }
  | { stage: "progress"; done: bigint; toGo: bigint; events: number }
  | { stage: "caught-up"; blocks: bigint; events: number; ms: number }
  | { stage: "reorg"; from: bigint; to: bigint; droppedEvents: number };

export type SyncResult = { head: bigint; blocks: bigint; events: number };

/** Catch-ups shorter than this many blocks are not worth a progress line. */
const QUIET_BELOW = 100n;

/**
 * Brings the receiver's records up to the chain's head: reads the manager's events for this
 * receiver after the cursor in ranges of at most `blockRange` blocks, applies each range in one
 * transaction, and, when the chain no longer has the cursor's block (a reorg), rewinds to the
 * newest checkpoint the chain still has and reads on from there.
 *
 * Each read of logs is bracketed by reads of the hashes of the cursor's block and of the range's
 * last block: when either changed meanwhile, the logs may mix two forks, so the range is read
 * again (or, if the cursor's block is gone, the watcher rewinds first). Hashes are compared by
 * block number rather than through `parentHash`, which Hardhat leaves zero inside the ranges
 * `hardhat_mine` makes.
 */
export async function syncChain(receiver: Receiver, onProgress?: (p: SyncProgress) => void): Promise<SyncResult> {
  const { chain, config } = receiver;
  const started = performance.now();
  let blocks = 0n;
  let events = 0;
  let announced = false;

  for (;;) {
    const latest = await chain.getBlock({ blockTag: "latest" });
    const head = latest.number;
    let cursor = await readCursor(receiver);
    if (!cursor) {
      const start = config.watcher.fromBlock;
      // The deployment's block is not mined yet (the RPC lags, or names another chain): wait.
      if (start > head) return { head, blocks, events };
      // Nothing before the start block concerns us: begin as if its parent were applied.
      const parent = start > 0n ? await chain.getBlock({ blockNumber: start - 1n }) : undefined;
      await applyBlocks(receiver, { from: start, to: start - 1n, toHash: parent?.hash ?? ZERO_HASH, head, events: [] }).catch((error) => {
        // Two processes creating the first cursor at once: the loser reads the winner's.
        if (!isUniqueViolation(error)) throw error;
      });
      cursor = await readCursor(receiver);
      if (!cursor) continue;
    }

    if (head <= cursor.blockNumber) {
      const atCursor = head === cursor.blockNumber ? latest : await chain.getBlock({ blockNumber: cursor.blockNumber }).catch(() => undefined);
      if (atCursor?.hash.toLowerCase() === cursor.blockHash) {
        await markSynced(receiver, head);
        if (announced) onProgress?.({ stage: "caught-up", blocks, events, ms: performance.now() - started });
        return { head, blocks, events };
      }
      await rewind(receiver, cursor.id, cursor.blockNumber, head, onProgress);
      continue;
    }

    const from = cursor.blockNumber + 1n;
    if (!announced && head - cursor.blockNumber >= QUIET_BELOW) {
      announced = true;
      onProgress?.({ stage: "catching-up", from, head });
    }
    const to = head - from + 1n > BigInt(config.watcher.blockRange) ? from + BigInt(config.watcher.blockRange) - 1n : head;
    if (!(await stillHas(receiver, cursor.blockNumber, cursor.blockHash))) {
      await rewind(receiver, cursor.id, cursor.blockNumber, head, onProgress);
      continue;
    }
    const last = to === head ? latest : await chain.getBlock({ blockNumber: to });
    const found = await getChannelEvents(chain, { manager: config.channelManager, receiver: config.receiver.address, fromBlock: from, toBlock: to });
    const again = await chain.getBlock({ blockNumber: to });
    // Both ends unchanged around the read: the logs are of one chain, the one that extends ours.
    if (again.hash !== last.hash || found.some((e) => e.blockNumber === to && e.blockHash !== last.hash)) continue;
    if (!(await stillHas(receiver, cursor.blockNumber, cursor.blockHash))) continue;

    events += await applyBlocks(receiver, { from, to, toHash: last.hash, head, events: found });
    blocks += to - from + 1n;
    if (announced) onProgress?.({ stage: "progress", done: blocks, toGo: head - to, events });
  }
}

const ZERO_HASH = `0x${"0".repeat(64)}` as Hash;

/** Whether the chain still has `hash` at `block` (before the start block, there is nothing to lose). */
async function stillHas(receiver: Receiver, block: bigint, hash: string): Promise<boolean> {
  if (block < 0n) return true;
  const onChain = await receiver.chain.getBlock({ blockNumber: block });
  return onChain.hash.toLowerCase() === hash;
}

/** Finds the newest checkpoint the chain still has and rewinds to it (or to before the start block). */
async function rewind(receiver: Receiver, cursorId: number, at: bigint, head: bigint, onProgress?: (p: SyncProgress) => void) {
  const { chain, config } = receiver;
  let fork: { block: bigint; hash: Hash } | undefined;
  for (const checkpoint of await readCheckpoints(receiver, cursorId)) {
    if (checkpoint.blockNumber > head || checkpoint.blockNumber < 0n) continue;
    const block: Block = await chain.getBlock({ blockNumber: checkpoint.blockNumber });
    if (block.hash?.toLowerCase() === checkpoint.blockHash) {
      fork = { block: checkpoint.blockNumber, hash: block.hash };
      break;
    }
  }
  if (!fork) {
    // Deeper than every checkpoint: read everything again from the start block.
    const start = config.watcher.fromBlock;
    const parent = start > 0n ? await chain.getBlock({ blockNumber: start - 1n }) : undefined;
    console.error(`watcher: the chain forked below every checkpoint; reading again from block ${start}`);
    fork = { block: start - 1n, hash: parent?.hash ?? ZERO_HASH };
  }
  const droppedEvents = await rewindTo(receiver, { ...fork, head });
  onProgress?.({ stage: "reorg", from: at, to: fork.block, droppedEvents });
}
