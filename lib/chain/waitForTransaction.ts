import type { Hash, PublicClient, TransactionReceipt } from "viem";

export type TransactionProgress =
  | { stage: "pending"; hash: Hash }
  | { stage: "confirming"; hash: Hash; confirmations: number; required: number }
  | { stage: "confirmed"; hash: Hash; receipt: TransactionReceipt };

const POLL_MS = 250;

/**
 * Waits until `hash` is mined and buried under `required` blocks, reporting each stage as it
 * happens, and throws when the transaction reverted.
 */
export async function waitForTransaction(
  client: PublicClient,
  hash: Hash,
  { required = 1, onProgress }: { required?: number; onProgress?: (p: TransactionProgress) => void } = {},
): Promise<TransactionReceipt> {
  onProgress?.({ stage: "pending", hash });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: POLL_MS });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  let seen = 0;
  for (;;) {
    const confirmations = Number((await client.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber) + 1;
    if (confirmations >= required) break;
    if (confirmations !== seen) onProgress?.({ stage: "confirming", hash, confirmations, required });
    seen = confirmations;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  onProgress?.({ stage: "confirmed", hash, receipt });
  return receipt;
}

/** One line per stage, for scripts and the CLI. */
export function logProgress(label: string): (p: TransactionProgress) => void {
  return (p) => {
    if (p.stage === "pending") console.log(`  ${label}: sent ${p.hash}, waiting to be mined…`);
    else if (p.stage === "confirming") console.log(`  ${label}: confirming ${p.confirmations}/${p.required}`);
    else console.log(`  ${label}: confirmed in block ${p.receipt.blockNumber} (gas ${p.receipt.gasUsed})`);
  };
}
