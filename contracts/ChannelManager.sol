// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IChannelManager} from "./interfaces/IChannelManager.sol";

/// @title Tollgate channel manager
/// @notice Many-to-one unidirectional payment channels in one ERC-20 token, after µRaiden's
/// RaidenMicroTransferChannels 0.2: EIP-712 balance proofs and closing commitments, an optional
/// delegate signer per channel, EIP-2612 and ERC-223 opening, a challenge period in seconds.
/// No owner, no admin key, no upgrade path.
/// @dev Storage: one `Channel` per key, three slots, written only when they carry information:
///   slot 0  deposit (uint128) | withdrawn (uint128)   written by open, top-up, withdraw, close
///   slot 1  closingBalance (uint128) | settleTime (uint64)   only once an uncooperative close starts
///   slot 2  delegate (address)                         only when the channel names a delegate
/// A live channel has `deposit != 0` (zero deposits are refused). Closing clears slot 0 (and slot 1
/// when it settles, for the refund); slots 1 and 2 may stay behind a cooperative close, which is
/// harmless because a key is never reused: a new channel's open block is the current block, and a
/// channel closed in its own open block leaves a tombstone in slot 0 (deposit 0, withdrawn
/// non-zero) that makes a second creation in that block revert. Reusing a key would make every
/// proof signed for the old channel valid on the new one.
///
/// Every external function follows checks-effects-interactions: the token is called last, after
/// storage is final, so a re-entering token sees the channel already updated or deleted. The one
/// call before the checks, the permit in {createChannelWithPermit}, changes nothing here, and the
/// checks that follow it see whatever it did. The one write after a call is a close's credit of a
/// payout the token refused (see {_defer}): the channel is already gone by then, and the credit only
/// adds to a balance that nothing re-entered could have read to the account's advantage.
///
/// A close pays two parties, and the token may refuse one of them (USDC and USDT blocklist accounts;
/// a hooking token's recipient may revert). Such a failure must not cost the other party its payout,
/// so each close transfer is attempted on its own and a failed one is kept for its owner to claim,
/// to any address it names. Hence the books: the manager holds exactly
/// Σ(deposit − withdrawn) over live channels + Σ claimable.
contract ChannelManager is IChannelManager, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type hash of `BalanceProof`, as in `lib/protocol/typedData.ts`.
    bytes32 public constant BALANCE_PROOF_TYPEHASH =
        keccak256("BalanceProof(address sender,address receiver,uint64 openBlock,uint128 balance)");

    /// @notice EIP-712 type hash of `ClosingCommitment`, as in `lib/protocol/typedData.ts`.
    bytes32 public constant CLOSING_COMMITMENT_TYPEHASH =
        keccak256("ClosingCommitment(address sender,address receiver,uint64 openBlock,uint128 closingBalance)");

    /// @dev Slot 0 of a channel closed in its own open block: deposit 0 (not live), withdrawn 1
    /// (not empty, so the key cannot be created again in that block).
    uint256 private constant _TOMBSTONE = 1 << 128;

    struct Channel {
        uint128 deposit;
        uint128 withdrawn;
        uint128 closingBalance;
        uint64 settleTime;
        address delegate;
    }

    IERC20 private immutable _token;
    uint64 private immutable _challengePeriod;

    mapping(bytes32 key => Channel) private _channels;

    /// @dev Payouts of closed channels whose transfer failed, by the account they are owed to.
    /// uint256: the sum over many channels of uint128 amounts.
    mapping(address account => uint256) private _claimable;

    /// @notice Deploys a manager for one token and one challenge period.
    /// @param token_ The ERC-20 token escrowed by every channel (fee-on-transfer and rebasing
    /// tokens are not supported: the manager credits the amounts it asked for).
    /// @param challengePeriod_ Seconds a receiver has to dispute an uncooperative close (> 0).
    constructor(IERC20 token_, uint64 challengePeriod_) EIP712("Tollgate", "1") {
        if (address(token_).code.length == 0) revert ChannelInvalidToken(address(token_));
        if (challengePeriod_ == 0) revert ChannelInvalidChallengePeriod();
        _token = token_;
        _challengePeriod = challengePeriod_;
    }

    // ------------------------------------------------------------------------------------------
    // Opening and funding
    // ------------------------------------------------------------------------------------------

    /// @inheritdoc IChannelManager
    function createChannel(
        address receiver,
        address delegate,
        uint128 deposit
    ) external returns (uint64 openBlock) {
        openBlock = _create(msg.sender, receiver, delegate, deposit);
        _token.safeTransferFrom(msg.sender, address(this), deposit);
    }

    /// @inheritdoc IChannelManager
    function createChannelWithPermit(
        address receiver,
        address delegate,
        uint128 deposit,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint64 openBlock) {
        // Anyone who saw the permit in the mempool can submit it first, which makes ours revert
        // (nonce used). That is harmless if the allowance it granted is still there, so only fail
        // when it is not (OpenZeppelin's advice in IERC20Permit). The permit is an interaction
        // before the checks, but `_create` checks everything afresh after it.
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), deposit, deadline, v, r, s) {} catch {
            uint256 allowance = _token.allowance(msg.sender, address(this));
            if (allowance < deposit) revert ChannelPermitFailed(allowance, deposit);
        }
        openBlock = _create(msg.sender, receiver, delegate, deposit);
        _token.safeTransferFrom(msg.sender, address(this), deposit);
    }

    /// @inheritdoc IChannelManager
    function topUp(address receiver, uint64 openBlock, uint128 addedDeposit) external {
        _topUp(msg.sender, receiver, openBlock, addedDeposit);
        _token.safeTransferFrom(msg.sender, address(this), addedDeposit);
    }

    /// @inheritdoc IChannelManager
    function tokenFallback(address from, uint256 value, bytes calldata data) external override {
        // Only the token can vouch that `value` tokens from `from` have arrived.
        if (msg.sender != address(_token)) revert ChannelCallerNotToken(msg.sender);
        uint256 length = data.length;
        if (length != 20 && length != 28 && length != 40) revert ChannelInvalidFallbackData(length);
        // Big-endian packed fields (abi.encodePacked): receiver, then delegate or openBlock.
        address receiver = address(bytes20(data[0:20]));
        if (length == 28) {
            _topUp(from, receiver, uint64(bytes8(data[20:28])), value);
        } else {
            if (value > type(uint128).max) revert ChannelDepositOverflow(0, value);
            address delegate = length == 40 ? address(bytes20(data[20:40])) : address(0);
            _create(from, receiver, delegate, uint128(value));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Paying out
    // ------------------------------------------------------------------------------------------

    /// @inheritdoc IChannelManager
    function withdraw(address sender, uint64 openBlock, uint128 balance, bytes calldata balanceSig) external {
        bytes32 key = _key(sender, msg.sender, openBlock);
        Channel storage channel = _channels[key];
        (uint128 deposit, uint128 withdrawn) = (channel.deposit, channel.withdrawn);
        if (deposit == 0) revert ChannelNotFound(sender, msg.sender, openBlock);
        uint64 settleTime = channel.settleTime;
        // Once closing, the receiver's remedy is cooperativeClose; a withdrawal would change the
        // amounts the pending settlement was computed against.
        if (settleTime != 0) revert ChannelIsClosing(settleTime);
        if (balance > deposit) revert ChannelBalanceExceedsDeposit(balance, deposit);
        if (balance <= withdrawn) revert ChannelNothingToWithdraw(balance, withdrawn);
        _checkBalanceProof(key, sender, msg.sender, openBlock, balance, balanceSig);

        channel.withdrawn = balance;
        uint128 amount;
        unchecked {
            amount = balance - withdrawn; // balance > withdrawn, checked above
        }
        emit ChannelWithdrawn(sender, msg.sender, openBlock, amount, balance);

        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IChannelManager
    function cooperativeClose(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance,
        bytes calldata balanceSig,
        bytes calldata closingSig
    ) external {
        bytes32 key = _key(sender, receiver, openBlock);
        Channel storage channel = _channels[key];
        (uint128 deposit, uint128 withdrawn) = (channel.deposit, channel.withdrawn);
        if (deposit == 0) revert ChannelNotFound(sender, receiver, openBlock);
        if (balance > deposit) revert ChannelBalanceExceedsDeposit(balance, deposit);
        if (balance < withdrawn) revert ChannelBalanceBelowWithdrawn(balance, withdrawn);
        _checkBalanceProof(key, sender, receiver, openBlock, balance, balanceSig);
        _checkClosingCommitment(sender, receiver, openBlock, balance, closingSig);

        // Slot 1 (a pending uncooperative close) is left as is: the key is dead from now on, and
        // reading it to clear it would cost more than the refund brings back.
        _clearOpenSlot(channel, openBlock);
        _payOut(sender, receiver, openBlock, balance, deposit, withdrawn);
    }

    /// @inheritdoc IChannelManager
    function uncooperativeClose(address receiver, uint64 openBlock, uint128 balance) external {
        Channel storage channel = _channels[_key(msg.sender, receiver, openBlock)];
        (uint128 deposit, uint128 withdrawn) = (channel.deposit, channel.withdrawn);
        if (deposit == 0) revert ChannelNotFound(msg.sender, receiver, openBlock);
        uint64 pending = channel.settleTime;
        if (pending != 0) revert ChannelIsClosing(pending);
        if (balance > deposit) revert ChannelBalanceExceedsDeposit(balance, deposit);
        // The receiver already holds `withdrawn`, backed by a proof: the sender cannot claim less.
        if (balance < withdrawn) revert ChannelBalanceBelowWithdrawn(balance, withdrawn);

        uint64 settleTime = SafeCast.toUint64(block.timestamp + _challengePeriod);
        channel.closingBalance = balance;
        channel.settleTime = settleTime;
        emit ChannelCloseRequested(msg.sender, receiver, openBlock, balance, settleTime);
    }

    /// @inheritdoc IChannelManager
    /// @dev Sender only, as in µRaiden: the receiver never needs it, since {cooperativeClose}
    /// with the sender's latest proof stays open to it until the channel is gone.
    function settle(address receiver, uint64 openBlock) external {
        Channel storage channel = _channels[_key(msg.sender, receiver, openBlock)];
        (uint128 deposit, uint128 withdrawn) = (channel.deposit, channel.withdrawn);
        if (deposit == 0) revert ChannelNotFound(msg.sender, receiver, openBlock);
        (uint128 closingBalance, uint64 settleTime) = (channel.closingBalance, channel.settleTime);
        if (settleTime == 0) revert ChannelNotClosing();
        // The receiver may dispute up to and including settleTime.
        if (block.timestamp <= settleTime) revert ChannelChallengePeriodActive(settleTime);

        // A settle is always in a later block than the open (settleTime > open time), so no
        // tombstone is needed; both slots are cleared for the refund.
        channel.deposit = 0;
        channel.withdrawn = 0;
        channel.closingBalance = 0;
        channel.settleTime = 0;
        _payOut(msg.sender, receiver, openBlock, closingBalance, deposit, withdrawn);
    }

    /// @inheritdoc IChannelManager
    function claimPayout(address to) external returns (uint256 amount) {
        // Sending to this contract would hold tokens owed to no one (the books would no longer add up).
        if (to == address(0) || to == address(this)) revert ChannelInvalidClaimRecipient(to);
        amount = _claimable[msg.sender];
        if (amount == 0) revert ChannelNothingToClaim(msg.sender);

        _claimable[msg.sender] = 0;
        emit ChannelPayoutClaimed(msg.sender, to, amount);

        // Reverting (not try): a failed claim keeps the balance, and the caller may name another `to`.
        _token.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------

    /// @inheritdoc IChannelManager
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IChannelManager
    function challengePeriod() external view returns (uint64) {
        return _challengePeriod;
    }

    /// @inheritdoc IChannelManager
    function claimable(address account) external view returns (uint256) {
        return _claimable[account];
    }

    /// @inheritdoc IChannelManager
    function getKey(address sender, address receiver, uint64 openBlock) external pure returns (bytes32) {
        return _key(sender, receiver, openBlock);
    }

    /// @inheritdoc IChannelManager
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
        )
    {
        key = _key(sender, receiver, openBlock);
        Channel storage channel = _channels[key];
        deposit = channel.deposit;
        if (deposit == 0) revert ChannelNotFound(sender, receiver, openBlock);
        return (key, deposit, channel.withdrawn, channel.closingBalance, channel.settleTime, channel.delegate);
    }

    /// @inheritdoc IChannelManager
    function balanceProofDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance
    ) external view returns (bytes32) {
        return _balanceProofDigest(sender, receiver, openBlock, balance);
    }

    /// @inheritdoc IChannelManager
    function closingCommitmentDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 closingBalance
    ) external view returns (bytes32) {
        return _closingCommitmentDigest(sender, receiver, openBlock, closingBalance);
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    /// @dev Records a new channel keyed by the current block. No token transfer: the callers pull
    /// the deposit afterwards, or (tokenFallback) it has already arrived.
    function _create(
        address sender,
        address receiver,
        address delegate,
        uint128 deposit
    ) private returns (uint64 openBlock) {
        if (deposit == 0) revert ChannelZeroDeposit();
        if (receiver == address(0) || receiver == address(this)) revert ChannelInvalidReceiver(receiver);
        if (delegate == receiver) revert ChannelInvalidDelegate(delegate);

        openBlock = uint64(block.number);
        Channel storage channel = _channels[_key(sender, receiver, openBlock)];
        // Whole slot 0: a tombstone (deposit 0, withdrawn != 0) counts as existing.
        if (channel.deposit != 0 || channel.withdrawn != 0) {
            revert ChannelAlreadyExists(sender, receiver, openBlock);
        }
        channel.deposit = deposit;
        if (delegate != address(0)) channel.delegate = delegate;
        emit ChannelCreated(sender, receiver, openBlock, delegate, deposit);
    }

    /// @dev Adds to a live, not closing, channel's deposit. `added` is uint256 for tokenFallback.
    function _topUp(address sender, address receiver, uint64 openBlock, uint256 added) private {
        if (added == 0) revert ChannelZeroDeposit();
        Channel storage channel = _channels[_key(sender, receiver, openBlock)];
        uint128 deposit = channel.deposit;
        if (deposit == 0) revert ChannelNotFound(sender, receiver, openBlock);
        uint64 settleTime = channel.settleTime;
        if (settleTime != 0) revert ChannelIsClosing(settleTime);
        uint256 newDeposit = uint256(deposit) + added;
        if (newDeposit > type(uint128).max) revert ChannelDepositOverflow(deposit, added);

        channel.deposit = uint128(newDeposit);
        emit ChannelToppedUp(sender, receiver, openBlock, uint128(added), uint128(newDeposit));
    }

    /// @dev Clears slot 0 of a channel being closed, or tombstones it if it was opened in this
    /// very block (see the contract's storage notes).
    function _clearOpenSlot(Channel storage channel, uint64 openBlock) private {
        uint256 value = openBlock == block.number ? _TOMBSTONE : 0;
        assembly ("memory-safe") {
            sstore(channel.slot, value)
        }
    }

    /// @dev Final transfers of a closed channel; storage must already be cleared.
    /// Requires withdrawn <= balance <= deposit.
    ///
    /// Each transfer is tried on its own: if the token refuses one in any way (reverts, returns
    /// false, runs out of gas), that amount goes to its owner's claimable balance ({_defer}) and the
    /// other payout still happens. `trySafeTransfer` copies no return data of a failed call, so a
    /// huge revert reason cannot exhaust the gas here.
    ///
    /// The token call gets all but 1/64 of the remaining gas (EIP-150). A recipient that burns all it
    /// is given leaves this frame that 1/64 (a little more when its hook is a call deeper) for the
    /// credit, its event and the other payout: the close then succeeds only when the submitter gave
    /// it enough gas (gas estimation finds that limit), and otherwise reverts whole, changing
    /// nothing. For the same reason a submitter cannot starve a plain ERC-20 transfer (under ~30,000
    /// gas) into a deferral on purpose: the 1/64 left after it ran out (under 500 gas) cannot pay
    /// for the credit's storage write (5,000 or more), so the whole close reverts.
    function _payOut(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance,
        uint128 deposit,
        uint128 withdrawn
    ) private {
        uint128 receiverAmount;
        uint128 senderAmount;
        unchecked {
            receiverAmount = balance - withdrawn;
            senderAmount = deposit - balance;
        }
        // The amounts owed, whether or not each transfer below goes through.
        emit ChannelSettled(sender, receiver, openBlock, balance, receiverAmount, senderAmount);
        if (receiverAmount != 0 && !_token.trySafeTransfer(receiver, receiverAmount)) {
            _defer(sender, receiver, openBlock, receiver, receiverAmount);
        }
        if (senderAmount != 0 && !_token.trySafeTransfer(sender, senderAmount)) {
            _defer(sender, receiver, openBlock, sender, senderAmount);
        }
    }

    /// @dev Credits a payout the token refused to `account`'s claimable balance.
    ///
    /// The one write after a token call in this contract: writing it first and undoing it on success
    /// would cost every close two extra storage writes. It is safe: the channel is already deleted,
    /// so a close re-entered during the failed call found nothing, and a re-entered {claimPayout}
    /// saw the balance before this credit (it could take only what was already owed); `+=` reads the
    /// balance now, so no update made meanwhile is lost.
    function _defer(address sender, address receiver, uint64 openBlock, address account, uint128 amount) private {
        _claimable[account] += amount;
        emit ChannelPayoutDeferred(sender, receiver, openBlock, account, amount);
    }

    /// @dev Reverts unless `signature` is a valid, low-s balance proof by the sender or by the
    /// channel's delegate. The delegate slot is read only when the signer is not the sender.
    function _checkBalanceProof(
        bytes32 key,
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance,
        bytes calldata signature
    ) private view {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            _balanceProofDigest(sender, receiver, openBlock, balance),
            signature
        );
        // On success tryRecover never returns address(0), so an absent delegate cannot match.
        if (err != ECDSA.RecoverError.NoError) revert ChannelInvalidBalanceProof(address(0));
        if (signer != sender && signer != _channels[key].delegate) revert ChannelInvalidBalanceProof(signer);
    }

    /// @dev Reverts unless `signature` is a valid, low-s closing commitment by the receiver.
    function _checkClosingCommitment(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance,
        bytes calldata signature
    ) private view {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            _closingCommitmentDigest(sender, receiver, openBlock, balance),
            signature
        );
        if (err != ECDSA.RecoverError.NoError || signer != receiver) revert ChannelInvalidClosingCommitment(signer);
    }

    function _balanceProofDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 balance
    ) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BALANCE_PROOF_TYPEHASH, sender, receiver, openBlock, balance)));
    }

    function _closingCommitmentDigest(
        address sender,
        address receiver,
        uint64 openBlock,
        uint128 closingBalance
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(CLOSING_COMMITMENT_TYPEHASH, sender, receiver, openBlock, closingBalance))
            );
    }

    /// @dev keccak256(abi.encodePacked(sender, receiver, openBlock)), without allocating memory.
    function _key(address sender, address receiver, uint64 openBlock) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(96, sender))
            mstore(add(ptr, 20), shl(96, receiver))
            mstore(add(ptr, 40), shl(192, openBlock))
            key := keccak256(ptr, 48)
        }
    }
}
