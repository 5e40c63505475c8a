/**
 * Shared fixture for the contract suites: a fresh TollgateToken and ChannelManager, funded
 * accounts, and signing helpers built on `lib/protocol/typedData.ts`, the single source of the
 * EIP-712 types.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { encodePacked, getAddress, parseEther, parseSignature, zeroAddress, type Address, type Hex } from "viem";
import { permitTypedData } from "../../lib/chain/permit";
import {
  balanceProofTypedData,
  closingCommitmentTypedData,
  type ChannelId,
} from "../../lib/protocol/typedData.js";

export const CHALLENGE_PERIOD = 600n;
export const DEPOSIT = parseEther("100");

type Viem = NetworkConnection["viem"];
type Wallet = Awaited<ReturnType<Viem["getWalletClients"]>>[number];
type PublicClient = Awaited<ReturnType<Viem["getPublicClient"]>>;
type Domain = { chainId: number; verifyingContract: Address };

/** Balance proofs (by the sender unless told) and closing commitments (by the receiver) for one manager. */
function channelSigners(domain: Domain, sender: Wallet, receiver: Wallet) {
  const signBalance = (channel: ChannelId, balance: bigint, signer: Wallet = sender): Promise<Hex> =>
    signer.signTypedData({ account: signer.account, ...balanceProofTypedData(domain, channel, balance) });

  const signClosing = (channel: ChannelId, balance: bigint, signer: Wallet = receiver): Promise<Hex> =>
    signer.signTypedData({ account: signer.account, ...closingCommitmentTypedData(domain, channel, balance) });

  return { signBalance, signClosing };
}

/** The channel a successful open transaction created (openBlock = its block). */
async function channelOfReceipt(publicClient: PublicClient, hash: Hex, from: Wallet, to: Address) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("open reverted");
  const channel: ChannelId = {
    sender: getAddress(from.account.address),
    receiver: getAddress(to),
    openBlock: receipt.blockNumber,
  };
  return channel;
}

export async function deployChannelFixture(viem: Viem, challengePeriod: bigint = CHALLENGE_PERIOD) {
  const publicClient = await viem.getPublicClient();
  const [deployer, sender, receiver, delegate, other] = await viem.getWalletClients();
  const token = await viem.deployContract("TollgateToken");
  const manager = await viem.deployContract("ChannelManager", [token.address, challengePeriod]);
  for (const wallet of [sender, receiver, other]) {
    await token.write.faucet([parseEther("1000")], { account: wallet.account });
  }
  const chainId = await publicClient.getChainId();
  const domain = { chainId, verifyingContract: manager.address };

  const { signBalance, signClosing } = channelSigners(domain, sender, receiver);

  /** The channel a successful open transaction created (openBlock = its block). */
  const channelOf = (hash: Hex, from: Wallet = sender, to: Address = receiver.account.address) =>
    channelOfReceipt(publicClient, hash, from, to);

  /** approve + createChannel, as `from`, to `to`, with an optional delegate. */
  async function open(
    deposit: bigint = DEPOSIT,
    options: { from?: Wallet; to?: Address; delegate?: Address } = {},
  ): Promise<ChannelId> {
    const from = options.from ?? sender;
    await token.write.approve([manager.address, deposit], { account: from.account });
    const hash = await manager.write.createChannel(
      [options.to ?? receiver.account.address, options.delegate ?? zeroAddress, deposit],
      { account: from.account },
    );
    return channelOf(hash, from, options.to ?? receiver.account.address);
  }

  /** ERC-223 open: `transfer(manager, deposit, abi.encodePacked(receiver[, delegate]))`. */
  async function open223(deposit: bigint = DEPOSIT, delegateAddress?: Address): Promise<ChannelId> {
    const data = delegateAddress
      ? encodePacked(["address", "address"], [receiver.account.address, delegateAddress])
      : encodePacked(["address"], [receiver.account.address]);
    const hash = await token.write.transfer([manager.address, deposit, data], { account: sender.account });
    return channelOf(hash);
  }

  /** An EIP-2612 permit by `owner` for the manager, split for createChannelWithPermit. */
  async function signPermit(owner: Wallet, value: bigint, deadline: bigint) {
    const nonce = await token.read.nonces([owner.account.address]);
    const signature = await owner.signTypedData({
      account: owner.account,
      ...permitTypedData(
        { name: "Tollgate Token", version: "1", chainId, verifyingContract: token.address },
        { owner: owner.account.address, spender: manager.address, value, nonce, deadline },
      ),
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { r, s, v: Number(v ?? BigInt(yParity + 27)) };
  }

  async function balanceOf(address: Address) {
    return token.read.balanceOf([address]);
  }

  async function info(channel: ChannelId) {
    const [key, deposit, withdrawn, closingBalance, settleTime, delegateAddress] = await manager.read.getChannelInfo([
      channel.sender,
      channel.receiver,
      channel.openBlock,
    ]);
    return { key, deposit, withdrawn, closingBalance, settleTime, delegate: delegateAddress };
  }

  return {
    publicClient,
    token,
    manager,
    deployer,
    sender,
    receiver,
    delegate,
    other,
    chainId,
    domain,
    challengePeriod,
    signBalance,
    signClosing,
    signPermit,
    open,
    open223,
    channelOf,
    balanceOf,
    info,
  };
}

export type ChannelFixture = Awaited<ReturnType<typeof deployChannelFixture>>;

/**
 * A ChannelManager over `BlocklistToken` (USDC-like blocklist, owned by the deployer), for payouts
 * the token refuses: sender, receiver and other hold 1,000 tokens each.
 */
export async function deployBlocklistChannelFixture(viem: Viem, challengePeriod: bigint = CHALLENGE_PERIOD) {
  const publicClient = await viem.getPublicClient();
  const [deployer, sender, receiver, delegate, other] = await viem.getWalletClients();
  const token = await viem.deployContract("BlocklistToken");
  const manager = await viem.deployContract("ChannelManager", [token.address, challengePeriod]);
  for (const wallet of [sender, receiver, other]) {
    await token.write.mint([wallet.account.address, parseEther("1000")]);
  }
  const chainId = await publicClient.getChainId();
  const domain = { chainId, verifyingContract: manager.address };
  const { signBalance, signClosing } = channelSigners(domain, sender, receiver);

  /** approve + createChannel from the sender to the receiver, no delegate. */
  async function open(deposit: bigint = DEPOSIT): Promise<ChannelId> {
    await token.write.approve([manager.address, deposit], { account: sender.account });
    const hash = await manager.write.createChannel([receiver.account.address, zeroAddress, deposit], {
      account: sender.account,
    });
    return channelOfReceipt(publicClient, hash, sender, receiver.account.address);
  }

  /** The token's owner puts `account` on its blocklist (or takes it off). */
  async function setBlocklisted(account: Address, blocked = true) {
    await token.write.setBlocklisted([account, blocked], { account: deployer.account });
  }

  return {
    publicClient,
    token,
    manager,
    deployer,
    sender,
    receiver,
    delegate,
    other,
    chainId,
    domain,
    challengePeriod,
    signBalance,
    signClosing,
    open,
    setBlocklisted,
    balanceOf: (address: Address) => token.read.balanceOf([address]),
  };
}

/** A wallet's checksummed address (viem decodes event and error arguments checksummed). */
export function addressOf(wallet: { account: { address: Address } }): Address {
  return getAddress(wallet.account.address);
}

/** `[sender, receiver, openBlock]`, the argument triple of the manager's views. */
export function idArgs(channel: ChannelId) {
  return [channel.sender, channel.receiver, channel.openBlock] as const;
}
