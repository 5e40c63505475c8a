import "server-only";
import type { Hash } from "viem";
import { getChannelEvents, type ChannelEvent } from "../../chain/getChannelEvents";
import { isUniqueViolation } from "../../db/isUniqueViolation";
import type { ChannelId } from "../../protocol/typedData";
import type { Receiver } from "../context";
import { applyBlocks, markSynced, readCheckpoints, rewindTo } from "./chainStore";
import { readCursor } from "./cursor";

export type SyncProgress =
  | { stage: "catching-up"; from: bigint; head: bigint }
  | { stage: "progress"; done: bigint; toGo: bigint; events: number }
  | { stage: "caught-up"; blocks: bigint; events: number; ms: number }
  | { stage: "behind"; head: bigint; cursor: bigint }
  | { stage: "reorg"; from: bigint; to: bigint; droppedEvents: number; unbacked: ChannelId[] };

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
 * last block, and the hash of every block that holds an event is checked against the block the
 * chain has at that number: when anything differs, the logs may mix two forks (a reorg during
 * the read, or an RPC whose nodes disagree), and the range is read again. Hashes are compared by
 * block number rather than through `parentHash`, which Hardhat leaves zero inside the ranges
 * `hardhat_mine` makes.
 *
 * `keepGoing` is asked between ranges: a process that lost the lead stops at once (and the
 * cursor's compare-and-set refuses whatever it still tries to apply).
 */
export async function syncChain(
  receiver: Receiver,
  onProgress?: (p: SyncProgress) => void,
  keepGoing: () => boolean = () => true,
): Promise<SyncResult> {
  const { chain, config } = receiver;
  const started = performance.now();
  let blocks = 0n;
  let events = 0;
  let announced = false;

  while (keepGoing()) {
    const latest = await chain.getBlock({ blockTag: "latest" });
    const head = latest.number;
    const cursor = await readCursor(receiver);
    if (!cursor) {
      const start = config.watcher.fromBlock;
      // The deployment's block is not mined yet (the RPC lags, or names another chain): wait.
      if (start > head) return { head, blocks, events };
      // Nothing before the start block concerns us: begin as if its parent were applied.
      const parent = start > 0n ? await chain.getBlock({ blockNumber: start - 1n }) : undefined;
      await applyBlocks(receiver, { at: null, from: start, to: start - 1n, toHash: parent?.hash ?? ZERO_HASH, head, events: [] }).catch((error) => {
        // Two processes creating the first cursor at once: the loser reads the winner's.
        if (!isUniqueViolation(error)) throw error;
      });
      continue;
    }
    const at = { blockNumber: cursor.blockNumber, blockHash: cursor.blockHash };

    if (head < cursor.blockNumber) {
      // The RPC answers from a node behind the one that served the cursor (a load-balanced pool,
      // a restarted node): nothing to read, and nothing to undo until a hash says so. The watcher
      // counts as behind meanwhile (its sync time does not move).
      onProgress?.({ stage: "behind", head, cursor: cursor.blockNumber });
      return { head, blocks, events };
    }
    if (head === cursor.blockNumber) {
      if (latest.hash.toLowerCase() === cursor.blockHash) {
        await markSynced(receiver, head);
        if (announced) onProgress?.({ stage: "caught-up", blocks, events, ms: performance.now() - started });
        return { head, blocks, events };
      }
      await rewind(receiver, cursor.id, at, head, onProgress);
      continue;
    }

    const from = cursor.blockNumber + 1n;
    if (!announced && head - cursor.blockNumber >= QUIET_BELOW) {
      announced = true;
      onProgress?.({ stage: "catching-up", from, head });
    }
    const to = head - from + 1n > BigInt(config.watcher.blockRange) ? from + BigInt(config.watcher.blockRange) - 1n : head;
    if (!(await stillHas(receiver, cursor.blockNumber, cursor.blockHash))) {
      await rewind(receiver, cursor.id, at, head, onProgress);
      continue;
    }
    const last = to === head ? latest : await chain.getBlock({ blockNumber: to });
    const found = await getChannelEvents(chain, { manager: config.channelManager, receiver: config.receiver.address, fromBlock: from, toBlock: to });
    const again = await chain.getBlock({ blockNumber: to });
    // Both ends unchanged around the read, and every event in a block the chain has: the logs
    // are of one chain, the one that extends ours.
    if (again.hash !== last.hash || !(await stillHas(receiver, cursor.blockNumber, cursor.blockHash))) continue;
    if (!(await inCanonicalBlocks(receiver, found, to, last.hash))) continue;

    events += await applyBlocks(receiver, { at, from, to, toHash: last.hash, head, events: found });
    blocks += to - from + 1n;
    if (announced) onProgress?.({ stage: "progress", done: blocks, toGo: head - to, events });
  }
  return { head: -1n, blocks, events };
}

const ZERO_HASH = `0x${"0".repeat(64)}` as Hash;

/** Whether the chain still has `hash` at `block` (before the start block, there is nothing to lose). */
async function stillHas(receiver: Receiver, block: bigint, hash: string): Promise<boolean> {
  if (block < 0n) return true;
  const onChain = await receiver.chain.getBlock({ blockNumber: block });
  return onChain.hash.toLowerCase() === hash;
}

/** Whether every event's block is the one the chain has at its number (few blocks hold events: the logs are filtered by receiver). */
async function inCanonicalBlocks(receiver: Receiver, events: readonly ChannelEvent[], to: bigint, toHash: Hash): Promise<boolean> {
  const blocks = new Map<bigint, Hash>();
  for (const event of events) blocks.set(event.blockNumber, event.blockHash);
  for (const [number, hash] of blocks) {
    const canonical = number === to ? toHash : (await receiver.chain.getBlock({ blockNumber: number })).hash;
    if (canonical.toLowerCase() !== hash.toLowerCase()) return false;
  }
  return true;
}

/**
 * A reorg deeper than every checkpoint (128 blocks the cursor stood on): reading everything
 * again would delete the record of every channel and fold it anew from a chain that just proved
 * unreliable, so the watcher stops and the site refuses payments (503) until someone looks.
 */
export class DeepReorgError extends Error {
  override name = "DeepReorgError";
  constructor(at: bigint) {
    super(
      `the chain no longer has any of the last blocks the watcher read (up to ${at}): a reorg deeper than its checkpoints, or RPC_URL now points at another chain. Payments are refused until this is resolved; if the chain was reset on purpose, start from an empty database`,
    );
  }
}

/** Finds the newest checkpoint the chain still has and rewinds to it. */
async function rewind(receiver: Receiver, cursorId: number, at: { blockNumber: bigint; blockHash: string }, head: bigint, onProgress?: (p: SyncProgress) => void) {
  const { chain } = receiver;
  let fork: { block: bigint; hash: Hash } | undefined;
  for (const checkpoint of await readCheckpoints(receiver, cursorId)) {
    if (checkpoint.blockNumber > head) continue;
    if (checkpoint.blockNumber < 0n) {
      // The start block's parent: nothing before it concerns us.
      fork = { block: checkpoint.blockNumber, hash: checkpoint.blockHash as Hash };
      break;
    }
    const block = await chain.getBlock({ blockNumber: checkpoint.blockNumber });
    if (block.hash.toLowerCase() === checkpoint.blockHash) {
      fork = { block: checkpoint.blockNumber, hash: block.hash };
      break;
    }
  }
  if (!fork) throw new DeepReorgError(at.blockNumber);
  const { droppedEvents, unbacked } = await rewindTo(receiver, { at, ...fork, head });
  onProgress?.({ stage: "reorg", from: at.blockNumber, to: fork.block, droppedEvents, unbacked });
}
