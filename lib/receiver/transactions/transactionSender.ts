import "server-only";
import { formatEther, formatGwei, keccak256, type Hash, type Hex, type TransactionReceipt } from "viem";
import { describeRevert } from "../../chain/describeRevert";
import { errorSummary } from "../../chain/errorSummary";
import type { DbTransaction, ReceiverTransaction, TransactionBroadcast } from "../../db/Db";
import { toDbAddress } from "../../db/hex";
import type { Receiver } from "../context";

export type SenderLog = { info(line: string): void; warn(line: string): void };

type Tracked = ReceiverTransaction & { broadcasts: TransactionBroadcast[]; channel: { sender: string; openBlock: bigint } | null };

/** How often the gas balance is read for the low-balance warning, and how often the warning repeats. */
const GAS_CHECK_MS = 30_000;
const GAS_WARNING_REPEAT_MS = 10 * 60_000;
/** A replacement must raise both fees by more than 10% (geth's and Hardhat's rule); 12.5% clears it. */
const bump = (wei: bigint) => (wei * 1125n) / 1000n + 1n;
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * The one sender of the receiver's transactions (disputes, withdrawals): it takes what was
 * enqueued in ReceiverTransaction and sees each through to its confirmation, so that several
 * tasks can share the receiver's key. Each `step()`:
 *
 * - follows what was sent: a mined broadcast moves the transaction on (or fails it with the
 *   revert's reason); one the node no longer knows is sent again as signed; one not mined after
 *   `TX_STUCK_BLOCKS` blocks is replaced at the same nonce with fees 12.5% higher, up to the cap
 *   `MAX_FEE_PER_GAS_GWEI`; a nonce something else used puts the transaction back in the queue;
 * - confirms what was mined once it is `CONFIRMATIONS` deep (a reorg that drops it sends it back
 *   to "sent", where it is followed again);
 * - sends what is queued, disputes first: it estimates the gas (a revert fails the transaction
 *   with its reason, nothing is sent), takes the next nonce, prices it with EIP-1559 fees, and
 *   records the signed transaction before broadcasting it, so a crash right after the broadcast
 *   loses nothing. Errors that another try may cure wait with exponential backoff.
 *
 * Only the watcher's leader calls it: `isLeader` is asked before anything is signed or sent, and
 * a queued row is claimed for sending in a database transaction that also checks the lease
 * (`holdsLease`), so a leader that lost its lease without noticing (a long pause) cannot send a
 * new transaction, and two processes never send one row. One process at a time picks nonces.
 */
export function createTransactionSender(
  receiver: Receiver,
  {
    isLeader,
    holdsLease,
    log,
  }: {
    /** Whether this process leads, as far as it knows (checked before anything is signed). */
    isLeader: () => boolean;
    /** The same, checked in the database inside the transaction that claims a queued row for sending. */
    holdsLease: (tx: DbTransaction) => Promise<boolean>;
    log: SenderLog;
  },
) {
  const { db, chain, config } = receiver;
  const account = config.receiver;
  const scope = { chainId: config.chainId, sender: toDbAddress(account.address) };
  const include = { broadcasts: { orderBy: { id: "asc" as const } }, channel: { select: { sender: true, openBlock: true } } };
  let gasCheckedAt = 0;
  let gasWarnedAt = 0;
  /** Broadcasts the node refused when sent again: said once each, not on every tick. */
  const refusedAgain = new Set<string>();
  /** Per transaction, the last error said, so a persistent one is logged once. */
  const lastError = new Map<number, string>();

  const label = (tx: Tracked) =>
    `${tx.kind} #${tx.id}${tx.channel ? ` (channel ${tx.channel.sender.slice(0, 10)}…/${tx.channel.openBlock})` : ""}`;

  async function currentFees(cap: bigint): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const [block, tip] = await Promise.all([chain.getBlock({ blockTag: "latest" }), chain.estimateMaxPriorityFeePerGas()]);
    // Twice the base fee rides out six full blocks of base-fee rises (12.5% each) before the
    // transaction stops being includable.
    const base = block.baseFeePerGas ?? 0n;
    const maxFeePerGas = min(2n * base + tip, cap);
    return { maxFeePerGas, maxPriorityFeePerGas: min(tip, maxFeePerGas) };
  }

  async function sign(tx: Tracked, nonce: number, gas: bigint, fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }) {
    const raw = await account.signTransaction({ chainId: config.chainId, type: "eip1559", to: tx.to as Hex, data: tx.data as Hex, nonce, gas, ...fees });
    return { raw, hash: keccak256(raw) };
  }

  async function broadcast(raw: Hex): Promise<unknown> {
    try {
      await chain.sendRawTransaction({ serializedTransaction: raw });
      return undefined;
    } catch (error) {
      // The node has it already (a second broadcast of the same bytes): that is success.
      if (/already known|known transaction|already imported/i.test(String((error as Error).message))) return undefined;
      return error;
    }
  }

  async function receiptOf(hash: string): Promise<TransactionReceipt | null> {
    return chain.getTransactionReceipt({ hash: hash as Hash }).catch((error: Error) => {
      if (error.name === "TransactionReceiptNotFoundError") return null;
      throw error;
    });
  }

  async function followSent(head: bigint): Promise<void> {
    const sent = await db.receiverTransaction.findMany({ where: { ...scope, status: "sent" }, include, orderBy: { nonce: "asc" } });
    for (const tx of sent) await each(tx, () => followOne(tx, head));
  }

  async function followOne(tx: Tracked, head: bigint): Promise<void> {
    // The nonce before the receipts: a transaction mined between the two reads is then seen
    // mined, never mistaken for one whose nonce something else took.
    const latestNonce = await chain.getTransactionCount({ address: account.address, blockTag: "latest" });
    const receipts = await Promise.all(tx.broadcasts.map((b) => receiptOf(b.hash)));
    const receipt = receipts.find((r) => r !== null);
    if (receipt) {
      await recordMined(tx, receipt);
      return;
    }
    const newest = tx.broadcasts.at(-1);
    if (!newest || (tx.nonce !== null && tx.nonce < latestNonce)) {
      // Another transaction of this key took the nonce (sent from elsewhere): send ours anew.
      log.warn(`${label(tx)}: nonce ${tx.nonce} was used by another transaction of ${account.address}; sending it again with a new nonce`);
      await db.receiverTransaction.updateMany({ where: { id: tx.id, status: "sent" }, data: { status: "queued", nonce: null } });
      return;
    }
    const known = await chain.getTransaction({ hash: newest.hash as Hash }).then(
      () => true,
      (error: Error) => (error.name === "TransactionNotFoundError" ? false : Promise.reject(error)),
    );
    if (!known && isLeader()) {
      const failed = await broadcast(newest.raw as Hex);
      if (!failed) log.info(`${label(tx)}: sent ${newest.hash} again (the node had forgotten it)`);
      else if (!refusedAgain.has(newest.hash)) {
        refusedAgain.add(newest.hash);
        log.warn(`${label(tx)}: the node does not know ${newest.hash} and refused it again: ${errorSummary(failed)}`);
      }
    }
    if (head - newest.sentAtBlock >= BigInt(config.transactions.stuckAfterBlocks)) await replace(tx, newest, head);
  }

  /** Runs one transaction's part of a step; an error is said once and does not stop the others. */
  async function each(tx: Tracked, run: () => Promise<void>): Promise<void> {
    try {
      await run();
      lastError.delete(tx.id);
    } catch (error) {
      const summary = errorSummary(error);
      if (lastError.get(tx.id) !== summary) log.warn(`${label(tx)}: ${summary}; trying again`);
      lastError.set(tx.id, summary);
    }
  }

  async function replace(tx: Tracked, newest: TransactionBroadcast, head: bigint): Promise<void> {
    if (!isLeader()) return;
    const cap = await feeCap(tx);
    const now = await currentFees(cap);
    // Both fees must rise by the replacement rule's margin, or the node refuses the replacement.
    const [minFee, minTip] = [bump(BigInt(newest.maxFeePerGas)), bump(BigInt(newest.maxPriorityFeePerGas))];
    const maxFeePerGas = min(max(minFee, now.maxFeePerGas), cap);
    const maxPriorityFeePerGas = min(max(minTip, now.maxPriorityFeePerGas), maxFeePerGas);
    if (maxFeePerGas < minFee || maxPriorityFeePerGas < minTip) {
      const note = `not mined, and its fee is at the cap ${cap === config.transactions.maxFeePerGas ? "" : "(lifted for a dispute) "}MAX_FEE_PER_GAS_GWEI=${formatGwei(config.transactions.maxFeePerGas)}`;
      if (tx.error !== note) {
        log.warn(`${label(tx)}: ${note}: raise the cap to get it mined sooner`);
        await db.receiverTransaction.update({ where: { id: tx.id }, data: { error: note } });
      }
      return;
    }
    const gas = BigInt(tx.gasLimit ?? 0);
    const { raw, hash } = await sign(tx, tx.nonce!, gas, { maxFeePerGas, maxPriorityFeePerGas });
    await db.transactionBroadcast.create({
      data: { transactionId: tx.id, hash, raw, maxFeePerGas: String(maxFeePerGas), maxPriorityFeePerGas: String(maxPriorityFeePerGas), sentAtBlock: head },
    });
    const failed = await broadcast(raw);
    const blocks = head - newest.sentAtBlock;
    log.info(
      `${label(tx)}: not mined after ${blocks} blocks; ${failed ? "tried to replace it" : `replaced it with ${hash}`} at max fee ${formatGwei(maxFeePerGas)} gwei (was ${formatGwei(BigInt(newest.maxFeePerGas))})${failed ? `: ${errorSummary(failed)}` : ""}`,
    );
  }

  /**
   * The most `tx` may pay per gas: the configured cap, or four times it for a dispute or for a
   * transaction a dispute waits behind (nonces are mined in order): a dispute is worth the
   * channel's whole balance, and its deadline does not wait for fees to fall.
   */
  async function feeCap(tx: Tracked): Promise<bigint> {
    const cap = config.transactions.maxFeePerGas;
    if (tx.kind === "dispute") return cap * 4n;
    const behind = await db.receiverTransaction.count({ where: { ...scope, kind: "dispute", OR: [{ status: "queued" }, { status: "sent", nonce: { gt: tx.nonce ?? -1 } }] } });
    return behind > 0 ? cap * 4n : cap;
  }

  async function recordMined(tx: Tracked, receipt: TransactionReceipt): Promise<void> {
    const cost = receipt.gasUsed * receipt.effectiveGasPrice;
    if (receipt.status === "success") {
      await db.receiverTransaction.update({
        where: { id: tx.id },
        data: { status: "mined", hash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: String(receipt.gasUsed), error: null },
      });
      log.info(`${label(tx)}: mined in block ${receipt.blockNumber} (gas ${receipt.gasUsed}, ${formatEther(cost)} ETH)`);
      return;
    }
    const reason =
      describeRevert(await chain.call({ account: account.address, to: tx.to as Hex, data: tx.data as Hex, blockNumber: receipt.blockNumber - 1n }).catch((e) => e)) ??
      "reverted";
    await db.receiverTransaction.update({
      where: { id: tx.id },
      data: { status: "failed", hash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: String(receipt.gasUsed), error: reason },
    });
    log.warn(`${label(tx)}: failed: reverted in block ${receipt.blockNumber}: ${reason}`);
  }

  async function confirmMined(head: bigint): Promise<void> {
    const mined = await db.receiverTransaction.findMany({ where: { ...scope, status: "mined" }, include });
    for (const tx of mined) {
      await each(tx, async () => {
        const receipt = await receiptOf(tx.hash!);
        if (!receipt) {
          log.warn(`${label(tx)}: its block was dropped by a reorg; following it again`);
          await db.receiverTransaction.update({ where: { id: tx.id }, data: { status: "sent", hash: null, blockNumber: null } });
          return;
        }
        const confirmations = Number(head - receipt.blockNumber) + 1;
        if (confirmations < config.confirmations) return;
        await db.receiverTransaction.update({ where: { id: tx.id }, data: { status: "confirmed", blockNumber: receipt.blockNumber } });
        log.info(`${label(tx)}: confirmed (${confirmations} block${confirmations === 1 ? "" : "s"} deep)`);
      });
    }
  }

  async function sendQueued(head: bigint): Promise<void> {
    const queued = await db.receiverTransaction.findMany({
      where: { ...scope, status: "queued", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: new Date() } }] },
      include,
      // Disputes first: they have a deadline (the challenge period), withdrawals do not.
      orderBy: [{ kind: "asc" }, { id: "asc" }],
    });
    for (const tx of queued) {
      if (!isLeader()) return;
      let failed = false;
      await each(tx, async () => {
        failed = !(await sendOne(tx, head));
      });
      // A transaction that could not be sent keeps its place: the next ones would take nonces
      // past a gap (or, for a dispute, go ahead of a failure nobody looked at).
      if (failed) return;
    }
  }

  /** Sends one queued transaction; false when it was put back for later (nothing signed is left behind). */
  async function sendOne(tx: Tracked, head: bigint): Promise<boolean> {
    let gas: bigint;
    try {
      gas = await chain.estimateGas({ account: account.address, to: tx.to as Hex, data: tx.data as Hex });
    } catch (error) {
      const reason = describeRevert(error);
      if (reason) {
        await db.receiverTransaction.update({ where: { id: tx.id }, data: { status: "failed", error: reason } });
        log.warn(`${label(tx)}: failed before sending: ${reason}`);
        return true;
      }
      await retryLater(tx, `could not estimate its gas: ${errorSummary(error)}`);
      return false;
    }
    const nonce = await nextNonce();
    const fees = await currentFees(await feeCap(tx));
    // Unused gas costs nothing; a limit well above the estimate survives a callee whose cost
    // grew since (a token hook, a warmer or colder slot).
    const gasLimit = gas * 2n;
    const { raw, hash } = await sign(tx, nonce, gasLimit, fees);
    const claimed = await db.$transaction(async (t) => {
      if (!(await holdsLease(t))) return false;
      const { count } = await t.receiverTransaction.updateMany({ where: { id: tx.id, status: "queued" }, data: { status: "sent", nonce, gasLimit: String(gasLimit), error: null } });
      if (count !== 1) return false;
      await t.transactionBroadcast.create({
        data: { transactionId: tx.id, hash, raw, maxFeePerGas: String(fees.maxFeePerGas), maxPriorityFeePerGas: String(fees.maxPriorityFeePerGas), sentAtBlock: head },
      });
      return true;
    });
    // Another leader claimed it, or this one lost its lease: sign nothing more.
    if (!claimed) return false;
    const failed = await broadcast(raw);
    if (failed && /nonce too low|replacement transaction underpriced|insufficient funds/i.test(String((failed as Error).message))) {
      await db.transactionBroadcast.delete({ where: { hash } });
      await db.receiverTransaction.update({ where: { id: tx.id }, data: { status: "queued", nonce: null } });
      await retryLater(tx, errorSummary(failed));
      return false;
    }
    // Any other refusal: the transaction stays "sent" and followSent broadcasts it again.
    log.info(
      `${label(tx)}: sent ${hash} (nonce ${nonce}, max fee ${formatGwei(fees.maxFeePerGas)} gwei, gas limit ${gasLimit})${failed ? `; the node answered: ${errorSummary(failed)}` : ""}`,
    );
    return true;
  }

  async function nextNonce(): Promise<number> {
    const pending = await chain.getTransactionCount({ address: account.address, blockTag: "pending" });
    const live = await db.receiverTransaction.findFirst({ where: { ...scope, status: "sent" }, orderBy: { nonce: "desc" }, select: { nonce: true } });
    return Math.max(pending, (live?.nonce ?? -1) + 1);
  }

  async function retryLater(tx: Tracked, why: string): Promise<void> {
    const attempts = tx.attempts + 1;
    const delaySeconds = Math.min(2 ** attempts, 60);
    await db.receiverTransaction.update({
      where: { id: tx.id },
      data: { attempts, error: why, nextAttemptAt: new Date(Date.now() + delaySeconds * 1000) },
    });
    log.warn(`${label(tx)}: ${why}; trying again in ${delaySeconds} s`);
  }

  async function checkGasBalance(): Promise<void> {
    if (Date.now() - gasCheckedAt < GAS_CHECK_MS) return;
    gasCheckedAt = Date.now();
    const balance = await chain.getBalance({ address: account.address });
    if (balance >= config.transactions.gasBalanceWarning || Date.now() - gasWarnedAt < GAS_WARNING_REPEAT_MS) return;
    gasWarnedAt = Date.now();
    log.warn(
      `receiver ${account.address} has ${formatEther(balance)} ETH for gas, below GAS_BALANCE_WARNING_ETH=${formatEther(config.transactions.gasBalanceWarning)}: fund it, or disputes cannot be sent`,
    );
  }

  return {
    /** Follows, confirms and sends what it can now; call it on every watcher tick. */
    async step(): Promise<void> {
      const head = await chain.getBlockNumber({ cacheTime: 0 });
      await followSent(head);
      await confirmMined(head);
      if (isLeader()) await sendQueued(head);
      await checkGasBalance();
    },
  };
}
