// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITokenReceiver} from "./ITokenReceiver.sol";

/// @title Tollgate channel manager
/// @notice Many-to-one unidirectional payment channels in one ERC-20 token (the µRaiden design with
/// EIP-712 proofs, an optional delegate signer, EIP-2612 opening and no owner). A channel is
/// identified by `(sender, receiver, openBlock)`, `openBlock` being the number of the block that
/// created it. Balance proofs are cumulative: the sender (or the channel's delegate) signs the total
/// owed to the receiver so far.
/// @dev Every event indexes `sender`, `receiver` and `openBlock`, so a watcher can filter by any of them.
interface IChannelManager is ITokenReceiver {
    // ------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------

    /// @notice A channel was opened with `deposit` tokens; `delegate` (or address(0)) may sign proofs.
    event ChannelCreated(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        address delegate,
        uint128 deposit
    );

    /// @notice `addedDeposit` tokens were added to a channel, whose deposit is now `deposit`.
    event ChannelToppedUp(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        uint128 addedDeposit,
        uint128 deposit
    );

    /// @notice The receiver took `amount` tokens from an open channel; `withdrawn` is the new total.
    event ChannelWithdrawn(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        uint128 amount,
        uint128 withdrawn
    );

    /// @notice The sender started the challenge period, claiming `closingBalance` is owed; the
    /// receiver may dispute (close cooperatively) until `settleTime` inclusive.
    event ChannelCloseRequested(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        uint128 closingBalance,
        uint64 settleTime
    );

    /// @notice A channel was closed (cooperatively or by {settle}) and deleted: the receiver got
    /// `receiverAmount` (the balance minus what it had withdrawn), the sender `senderAmount`.
    event ChannelSettled(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        uint128 balance,
        uint128 receiverAmount,
        uint128 senderAmount
    );

    /// @notice A close owed `account` (the channel's `sender` or `receiver`) `amount` tokens but the
    /// transfer failed (the token refused it: a blocklist, a pause, a reverting or gas-exhausting hook,
    /// a `false` return); the amount was added to `claimable(account)` instead, so that the other
    /// party's payout still went through. Follows the close's {ChannelSettled}.
    event ChannelPayoutDeferred(
        address indexed sender,
        address indexed receiver,
        uint64 indexed openBlock,
        address account,
        uint128 amount
    );

    /// @notice `account` moved its whole claimable balance, `amount` tokens, to `to`.
    /// @dev Not a channel event: a claimable balance adds up deferred payouts of any channels.
    event ChannelPayoutClaimed(address indexed account, address indexed to, uint256 amount);

    // ------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------

    /// @notice The constructor's token has no code.
    error ChannelInvalidToken(address token);

    /// @notice The constructor's challenge period is zero (the receiver could never dispute).
    error ChannelInvalidChallengePeriod();

    /// @notice A deposit or top-up of zero tokens.
    error ChannelZeroDeposit();

    /// @notice `deposit + added` does not fit in a uint128 (or a fallback's value alone does not).
    error ChannelDepositOverflow(uint256 deposit, uint256 added);

    /// @notice The receiver is address(0) or this contract (tokens paid there would be lost).
    error ChannelInvalidReceiver(address receiver);

    /// @notice The delegate is the receiver (it could then sign itself the whole deposit).
    error ChannelInvalidDelegate(address delegate);

    /// @notice A channel with this key exists, or existed and was closed in this same block: keys
    /// are never reused, or old proofs would be valid on the new channel.
    error ChannelAlreadyExists(address sender, address receiver, uint64 openBlock);

    /// @notice No open or closing channel has this key (never created, or already closed).
    error ChannelNotFound(address sender, address receiver, uint64 openBlock);

    /// @notice The channel is in its challenge period: no top-up, withdrawal or second close.
    error ChannelIsClosing(uint64 settleTime);

    /// @notice {settle} on a channel whose sender has not called {uncooperativeClose}.
    error ChannelNotClosing();

    /// @notice {settle} before the challenge period is over (allowed once `block.timestamp > settleTime`).
    error ChannelChallengePeriodActive(uint64 settleTime);

    /// @notice A balance above the channel's deposit.
    error ChannelBalanceExceedsDeposit(uint128 balance, uint128 deposit);

    /// @notice A closing balance below what the receiver already withdrew.
    error ChannelBalanceBelowWithdrawn(uint128 balance, uint128 withdrawn);

    /// @notice {withdraw} with a balance that does not exceed what was already withdrawn.
    error ChannelNothingToWithdraw(uint128 balance, uint128 withdrawn);

    /// @notice The balance proof is malformed, malleable (high s), or signed by neither the
    /// sender nor the channel's delegate; `signer` is what it recovers to (address(0) if nothing).
    error ChannelInvalidBalanceProof(address signer);

    /// @notice The closing commitment is malformed, malleable, or not signed by the receiver.
    error ChannelInvalidClosingCommitment(address signer);

    /// @notice {tokenFallback} called by something other than the channel token.
    error ChannelCallerNotToken(address caller);

    /// @notice {tokenFallback} data of a length other than 20, 28 or 40 bytes.
    error ChannelInvalidFallbackData(uint256 length);

    /// @notice The permit failed and the allowance it was meant to grant is not there either.
    error ChannelPermitFailed(uint256 allowance, uint128 deposit);

    /// @notice {claimPayout} by an account with no claimable balance (never owed one, or already
    /// claimed it).
    error ChannelNothingToClaim(address account);

    /// @notice {claimPayout} to address(0) or to this contract (tokens sent here would be held
    /// without being owed to anyone).
    error ChannelInvalidClaimRecipient(address to);

    // ------------------------------------------------------------------------------------------
    // Opening and funding
    // ------------------------------------------------------------------------------------------

    /// @notice Opens a channel from `msg.sender` to `receiver` and pulls `deposit` tokens (needs a
    /// prior `approve` of at least `deposit` to this contract).
    /// @param receiver The account that will be paid through the channel.
    /// @param delegate An extra signer whose balance proofs count as the sender's (a session key),
    /// or address(0) for none. Fixed for the channel's life.
    /// @param deposit The tokens escrowed, at least 1.
    /// @return openBlock The channel's open block (this block's number), the third part of its key.
    function createChannel(address receiver, address delegate, uint128 deposit) external returns (uint64 openBlock);

    /// @notice {createChannel} in one transaction with an EIP-2612 permit for `deposit` tokens,
    /// signed by `msg.sender` for this contract. A permit that was already used (e.g. front-run
    /// from the mempool) is not an error when the allowance it granted is still there.
    /// @param receiver The account that will be paid through the channel.
    /// @param delegate An extra proof signer, or address(0) for none.
    /// @param deposit The tokens escrowed, at least 1; also the permit's value.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return openBlock The channel's open block.
    function createChannelWithPermit(
        address receiver,
        address delegate,
        uint128 deposit,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint64 openBlock);

    /// @notice Adds `addedDeposit` tokens to the open channel `(msg.sender, receiver, openBlock)`
    /// (needs a prior `approve`).
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @param addedDeposit The tokens added, at least 1; the new deposit must fit in a uint128.
    function topUp(address receiver, uint64 openBlock, uint128 addedDeposit) external;

    /// @notice ERC-223 entry point: the token calls it after `from` transferred `value` tokens here
    /// with `data`, which is `abi.encodePacked(receiver)` (20 bytes: create),
    /// `abi.encodePacked(receiver, delegate)` (40 bytes: create with a delegate) or
    /// `abi.encodePacked(receiver, uint64 openBlock)` (28 bytes: top up). `from` is the sender.
    /// @param from The account whose tokens arrived: the channel's sender.
    /// @param value The tokens that arrived.
    /// @param data The packed channel parameters described above.
    function tokenFallback(address from, uint256 value, bytes calldata data) external override;

    // ------------------------------------------------------------------------------------------
    // Paying out
    // ------------------------------------------------------------------------------------------

    /// @notice The receiver (`msg.sender`) takes what a balance proof entitles it to, minus what it
    /// already withdrew, leaving the channel open. Not allowed once the channel is closing.
    /// @param sender The channel's sender.
    /// @param openBlock The channel's open block.
    /// @param balance The cumulative balance of the proof, at most the deposit.
    /// @param balanceSig The sender's or delegate's EIP-712 signature of the BalanceProof.
    function withdraw(address sender, uint64 openBlock, uint128 balance, bytes calldata balanceSig) external;

    /// @notice Closes a channel at once with the sender's (or delegate's) balance proof and the
    /// receiver's closing commitment for the same balance; anyone may submit it. Works while the
    /// channel is open and while it is closing: that is how a receiver disputes an uncooperative
    /// close. Pays the receiver `balance - withdrawn`, the sender `deposit - balance`, deletes it. A
    /// payout whose transfer fails is credited to that party's {claimable} balance instead
    /// ({ChannelPayoutDeferred}): the close, and the other party's payout, still go through.
    /// @param sender The channel's sender.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @param balance The final cumulative balance owed to the receiver.
    /// @param balanceSig The sender's or delegate's signature of BalanceProof(…, balance).
    /// @param closingSig The receiver's signature of ClosingCommitment(…, balance).
    function cooperativeClose(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance,
        bytes calldata balanceSig,
        bytes calldata closingSig
    ) external;

    /// @notice The sender (`msg.sender`) starts closing without the receiver, claiming `balance`
    /// is owed; the receiver has `challengePeriod()` seconds to dispute with {cooperativeClose}.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @param balance The balance the sender admits owing: at least what was withdrawn, at most the deposit.
    function uncooperativeClose(address receiver, uint64 openBlock, uint128 balance) external;

    /// @notice The sender (`msg.sender`) ends a channel after its challenge period: the receiver
    /// gets the closing balance minus what it withdrew, the sender the rest; the channel is deleted.
    /// As in {cooperativeClose}, a payout whose transfer fails becomes {claimable}.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    function settle(address receiver, uint64 openBlock) external;

    /// @notice Moves the caller's whole claimable balance (its deferred payouts, see
    /// {ChannelPayoutDeferred}) to `to`, which may be another address: an account the token refuses
    /// to pay (a blocklisted one) names one it will pay. Reverts, keeping the balance, if the
    /// transfer fails.
    /// @param to The recipient of the tokens: not address(0), not this contract.
    /// @return amount The tokens transferred.
    function claimPayout(address to) external returns (uint256 amount);

    // ------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------

    /// @notice The token this manager escrows, fixed at deployment.
    /// @return The ERC-20 token.
    function token() external view returns (IERC20);

    /// @notice The challenge period in seconds, fixed at deployment.
    /// @return The challenge period.
    function challengePeriod() external view returns (uint64);

    /// @notice Tokens `account` can take with {claimPayout}: the payouts of closed channels that
    /// could not be transferred to it, not yet claimed.
    /// @param account A channel's sender or receiver.
    /// @return The claimable amount.
    function claimable(address account) external view returns (uint256);

    /// @notice The storage key of a channel: `keccak256(abi.encodePacked(sender, receiver, openBlock))`.
    /// @param sender The channel's sender.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @return key The key.
    function getKey(address sender, address receiver, uint64 openBlock) external pure returns (bytes32 key);

    /// @notice A live (open or closing) channel's state; reverts with {ChannelNotFound} otherwise.
    /// @param sender The channel's sender.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @return key The channel's key.
    /// @return deposit The tokens escrowed in total.
    /// @return withdrawn The tokens the receiver already withdrew.
    /// @return closingBalance The sender's claimed balance once closing, else 0.
    /// @return settleTime The end of the challenge period once closing, else 0.
    /// @return delegate The delegate signer, or address(0).
    function getChannelInfo(
        address sender,
        address receiver,
        uint64 openBlock
    )
        external
        view
        returns (
            bytes32 key,
            uint128 deposit,
            uint128 withdrawn,
            uint128 closingBalance,
            uint64 settleTime,
            address delegate
        );

    /// @notice The EIP-712 digest a sender or delegate signs for a balance proof.
    /// @param sender The channel's sender.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @param balance The cumulative balance.
    /// @return The digest (domain "Tollgate", version "1", this chain, this contract).
    function balanceProofDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest a receiver signs to let a channel close cooperatively.
    /// @param sender The channel's sender.
    /// @param receiver The channel's receiver.
    /// @param openBlock The channel's open block.
    /// @param closingBalance The balance the channel closes at.
    /// @return The digest.
    function closingCommitmentDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 closingBalance
    ) external view returns (bytes32);
}
