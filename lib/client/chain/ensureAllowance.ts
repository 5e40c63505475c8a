import type { Abi, Address } from "viem";
import { tollgateTokenAbi } from "../../chain/abis.generated";
import { sendContractTransaction, type ViemClients } from "./sendContractTransaction";

/**
 * Makes sure `spender` may take `amount` of the wallet account's tokens, approving exactly
 * `amount` when the current allowance is lower. Exactly, not "unlimited": an allowance is what
 * a compromised or malicious spender could take, so it is kept to what the next call needs.
 *
 * @example
 * await ensureAllowance(clients, { token, spender: manager, amount: deposit })
 */
export async function ensureAllowance(clients: ViemClients, args: { token: Address; spender: Address; amount: bigint }): Promise<void> {
  const owner = clients.walletClient.account.address;
  const allowance = await clients.publicClient.readContract({
    address: args.token,
    abi: tollgateTokenAbi,
    functionName: "allowance",
    args: [owner, args.spender],
  });
  if (allowance >= args.amount) return;
  await sendContractTransaction(clients, {
    action: "approve",
    address: args.token,
    abi: tollgateTokenAbi as Abi,
    functionName: "approve",
    args: [args.spender, args.amount],
  });
}
