/**
 * A reader for the integration suites: a Hardhat development account that takes tokens from the
 * faucet, opens a channel to the receiver and signs balance proofs, as any client would.
 */
import { createPublicClient, createWalletClient, http, parseEther, parseEventLogs, zeroAddress, type Address, type Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { hardhat } from "viem/chains";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { encodePaymentCookies, encodePaymentHeaders, type Payment } from "../../lib/protocol/payment";
import { encodeAccessRequest } from "../../lib/protocol/accessRequest";
import { TollgateHeader } from "../../lib/protocol/headers";
import { accessRequestTypedData, balanceProofTypedData, closeRequestTypedData, type ChannelId } from "../../lib/protocol/typedData";
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
  /** Signs a request to close at `balance` (by the sender, or by `signer`), the close API's body. */
  closeRequest(balance: bigint, signer?: LocalAccount): Promise<{ balance: string; signature: Hex }>;
  headers(payment: Payment): Record<string, string>;
  /** What a browser sends: `Accept: text/html` and the payment as cookies. */
  browserHeaders(payment: Payment): Record<string, string>;
  /**
   * The `Tollgate-Access-Request` header for re-reading `path`, signed by the sender (or
   * `signer`) at `issuedAt` (default: now).
   */
  accessRequest(path: string, options?: { signer?: LocalAccount; issuedAt?: bigint }): Promise<Record<string, string>>;
  /** Adds `amount` to the deposit on chain (faucet, approve, topUp), as the sender. */
  topUp(amount: bigint): Promise<void>;
  /** The sender's uncooperative close at `balance`; returns the block it was mined in and the time from which it settles. */
  requestClose(balance: bigint): Promise<{ blockNumber: bigint; settleTime: bigint }>;
  /** The sender's settle after the challenge period; returns the block it was mined in. */
  settle(): Promise<bigint>;
};

/** The EIP-712 domain fields of a test chain's deployment. */
export const domainOf = (chain: TestChain) => ({ chainId: chain.deployment.chainId, verifyingContract: chain.deployment.channelManager });

/**
 * A payment whose signature `signer` made over `message` (default: the payment's own channel and
 * balance) in `domain`: for proofs signed with the wrong key, domain or channel on purpose.
 */
export async function signProof(
  signer: LocalAccount,
  domain: { chainId: number; verifyingContract: Address },
  channel: ChannelId,
  balance: bigint,
  message: { channel: ChannelId; balance: bigint } = { channel, balance },
): Promise<Payment> {
  const balanceSignature = await signer.signTypedData(balanceProofTypedData(domain, message.channel, message.balance));
  return { ...channel, balance, balanceSignature };
}

/** What a program sends: `Accept: application/json` and the payment as headers. */
export const programHeaders = (payment: Payment): Record<string, string> => ({ accept: "application/json", ...encodePaymentHeaders(payment) });

/** The `Cookie` header a browser sends after the page stored `payment` in the payment cookies. */
export function paymentCookieHeader(payment: Payment): string {
  return encodePaymentCookies(payment, { secure: false })
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/**
 * Opens a channel from dev account `index` (≥ 2) with `deposit`, optionally naming a delegate,
 * to the site's receiver or to `receiver`.
 */
export async function openChannel(
  chain: TestChain,
  index: number,
  { deposit = parseEther("1"), delegate, receiver = RECEIVER }: { deposit?: bigint; delegate?: Address; receiver?: Address } = {},
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
      args: [receiver, delegate ?? zeroAddress, deposit],
    }),
  );
  const id: ChannelId = { sender: account.address, receiver, openBlock: receipt.blockNumber };
  await chain.synced(receipt.blockNumber);
  const domain = domainOf(chain);
  return {
    ...id,
    account,
    sign: async (balance, signer = account) => ({
      ...id,
      balance,
      balanceSignature: await signer.signTypedData(balanceProofTypedData(domain, id, balance)),
    }),
    closeRequest: async (balance, signer = account) => ({
      balance: balance.toString(),
      signature: await signer.signTypedData(closeRequestTypedData(domain, id, balance)),
    }),
    accessRequest: async (path, { signer = account, issuedAt = BigInt(Math.floor(Date.now() / 1000)) } = {}) => ({
      [TollgateHeader.accessRequest]: encodeAccessRequest({
        ...id,
        issuedAt,
        signature: await signer.signTypedData(accessRequestTypedData(domain, id, path, issuedAt)),
      }),
    }),
    headers: programHeaders,
    browserHeaders: (payment) => ({ accept: "text/html", cookie: paymentCookieHeader(payment) }),
    topUp: async (amount) => {
      await send(await wallet.writeContract({ address: token, abi: tollgateTokenAbi, functionName: "faucet", args: [amount] }));
      await send(await wallet.writeContract({ address: token, abi: tollgateTokenAbi, functionName: "approve", args: [channelManager, amount] }));
      const { blockNumber } = await send(
        await wallet.writeContract({ address: channelManager, abi: channelManagerAbi, functionName: "topUp", args: [receiver, id.openBlock, amount] }),
      );
      await chain.synced(blockNumber);
    },
    requestClose: async (balance) => {
      const receipt = await send(
        await wallet.writeContract({ address: channelManager, abi: channelManagerAbi, functionName: "uncooperativeClose", args: [receiver, id.openBlock, balance] }),
      );
      const [requested] = parseEventLogs({ abi: channelManagerAbi, logs: receipt.logs, eventName: "ChannelCloseRequested" });
      await chain.synced(receipt.blockNumber);
      return { blockNumber: receipt.blockNumber, settleTime: BigInt(requested.args.settleTime) };
    },
    settle: async () => {
      const { blockNumber } = await send(
        await wallet.writeContract({ address: channelManager, abi: channelManagerAbi, functionName: "settle", args: [receiver, id.openBlock] }),
      );
      await chain.synced(blockNumber);
      return blockNumber;
    },
  };
}

/** The access token a paid answer (or a sign-in) handed out, from its header; throws if none. */
export function accessTokenOf(answer: { headers: Headers }): string {
  const token = answer.headers.get(TollgateHeader.accessToken);
  if (!token) throw new Error("the answer carries no access token");
  return token;
}

/**
 * `headers` with the access token added as the carrier sends it: a program's header, or (when
 * `headers` has a cookie, a browser) one more cookie, as the HttpOnly cookie would travel.
 */
export function withAccessToken(headers: Record<string, string>, token: string): Record<string, string> {
  if (headers.cookie !== undefined) return { ...headers, cookie: `${headers.cookie}; ${TollgateHeader.accessToken}=${token}` };
  return { ...headers, [TollgateHeader.accessToken]: token };
}

/**
 * Signs `account` in on `site` as a reader would on a new browser (EIP-4361 through the site's
 * nonce and sign-in routes, the message naming the host the request goes to) and returns the
 * access token the sign-in hands out.
 */
export async function signInReader(site: { url: string }, account: LocalAccount, chainId: number): Promise<string> {
  const nonceAnswer = await fetch(`${site.url}/api/reader/nonce`, { method: "POST" });
  if (nonceAnswer.status !== 200) throw new Error(`nonce: ${nonceAnswer.status} ${await nonceAnswer.text()}`);
  const { nonce } = (await nonceAnswer.json()) as { nonce: string };
  const message = createSiweMessage({ address: account.address, chainId, domain: new URL(site.url).host, nonce, uri: `${site.url}/`, version: "1" });
  const answer = await fetch(`${site.url}/api/reader/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
  });
  if (answer.status !== 200) throw new Error(`sign-in: ${answer.status} ${await answer.text()}`);
  return accessTokenOf(answer);
}
