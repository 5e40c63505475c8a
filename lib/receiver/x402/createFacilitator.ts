import "server-only";
import { x402Facilitator } from "@x402/core/facilitator";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import type { FacilitatorEvmSigner } from "@x402/evm";
import { concat, encodeFunctionData, getAddress, isAddressEqual, type Abi, type Hash, type Hex } from "viem";
import type { ReceiverTransaction } from "../../db/Db";
import { x402Network } from "../../protocol/x402";
import type { Receiver } from "../context";
import { enqueueTransaction } from "../transactions/enqueueTransaction";
import { nudgeLocalWatcher } from "../watcher/localWatcher";

/** The one payment a facilitator may submit: the X402Payment row the gate claimed for it. */
export type ClaimedPayment = { id: number; payer: Hex; nonce: Hex; validBefore: bigint };

/** How often the settling request reads its transaction's state while the sender works on it. */
const POLL_MS = 100;

/**
 * x402's own facilitator (`@x402/core`'s x402Facilitator with `@x402/evm`'s `exact` scheme), in
 * process, over the receiver's key. It verifies and settles as x402 does (signature, payee,
 * amount, validity window, a simulated transfer; the Transfer event in the receipt), with one
 * difference that matters: it never sends a transaction itself. Its `writeContract` puts the
 * `transferWithAuthorization` in the receiver's outbox (ReceiverTransaction, kind x402Transfer,
 * linked to the claimed payment in the same database transaction) for the one transaction sender,
 * which owns the key's nonces, prices, replaces and confirms it; and it returns only once that
 * transaction is CONFIRMATIONS deep, with the hash that was mined. So the facilitator's receipt,
 * and anything served after it, comes after the site's confirmations (x402 issue #259).
 *
 * `claimed` is the payment it may submit: a call for any other contract, function or
 * authorization is refused, as is `sendTransaction` (used by x402 only to deploy ERC-6492 smart
 * wallets, which this facilitator allows none of).
 */
export function createFacilitator(receiver: Receiver, claimed?: ClaimedPayment): x402Facilitator {
  const signer = facilitatorSigner(receiver, claimed);
  return new x402Facilitator().register(x402Network(receiver.config.chainId), new ExactEvmScheme(signer));
}

function facilitatorSigner(receiver: Receiver, claimed: ClaimedPayment | undefined): FacilitatorEvmSigner {
  const { chain, config, db } = receiver;
  return {
    getAddresses: () => [config.receiver.address],
    readContract: (args) => chain.readContract({ ...args, abi: args.abi as Abi, args: args.args ?? [] }),
    verifyTypedData: (args) => chain.verifyTypedData(args as Parameters<typeof chain.verifyTypedData>[0]),
    getCode: ({ address }) => chain.getCode({ address }),
    async writeContract({ address, abi, functionName, args, dataSuffix }) {
      if (!claimed) throw new Error("this facilitator only verifies: no payment was claimed for settlement");
      if (!isAddressEqual(address, config.token) || functionName !== "transferWithAuthorization") {
        throw new Error(`the receiver submits only transferWithAuthorization on ${config.token}, not ${functionName} on ${address}`);
      }
      const [from, , , , , nonce] = args as [Hex, Hex, bigint, bigint, bigint, Hex];
      if (!isAddressEqual(from, claimed.payer) || nonce.toLowerCase() !== claimed.nonce) {
        throw new Error("the transfer is not the authorization claimed for this payment");
      }
      const data = concat([encodeFunctionData({ abi: abi as Abi, functionName, args }), dataSuffix ?? "0x"]);
      const tx = await db.$transaction(async (t) => {
        const row = await enqueueTransaction(receiver, { kind: "x402Transfer", to: getAddress(address), data }, t);
        const { count } = await t.x402Payment.updateMany({ where: { id: claimed.id, status: "settling", transactionId: null }, data: { transactionId: row.id } });
        if (count !== 1) throw new Error(`x402 payment #${claimed.id} is no longer waiting for its transfer`);
        return row;
      });
      return waitForConfirmation(receiver, tx, claimed.validBefore);
    },
    async sendTransaction() {
      throw new Error("the receiver deploys no smart wallets for x402 payers (no ERC-6492 factory is allowed)");
    },
    // Called with the hash writeContract returned, which is already confirmed.
    waitForTransactionReceipt: ({ hash }) => chain.getTransactionReceipt({ hash }),
  };
}

/**
 * Waits for the transaction sender to see `tx` through: the hash that was mined once it is
 * CONFIRMATIONS deep; an error once it failed (reverted, or refused before it was sent), or
 * when the authorization expired before it was mined (the transfer can then never succeed; the
 * sender still follows it to its end, and settleX402Payments the payment's row with it).
 */
async function waitForConfirmation(receiver: Receiver, tx: ReceiverTransaction, validBefore: bigint): Promise<Hash> {
  nudgeLocalWatcher();
  let status = tx.status;
  for (;;) {
    const row = await receiver.db.receiverTransaction.findUniqueOrThrow({ where: { id: tx.id }, select: { status: true, hash: true, error: true } });
    if (row.status === "confirmed") return row.hash as Hash;
    if (row.status === "failed") throw new Error(`the transfer failed: ${row.error ?? "reverted"}`);
    // A new stage (sent, mined): the next tick can take it further at once.
    if (row.status !== status) nudgeLocalWatcher();
    status = row.status;
    if (row.status !== "mined" && BigInt(Math.floor(Date.now() / 1000)) >= validBefore) throw new Error(`the transfer was not confirmed before the authorization expired (it is ${row.status})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
