import { parseSignature, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type TypedDataDomain, type WalletClient } from "viem";
import { tollgateTokenAbi } from "../../chain/abis.generated";
import { permitTypedData } from "../../chain/permit";


/** How long a permit stays valid: long enough to be mined, short enough not to linger. */
const PERMIT_LIFETIME_SECONDS = 3600n;

/**
 * Signs an EIP-2612 permit letting `spender` take `value` of the wallet account's tokens, and
 * splits it into the `deadline, v, r, s` that `createChannelWithPermit` takes. The deadline
 * counts from the latest block's timestamp, not the local clock, which may be off (or, on a
 * local chain moved by time travel, far behind).
 *
 * @example
 * const permit = await signPermit({ publicClient, walletClient }, { token, domain, spender: manager, value: deposit })
 * // createChannelWithPermit(receiver, delegate, deposit, permit.deadline, permit.v, permit.r, permit.s)
 */
export async function signPermit(
  clients: { publicClient: PublicClient; walletClient: WalletClient<Transport, Chain | undefined, Account> },
  args: { token: Address; domain: TypedDataDomain; spender: Address; value: bigint },
): Promise<{ deadline: bigint; v: number; r: Hex; s: Hex }> {
  const { publicClient, walletClient } = clients;
  const owner = walletClient.account.address;
  const [nonce, block] = await Promise.all([
    publicClient.readContract({ address: args.token, abi: tollgateTokenAbi, functionName: "nonces", args: [owner] }),
    publicClient.getBlock({ blockTag: "latest" }),
  ]);
  const deadline = block.timestamp + PERMIT_LIFETIME_SECONDS;
  const signature = await walletClient.signTypedData({
    account: walletClient.account,
    ...permitTypedData(args.domain, { owner, spender: args.spender, value: args.value, nonce, deadline }),
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}
