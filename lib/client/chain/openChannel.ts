import { getAddress, parseEventLogs, zeroAddress, type Abi, type Address, type Hash } from "viem";
import { channelManagerAbi } from "../../chain/abis.generated";
import type { ChannelId } from "../../protocol/typedData";
import { ChainTransactionError, ChannelUnavailableError } from "../errors";
import type { OpenMethod } from "./ChannelChain";
import { detectPermit } from "./detectPermit";
import { ensureAllowance } from "./ensureAllowance";
import { sendContractTransaction, type ViemClients } from "./sendContractTransaction";
import { signPermit } from "./signPermit";

export type OpenChannelParameters = {
  manager: Address;
  token: Address;
  receiver: Address;
  /** A session key that may sign balance proofs for the channel; `undefined` for none. */
  delegate: Address | undefined;
  deposit: bigint;
  /**
   * `auto`: one `createChannelWithPermit` transaction when the token supports EIP-2612, else
   * approve + create. `always`: permit or fail. `never`: approve + create.
   */
  permit: "auto" | "always" | "never";
};

/**
 * Opens a channel from the wallet's account to `receiver`: approve + `createChannel`, or a
 * single `createChannelWithPermit` with a signed EIP-2612 permit. Resolves once the creating
 * transaction is confirmed; its block is the channel's open block (read from the
 * `ChannelCreated` event, not assumed).
 *
 * @example
 * const { channel, method } = await openChannel(clients, { manager, token, receiver, delegate: undefined, deposit, permit: "auto" })
 */
export async function openChannel(
  clients: ViemClients,
  params: OpenChannelParameters,
): Promise<{ channel: ChannelId; hash: Hash; method: OpenMethod }> {
  const sender = clients.walletClient.account.address;
  const delegate = params.delegate ?? zeroAddress;
  const domain = params.permit === "never" ? undefined : await detectPermit(clients.publicClient, params.token, sender);
  if (!domain && params.permit === "always") {
    throw new ChannelUnavailableError({
      reason: `the token ${params.token} does not support EIP-2612 permits`,
      hint: "open the channel with approve + create instead (without --permit, or permit: \"auto\")",
    });
  }

  let receipt;
  if (domain) {
    const permit = await signPermit(clients, { token: params.token, domain, spender: params.manager, value: params.deposit });
    receipt = await sendContractTransaction(clients, {
      action: "createChannelWithPermit",
      address: params.manager,
      abi: channelManagerAbi as Abi,
      functionName: "createChannelWithPermit",
      args: [params.receiver, delegate, params.deposit, permit.deadline, permit.v, permit.r, permit.s],
    });
  } else {
    await ensureAllowance(clients, { token: params.token, spender: params.manager, amount: params.deposit });
    receipt = await sendContractTransaction(clients, {
      action: "createChannel",
      address: params.manager,
      abi: channelManagerAbi as Abi,
      functionName: "createChannel",
      args: [params.receiver, delegate, params.deposit],
    });
  }

  const [created] = parseEventLogs({ abi: channelManagerAbi, eventName: "ChannelCreated", logs: receipt.logs }).filter(
    (log) => getAddress(log.address) === getAddress(params.manager),
  );
  if (!created) {
    throw new ChainTransactionError({ action: "createChannel", reason: `transaction ${receipt.transactionHash} emitted no ChannelCreated event` });
  }
  const { sender: from, receiver, openBlock } = created.args;
  return {
    channel: { sender: getAddress(from), receiver: getAddress(receiver), openBlock },
    hash: receipt.transactionHash,
    method: domain ? "permit" : "approve",
  };
}
