/**
 * A reader for the integration suites: a Hardhat development account that takes tokens from the
 * faucet, opens a channel to the receiver and signs balance proofs, as any client would.
 */
import { createPublicClient, createWalletClient, http, parseEther, zeroAddress, type Address, type Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { encodePaymentHeaders, type Payment } from "../../lib/protocol/payment";
import { balanceProofTypedData, type ChannelId } from "../../lib/protocol/typedData";
import { devAccount } from "../../scripts/lib/localChain";
import type { TestChain } from "./localSite";

/** The receiver every local site is configured with (Hardhat account #1, lib/config.ts). */
export const RECEIVER = devAccount(1).address;

export function chainClients(chain: TestChain, account: LocalAccount) {
  const viemChain = { ...hardhat, rpcUrls: { default: { http: [chain.url] } } };
  return {
    client: createPublicClient({ chain: viemChain, transport: http(chain.url) }),
    wallet: createWalletClient({ account, chain: viemChain, transport: http(chain.url) }),
  };
}

export type TestChannel = ChannelId & {
  account: LocalAccount;
  /** Signs a proof of `balance` (by the sender, or by `signer` when given). */
  sign(balance: bigint, signer?: LocalAccount): Promise<Payment>;
  headers(payment: Payment): Record<string, string>;
};

/** Opens a channel from dev account `index` (≥ 2) with `deposit`, optionally naming a delegate. */
export async function openChannel(
  chain: TestChain,
  index: number,
  { deposit = parseEther("1"), delegate }: { deposit?: bigint; delegate?: Address } = {},
): Promise<TestChannel> {
  const account = devAccount(index);
  const { client, wallet } = chainClients(chain, account);
  const { token, channelManager } = chain.deployment;
  const send = async (hash: Hex) => client.waitForTransactionReceipt({ hash });
  await send(await wallet.writeContract({ address: token, abi: tollgateTokenAbi, functionName: "faucet", args: [deposit] }));
  await send(await wallet.writeContract({ address: token, abi: tollgateTokenAbi, functionName: "approve", args: [channelManager, deposit] }));
  const receipt = await send(
    await wallet.writeContract({
      address: channelManager,
      abi: channelManagerAbi,
      functionName: "createChannel",
      args: [RECEIVER, delegate ?? zeroAddress, deposit],
    }),
  );
  const id: ChannelId = { sender: account.address, receiver: RECEIVER, openBlock: receipt.blockNumber };
  const domain = { chainId: chain.deployment.chainId, verifyingContract: channelManager };
  return {
    ...id,
    account,
    sign: async (balance, signer = account) => ({
      ...id,
      balance,
      balanceSignature: await signer.signTypedData(balanceProofTypedData(domain, id, balance)),
    }),
    headers: (payment) => ({ accept: "application/json", ...encodePaymentHeaders(payment) }),
  };
}
