import "server-only";
import type { Address, Hex } from "viem";
import { fromDbAmount, toDbAmount } from "../db/amount";
import { toDbSignature } from "../db/hex";
import { ChannelNotFoundError, ChannelStateConflictError, InvalidBalanceProofError, StaleBalanceProofError } from "../protocol/errors";
import { closingCommitmentTypedData } from "../protocol/typedData";
import { channelDelegate, findChannel } from "./channels";
import type { Receiver } from "./context";
import { signerRecovery } from "./signerRecovery";
import { verifyCloseRequest } from "../protocol/verifyBalanceProof";

/**
 * Signs the receiver's closing commitment for a channel at the last balance it accepted, once per
 * balance (a repeated request gets the same signature). The request must be signed by the
 * channel's sender or delegate (`CloseRequest` at exactly that balance): the stored balance proof
 * is public, so it cannot prove who asks, and anyone else could have a reader's channel closed.
 * From then on the channel accepts no more proofs: the sender could otherwise read on and close
 * at the earlier, lower balance.
 */
export async function issueClosingSignature(
  receiver: Receiver,
  sender: Address,
  openBlock: bigint,
  request: { balance: bigint; signature: Hex },
): Promise<{ closingBalance: bigint; closingSignature: Hex }> {
  const { config, db } = receiver;
  const id = { sender, receiver: config.receiver.address, openBlock };
  const channel = await findChannel(receiver, id);
  if (!channel) throw new ChannelNotFoundError({ channel: id, at: "api" });
  const stored = { balance: fromDbAmount(channel.balance), balanceSignature: (channel.balanceSignature ?? undefined) as Hex | undefined };
  const domain = { chainId: config.chainId, verifyingContract: config.channelManager };

  const verified = await verifyCloseRequest(domain, id, request.balance, request.signature, channelDelegate(channel), signerRecovery);
  if (!verified.valid) throw new InvalidBalanceProofError({ channel: id, signer: verified.signer });
  if (request.balance !== stored.balance) throw new StaleBalanceProofError({ channel: id, stored, price: 0n, offered: request.balance });

  const existing = await db.closingSignature.findUnique({
    where: { channelId_balance: { channelId: channel.id, balance: channel.balance } },
  });
  if (existing) return { closingBalance: stored.balance, closingSignature: existing.signature as Hex };
  if (channel.status !== "open") {
    throw new ChannelStateConflictError({
      channel: id,
      action: "sign a closing commitment for",
      status: channel.status,
      hint: channel.status === "closing" ? "wait for the challenge period to end, then settle it" : "it is already closed",
    });
  }

  const closingSignature = await config.receiver.signTypedData(closingCommitmentTypedData(domain, id, stored.balance));
  const issued = await db.$transaction(async (tx) => {
    const { count } = await tx.channel.updateMany({
      where: { id: channel.id, version: channel.version, status: "open" },
      data: { closeIssuedAt: new Date(), version: { increment: 1 } },
    });
    if (count === 0) return false;
    await tx.closingSignature.create({
      data: { channelId: channel.id, balance: toDbAmount(stored.balance), signature: toDbSignature(closingSignature) },
    });
    return true;
  });
  // A payment (or another close request) changed the channel meanwhile: start over from it.
  if (!issued) return issueClosingSignature(receiver, sender, openBlock, request);
  return { closingBalance: stored.balance, closingSignature };
}
