/**
 * Gas of every ChannelManager operation next to µRaiden 0.2.0's, on a fresh in-process chain.
 *
 * Run: `npx hardhat run scripts/gas.ts`. Prints one table and writes the same rows to
 * `reports/gas.json` as `[{ operation, gas, uraiden, ratio }]` (`uraiden`/`ratio` null where µRaiden
 * has no such operation).
 *
 * The µRaiden figures come from its own suite's `print_gas` tests re-run under today's gas rules, so
 * each scenario here reproduces the conditions of the matching µRaiden test:
 * - a fresh token and manager per scenario (µRaiden's fixtures are per test): opening a channel
 *   takes the manager's token balance from zero to non-zero, and closing the only channel takes it
 *   back to zero (with the refund);
 * - sender and receiver already hold tokens; approvals are for the exact amount, measured on our
 *   token (TollgateToken, OpenZeppelin 5);
 * - the same amounts: open 1000 base units, top up 14, withdraw 20 then the whole 100 TOLL deposit,
 *   close at 55 of 100 TOLL (both parties paid);
 * - gas is the receipt's `gasUsed`, refunds included, one transaction per operation.
 *
 * Rows µRaiden has no counterpart for come after: payouts the token refuses (a USDC-like blocklist,
 * `BlocklistToken`: the close that defers one payout, the claim), and TollgateToken's EIP-3009
 * calls. An x402 `exact` purchase is one `transferWithAuthorization`, submitted (and paid for) by the
 * payee's facilitator: its v, r, s row for an EOA payer, the bytes row for a smart wallet's signature
 * (an EOA's here, so the two differ only by the form). Payer and payee already hold tokens; the
 * nonce's slot is always new (22,100 of each figure).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { encodePacked, keccak256, parseEther, parseSignature, toHex, zeroAddress, type Address, type Hex } from "viem";
import {
  cancelAuthorizationTypedData,
  receiveWithAuthorizationTypedData,
  transferWithAuthorizationTypedData,
  type Authorization,
} from "../lib/chain/eip3009";
import { permitTypedData } from "../lib/chain/permit";
import {
  balanceProofTypedData,
  closingCommitmentTypedData,
} from "../lib/protocol/typedData.js";

/** µRaiden 0.2.0, measured under today's gas rules (issue #3). */
const URAIDEN = {
  openErc223: 88_170,
  openErc20: 132_473,
  openErc20Approve: 46_275,
  openErc20Create: 86_198,
  topUpErc223: 54_639,
  topUpErc20: 98_409,
  topUpErc20Approve: 46_263,
  topUpErc20TopUp: 52_146,
  cooperativeClose: 66_268,
  uncooperativeClose: 52_785,
  settle: 54_108,
  withdrawFirst: 76_632,
  withdrawLater: 54_821,
} as const;

const CHALLENGE_PERIOD = 600n;
/** µRaiden's create and top-up gas tests use 1000 and 14 base units. */
const OPEN_DEPOSIT = 1000n;
const TOP_UP = 14n;
/** Its withdraw and close tests use a 100-token channel and a 55-token balance. */
const DEPOSIT = parseEther("100");
const BALANCE = parseEther("55");
const FIRST_WITHDRAWAL = 20n;

const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [, sender, receiver, delegate] = await viem.getWalletClients();
const chainId = await publicClient.getChainId();

type Row = { operation: string; gas: number; uraiden: number | null; ratio: number | null };
const rows: Row[] = [];
function row(operation: string, gas: bigint, uraiden: number | null) {
  rows.push({
    operation,
    gas: Number(gas),
    uraiden,
    ratio: uraiden === null ? null : Math.round((Number(gas) / uraiden) * 10_000) / 10_000,
  });
}

async function gasOf(hash: Hex | Promise<Hex>): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${await hash} reverted`);
  return receipt.gasUsed;
}

type Channel = { sender: Address; receiver: Address; openBlock: bigint };

/** Proof and closing signatures for one manager's channels. */
function signers(managerAddress: Address) {
  const domain = { chainId, verifyingContract: managerAddress };
  const signBalance = (channel: Channel, balance: bigint, signer = sender) =>
    signer.signTypedData({ account: signer.account, ...balanceProofTypedData(domain, channel, balance) });
  const signClosing = (channel: Channel, balance: bigint) =>
    receiver.signTypedData({ account: receiver.account, ...closingCommitmentTypedData(domain, channel, balance) });
  const closeArgs = async (channel: Channel, balance: bigint, signer = sender) =>
    [
      channel.sender,
      channel.receiver,
      channel.openBlock,
      balance,
      await signBalance(channel, balance, signer),
      await signClosing(channel, balance),
    ] as const;
  return { signBalance, closeArgs };
}

/** A fresh token and manager; sender and receiver hold tokens, the manager none. */
async function deploy() {
  const token = await viem.deployContract("TollgateToken");
  const manager = await viem.deployContract("ChannelManager", [token.address, CHALLENGE_PERIOD]);
  await token.write.faucet([parseEther("1000")], { account: sender.account });
  await token.write.faucet([parseEther("100")], { account: receiver.account });

  /** approve + createChannel; returns the channel and both gas figures. */
  async function openErc20(deposit: bigint, delegateAddress: Address = zeroAddress) {
    const approve = await gasOf(token.write.approve([manager.address, deposit], { account: sender.account }));
    const hash = await manager.write.createChannel([receiver.account.address, delegateAddress, deposit], {
      account: sender.account,
    });
    const create = await gasOf(hash);
    const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash });
    const channel: Channel = { sender: sender.account.address, receiver: receiver.account.address, openBlock: blockNumber };
    return { channel, approve, create };
  }

  return { token, manager, openErc20, ...signers(manager.address) };
}

/**
 * The same over BlocklistToken (a USDC-like blocklist, owned by the deployer), for payouts the token
 * refuses. Its transfers cost more than TollgateToken's (the blocklist reads), so a deferred close is
 * compared with a normal close on this token, not with the rows above.
 */
async function deployBlocklist() {
  const token = await viem.deployContract("BlocklistToken");
  const manager = await viem.deployContract("ChannelManager", [token.address, CHALLENGE_PERIOD]);
  await token.write.mint([sender.account.address, parseEther("1000")]);
  await token.write.mint([receiver.account.address, parseEther("100")]);
  await token.write.approve([manager.address, DEPOSIT], { account: sender.account });
  const hash = await manager.write.createChannel([receiver.account.address, zeroAddress, DEPOSIT], {
    account: sender.account,
  });
  const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash });
  const channel: Channel = { sender: sender.account.address, receiver: receiver.account.address, openBlock: blockNumber };
  const blocklist = (account: Address) => token.write.setBlocklisted([account, true]);
  return { token, manager, channel, blocklist, ...signers(manager.address) };
}

// --- Opening -----------------------------------------------------------------------------------
{
  const { openErc20 } = await deploy();
  const { approve, create } = await openErc20(OPEN_DEPOSIT);
  row("open ERC-20 (approve + createChannel)", approve + create, URAIDEN.openErc20);
  row("open ERC-20, part: approve", approve, URAIDEN.openErc20Approve);
  row("open ERC-20, part: createChannel", create, URAIDEN.openErc20Create);
}
{
  const { token, manager } = await deploy();
  const data = encodePacked(["address"], [receiver.account.address]);
  const gas = await gasOf(token.write.transfer([manager.address, OPEN_DEPOSIT, data], { account: sender.account }));
  row("open ERC-223 (transfer + tokenFallback)", gas, URAIDEN.openErc223);
}
{
  const { token, manager } = await deploy();
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const nonce = await token.read.nonces([sender.account.address]);
  const signature = await sender.signTypedData({
    account: sender.account,
    ...permitTypedData(
      { name: "Tollgate Token", version: "1", chainId, verifyingContract: token.address },
      { owner: sender.account.address, spender: manager.address, value: OPEN_DEPOSIT, nonce, deadline },
    ),
  });
  const { r, s, yParity } = parseSignature(signature);
  const v = yParity + 27;
  const gas = await gasOf(
    manager.write.createChannelWithPermit([receiver.account.address, zeroAddress, OPEN_DEPOSIT, deadline, v, r, s], {
      account: sender.account,
    }),
  );
  row("open with permit (createChannelWithPermit)", gas, null);
}
{
  const { openErc20 } = await deploy();
  const { approve, create } = await openErc20(OPEN_DEPOSIT, delegate.account.address);
  row("open ERC-20 with delegate (approve + createChannel)", approve + create, null);
  row("open ERC-20 with delegate, part: createChannel", create, null);
}
{
  const { token, manager } = await deploy();
  const data = encodePacked(["address", "address"], [receiver.account.address, delegate.account.address]);
  const gas = await gasOf(token.write.transfer([manager.address, OPEN_DEPOSIT, data], { account: sender.account }));
  row("open ERC-223 with delegate", gas, null);
}

// --- Top-up ------------------------------------------------------------------------------------
{
  const { token, manager, openErc20 } = await deploy();
  const { channel } = await openErc20(999n);
  const approve = await gasOf(token.write.approve([manager.address, TOP_UP], { account: sender.account }));
  const topUp = await gasOf(
    manager.write.topUp([channel.receiver, channel.openBlock, TOP_UP], { account: sender.account }),
  );
  row("top-up ERC-20 (approve + topUp)", approve + topUp, URAIDEN.topUpErc20);
  row("top-up ERC-20, part: approve", approve, URAIDEN.topUpErc20Approve);
  row("top-up ERC-20, part: topUp", topUp, URAIDEN.topUpErc20TopUp);
}
{
  const { token, manager, openErc20 } = await deploy();
  const { channel } = await openErc20(700n);
  const data = encodePacked(["address", "uint64"], [channel.receiver, channel.openBlock]);
  const gas = await gasOf(token.write.transfer([manager.address, TOP_UP, data], { account: sender.account }));
  row("top-up ERC-223", gas, URAIDEN.topUpErc223);
}

// --- Withdraw ----------------------------------------------------------------------------------
{
  const { manager, openErc20, signBalance } = await deploy();
  const { channel } = await openErc20(DEPOSIT);
  const withdraw = async (balance: bigint) =>
    gasOf(
      manager.write.withdraw([channel.sender, channel.openBlock, balance, await signBalance(channel, balance)], {
        account: receiver.account,
      }),
    );
  row("withdraw (first)", await withdraw(FIRST_WITHDRAWAL), URAIDEN.withdrawFirst);
  row("withdraw (later, whole deposit)", await withdraw(DEPOSIT), URAIDEN.withdrawLater);
}
{
  const { manager, openErc20, signBalance } = await deploy();
  const { channel } = await openErc20(DEPOSIT, delegate.account.address);
  const sig = await signBalance(channel, FIRST_WITHDRAWAL, delegate);
  const gas = await gasOf(
    manager.write.withdraw([channel.sender, channel.openBlock, FIRST_WITHDRAWAL, sig], { account: receiver.account }),
  );
  row("withdraw (first, delegate's proof)", gas, null);
}

// --- Closing -----------------------------------------------------------------------------------
{
  const { manager, openErc20, closeArgs } = await deploy();
  const { channel } = await openErc20(DEPOSIT);
  const gas = await gasOf(manager.write.cooperativeClose(await closeArgs(channel, BALANCE), { account: receiver.account }));
  row("cooperative close", gas, URAIDEN.cooperativeClose);
}
{
  const { manager, openErc20, closeArgs } = await deploy();
  const { channel } = await openErc20(DEPOSIT, delegate.account.address);
  const args = await closeArgs(channel, BALANCE, delegate);
  const gas = await gasOf(manager.write.cooperativeClose(args, { account: receiver.account }));
  row("cooperative close (delegate's proof)", gas, null);
}
{
  const { manager, openErc20 } = await deploy();
  const { channel } = await openErc20(DEPOSIT);
  const uncooperative = await gasOf(
    manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], { account: sender.account }),
  );
  row("uncooperative close", uncooperative, URAIDEN.uncooperativeClose);
  await networkHelpers.time.increase(CHALLENGE_PERIOD + 1n);
  const settle = await gasOf(manager.write.settle([channel.receiver, channel.openBlock], { account: sender.account }));
  row("settle", settle, URAIDEN.settle);
}
{
  // The receiver's dispute: a cooperative close during the challenge period.
  const { manager, openErc20, closeArgs } = await deploy();
  const { channel } = await openErc20(DEPOSIT);
  await manager.write.uncooperativeClose([channel.receiver, channel.openBlock, FIRST_WITHDRAWAL], {
    account: sender.account,
  });
  const gas = await gasOf(manager.write.cooperativeClose(await closeArgs(channel, BALANCE), { account: receiver.account }));
  row("dispute (cooperative close while closing)", gas, null);
}

// --- Payouts the token refuses (issue 9) -------------------------------------------------------
{
  const { manager, channel, closeArgs } = await deployBlocklist();
  const gas = await gasOf(manager.write.cooperativeClose(await closeArgs(channel, BALANCE), { account: receiver.account }));
  row("cooperative close, BlocklistToken, both paid", gas, null);
}
{
  const { manager, channel, closeArgs, blocklist } = await deployBlocklist();
  await blocklist(sender.account.address);
  const gas = await gasOf(manager.write.cooperativeClose(await closeArgs(channel, BALANCE), { account: receiver.account }));
  row("cooperative close, BlocklistToken, sender blocklisted (refund deferred)", gas, null);
  // The sender's first claim, to an address that holds no tokens yet (as a blocklisted sender's would).
  const fresh = "0x000000000000000000000000000000000000c1a1";
  const claim = await gasOf(manager.write.claimPayout([fresh], { account: sender.account }));
  row("claimPayout (the deferred refund, to a new address)", claim, null);
}
{
  const { manager, channel, blocklist } = await deployBlocklist();
  await blocklist(sender.account.address);
  await manager.write.uncooperativeClose([channel.receiver, channel.openBlock, BALANCE], { account: sender.account });
  await networkHelpers.time.increase(CHALLENGE_PERIOD + 1n);
  const gas = await gasOf(manager.write.settle([channel.receiver, channel.openBlock], { account: sender.account }));
  row("settle, BlocklistToken, sender blocklisted (refund deferred)", gas, null);
}

// --- EIP-3009 (x402's exact scheme) -------------------------------------------------------------
/** A fresh TollgateToken; the sender (payer) and receiver (payee) hold tokens. */
async function deployEip3009() {
  const { token } = await deploy();
  const domain = { name: "Tollgate Token", version: "1", chainId, verifyingContract: token.address };
  // Fixed times, so that the signature, and with it the calldata's gas, is the same on every run.
  const authorization: Authorization = {
    from: sender.account.address,
    to: receiver.account.address,
    value: parseEther("1"),
    validAfter: 1_700_000_000n,
    validBefore: 4_102_444_800n, // 2100-01-01
    nonce: keccak256(toHex("x402 nonce")),
  };
  const args = [
    authorization.from,
    authorization.to,
    authorization.value,
    authorization.validAfter,
    authorization.validBefore,
    authorization.nonce,
  ] as const;
  return { token, domain, authorization, args };
}
/** x402's split of a 65-byte signature for the v, r, s overload. */
function vrs(signature: Hex) {
  const { r, s, v, yParity } = parseSignature(signature);
  return [Number(v ?? BigInt(yParity + 27)), r, s] as const;
}
const facilitator = delegate; // any third account
{
  const { token, domain, authorization, args } = await deployEip3009();
  const signature = await sender.signTypedData({
    account: sender.account,
    ...transferWithAuthorizationTypedData(domain, authorization),
  });
  const gas = await gasOf(
    token.write.transferWithAuthorization([...args, ...vrs(signature)], { account: facilitator.account }),
  );
  row("transferWithAuthorization (v, r, s): an x402 purchase", gas, null);
}
{
  const { token, domain, authorization, args } = await deployEip3009();
  const signature = await sender.signTypedData({
    account: sender.account,
    ...transferWithAuthorizationTypedData(domain, authorization),
  });
  const gas = await gasOf(
    token.write.transferWithAuthorization([...args, signature], { account: facilitator.account }),
  );
  row("transferWithAuthorization (bytes signature)", gas, null);
}
{
  const { token, domain, authorization, args } = await deployEip3009();
  const signature = await sender.signTypedData({
    account: sender.account,
    ...receiveWithAuthorizationTypedData(domain, authorization),
  });
  const gas = await gasOf(
    token.write.receiveWithAuthorization([...args, ...vrs(signature)], { account: receiver.account }),
  );
  row("receiveWithAuthorization (v, r, s), by the payee", gas, null);
}
{
  const { token, domain, authorization } = await deployEip3009();
  const message = { authorizer: authorization.from, nonce: authorization.nonce };
  const signature = await sender.signTypedData({
    account: sender.account,
    ...cancelAuthorizationTypedData(domain, message),
  });
  const args = [message.authorizer, message.nonce, ...vrs(signature)] as const;
  const gas = await gasOf(token.write.cancelAuthorization(args, { account: facilitator.account }));
  row("cancelAuthorization (v, r, s)", gas, null);
}

// --- Report ------------------------------------------------------------------------------------
const headers = ["operation", "Tollgate gas", "µRaiden gas", "ratio"];
const cells = rows.map((r) => [
  r.operation,
  r.gas.toLocaleString("en-US"),
  r.uraiden === null ? "—" : r.uraiden.toLocaleString("en-US"),
  r.ratio === null ? "—" : r.ratio.toFixed(4),
]);
const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c: string[]) =>
  `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(" | ")} |`;
console.log(line(headers));
console.log(`| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`);
for (const c of cells) console.log(line(c));

const over = rows.filter((r) => r.ratio !== null && r.ratio > 1);
if (over.length > 0) console.log(`\nAbove µRaiden: ${over.map((r) => r.operation).join(", ")}`);

await mkdir("reports", { recursive: true });
await writeFile("reports/gas.json", `${JSON.stringify(rows, null, 2)}\n`);
console.log("\nWrote reports/gas.json");
