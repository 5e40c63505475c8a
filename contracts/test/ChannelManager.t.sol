// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {ChannelTestBase} from "./ChannelTestBase.sol";

/// @dev The channel life cycle and its bounds: opening, top-up, the ERC-223 path, withdrawal,
/// the three ways to close, and the views. Attacks on signatures, re-entrancy and tokens are in
/// the sibling files.
contract ChannelManagerTest is ChannelTestBase {
    uint128 internal constant DEPOSIT = 100 ether;

    // --- Deployment -----------------------------------------------------------------------------

    function test_constructorRejectsTokenWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidToken.selector, other));
        new ChannelManager(IERC20(other), CHALLENGE);
    }

    function test_constructorRejectsZeroChallengePeriod() public {
        vm.expectRevert(IChannelManager.ChannelInvalidChallengePeriod.selector);
        new ChannelManager(IERC20(address(token)), 0);
    }

    function test_constructorFixesTokenAndChallengePeriod() public view {
        assertEq(address(manager.token()), address(token), "token");
        assertEq(manager.challengePeriod(), CHALLENGE, "challenge period");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    // --- Opening --------------------------------------------------------------------------------

    function test_createStoresChannelAndPullsDeposit() public {
        uint256 before = token.balanceOf(sender);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelCreated(sender, receiver, uint64(block.number), address(0), DEPOSIT);
        uint64 openBlock = _open(DEPOSIT);

        assertEq(openBlock, block.number, "open block");
        (bytes32 key, uint128 deposit, uint128 withdrawn, uint128 closing, uint64 settleTime, address del) = manager
            .getChannelInfo(sender, receiver, openBlock);
        assertEq(key, keccak256(abi.encodePacked(sender, receiver, openBlock)), "key");
        assertEq(key, manager.getKey(sender, receiver, openBlock), "getKey");
        assertEq(deposit, DEPOSIT, "deposit");
        assertEq(withdrawn + closing + settleTime, 0, "fresh");
        assertEq(del, address(0), "no delegate");
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "manager holds the deposit");
        assertEq(token.balanceOf(sender), before - DEPOSIT, "sender paid");
    }

    function test_createWithDelegateRecordsIt() public {
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelCreated(sender, receiver, uint64(block.number), delegate, DEPOSIT);
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        (, , , , , address del) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(del, delegate, "delegate");
    }

    function test_createRejectsZeroDeposit() public {
        vm.prank(sender);
        vm.expectRevert(IChannelManager.ChannelZeroDeposit.selector);
        manager.createChannel(receiver, address(0), 0);
    }

    function test_createRejectsZeroAndSelfReceiver() public {
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidReceiver.selector, address(0)));
        manager.createChannel(address(0), address(0), DEPOSIT);

        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidReceiver.selector, address(manager)));
        manager.createChannel(address(manager), address(0), DEPOSIT);
    }

    function test_createRejectsReceiverAsDelegate() public {
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidDelegate.selector, receiver));
        manager.createChannel(receiver, receiver, DEPOSIT);
    }

    function test_createWithoutAllowanceReverts() public {
        token.mint(delegate, DEPOSIT); // holds tokens, approved nothing
        vm.prank(delegate);
        vm.expectRevert();
        manager.createChannel(receiver, address(0), DEPOSIT);
        assertEq(token.balanceOf(address(manager)), 0, "nothing pulled");
    }

    function test_secondChannelInSameBlockReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelAlreadyExists.selector, sender, receiver, openBlock)
        );
        manager.createChannel(receiver, address(0), DEPOSIT);

        // Another receiver, or the next block, is a different key.
        vm.prank(sender);
        manager.createChannel(other, address(0), DEPOSIT);
        _nextBlock();
        uint64 second = _open(DEPOSIT);
        assertEq(second, openBlock + 1, "next block");
        assertEq(_deposit(openBlock) + _deposit(second), 2 * DEPOSIT, "both live");
    }

    function test_depositAtUint128Bound() public {
        uint128 max = type(uint128).max;
        _fund(sender, uint256(max) * 2);
        uint64 openBlock = _open(max);
        assertEq(_deposit(openBlock), max, "max deposit");

        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelDepositOverflow.selector, max, 1));
        manager.topUp(receiver, openBlock, 1);
    }

    // --- Top-up ---------------------------------------------------------------------------------

    function test_topUpAddsToDeposit() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelToppedUp(sender, receiver, openBlock, 14, DEPOSIT + 14);
        vm.prank(sender);
        manager.topUp(receiver, openBlock, 14);
        assertEq(_deposit(openBlock), DEPOSIT + 14, "deposit");
        assertEq(token.balanceOf(address(manager)), DEPOSIT + 14, "held");
    }

    function test_topUpUpToTheBoundThenOverflows() public {
        uint128 max = type(uint128).max;
        _fund(sender, uint256(max) * 2);
        uint64 openBlock = _open(1);
        vm.prank(sender);
        manager.topUp(receiver, openBlock, max - 1);
        assertEq(_deposit(openBlock), max, "exactly at the bound");

        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelDepositOverflow.selector, max, 1));
        manager.topUp(receiver, openBlock, 1);
    }

    function testFuzz_topUpOverflowBound(uint128 deposit, uint128 added) public {
        vm.assume(deposit != 0 && added != 0);
        _fund(sender, uint256(type(uint128).max) * 2);
        uint64 openBlock = _open(deposit);
        vm.prank(sender);
        if (uint256(deposit) + added > type(uint128).max) {
            vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelDepositOverflow.selector, deposit, added));
            manager.topUp(receiver, openBlock, added);
            assertEq(_deposit(openBlock), deposit, "unchanged");
        } else {
            manager.topUp(receiver, openBlock, added);
            assertEq(_deposit(openBlock), uint256(deposit) + added, "sum");
        }
        assertEq(token.balanceOf(address(manager)), _deposit(openBlock), "held == deposit");
    }

    function test_topUpRejectsZeroUnknownAndForeignChannels() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(IChannelManager.ChannelZeroDeposit.selector);
        manager.topUp(receiver, openBlock, 0);

        // Wrong open block, wrong receiver, open block 0.
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock + 1)
        );
        manager.topUp(receiver, openBlock + 1, 14);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, other, openBlock));
        manager.topUp(other, openBlock, 14);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, 0));
        manager.topUp(receiver, 0, 14);

        // Someone else cannot top up the sender's channel (the key is msg.sender's).
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, other, receiver, openBlock));
        manager.topUp(receiver, openBlock, 14);
    }

    function test_topUpWhileClosingReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 10);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelIsClosing.selector, uint64(block.timestamp) + CHALLENGE)
        );
        manager.topUp(receiver, openBlock, 14);
    }

    // --- ERC-223 (tokenFallback) ----------------------------------------------------------------

    function test_tokenFallbackCreatesAndTopsUp() public {
        vm.prank(sender);
        token.transfer(address(manager), DEPOSIT, abi.encodePacked(receiver));
        uint64 openBlock = uint64(block.number);
        assertEq(_deposit(openBlock), DEPOSIT, "created");

        vm.prank(sender);
        token.transfer(address(manager), 14, abi.encodePacked(receiver, openBlock));
        assertEq(_deposit(openBlock), DEPOSIT + 14, "topped up");

        vm.prank(sender);
        token.transfer(address(manager), DEPOSIT, abi.encodePacked(other, delegate));
        (, uint128 deposit, , , , address del) = manager.getChannelInfo(sender, other, openBlock);
        assertEq(deposit, DEPOSIT, "created with delegate");
        assertEq(del, delegate, "delegate");
        assertEq(token.balanceOf(address(manager)), 2 * DEPOSIT + 14, "held");
    }

    function test_tokenFallbackOnlyFromToken() public {
        // A direct call would credit a deposit that never arrived.
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelCallerNotToken.selector, other));
        manager.tokenFallback(other, DEPOSIT, abi.encodePacked(receiver));

        // Nor from another token contract.
        ChannelManager unrelated = new ChannelManager(IERC20(address(token)), CHALLENGE);
        vm.prank(address(unrelated));
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelCallerNotToken.selector, address(unrelated)));
        manager.tokenFallback(sender, DEPOSIT, abi.encodePacked(receiver));
    }

    function testFuzz_tokenFallbackRejectsOtherLengths(bytes calldata data) public {
        vm.assume(data.length != 20 && data.length != 28 && data.length != 40);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidFallbackData.selector, data.length));
        token.transfer(address(manager), DEPOSIT, data);
    }

    function test_tokenFallbackRejectsNearMissLengths() public {
        uint256[8] memory lengths = [uint256(0), 19, 21, 27, 29, 39, 41, 44];
        for (uint256 i; i < lengths.length; i++) {
            bytes memory data = new bytes(lengths[i]);
            vm.prank(sender);
            vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidFallbackData.selector, lengths[i]));
            token.transfer(address(manager), DEPOSIT, data);
        }
        assertEq(token.balanceOf(address(manager)), 0, "nothing kept");
    }

    function test_tokenFallbackRejectsZeroAndHugeValues() public {
        vm.prank(sender);
        vm.expectRevert(IChannelManager.ChannelZeroDeposit.selector);
        token.transfer(address(manager), 0, abi.encodePacked(receiver));

        uint256 huge = uint256(type(uint128).max) + 1;
        token.mint(sender, huge * 2);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelDepositOverflow.selector, 0, huge));
        token.transfer(address(manager), huge, abi.encodePacked(receiver));

        // Exactly the bound opens; one more through a top-up overflows.
        vm.prank(sender);
        token.transfer(address(manager), type(uint128).max, abi.encodePacked(receiver));
        uint64 openBlock = uint64(block.number);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelDepositOverflow.selector, type(uint128).max, huge)
        );
        token.transfer(address(manager), huge, abi.encodePacked(receiver, openBlock));
    }

    function test_tokenFallbackTopUpOfUnknownChannelReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock + 30)
        );
        token.transfer(address(manager), 14, abi.encodePacked(receiver, openBlock + 30));
        // A top-up through the fallback is the transferring account's: another account's data
        // naming the sender's channel tops up its own (non-existent) channel instead.
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, other, receiver, openBlock));
        token.transfer(address(manager), 14, abi.encodePacked(receiver, openBlock));
    }

    // --- Withdraw -------------------------------------------------------------------------------

    function test_withdrawPaysTheDifferenceEachTime() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory proof30 = _proof(openBlock, 30);
        bytes memory proof50 = _proof(openBlock, 50);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelWithdrawn(sender, receiver, openBlock, 30, 30);
        _withdraw(openBlock, 30, proof30);
        assertEq(token.balanceOf(receiver), 30, "first");

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelWithdrawn(sender, receiver, openBlock, 20, 50);
        _withdraw(openBlock, 50, proof50);
        assertEq(token.balanceOf(receiver), 50, "second pays 50 - 30");
        assertEq(_withdrawn(openBlock), 50, "withdrawn");
        assertEq(_deposit(openBlock), DEPOSIT, "deposit unchanged");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - 50, "held");

        // The whole deposit.
        _withdraw(openBlock, DEPOSIT, _proof(openBlock, DEPOSIT));
        assertEq(token.balanceOf(receiver), DEPOSIT, "all");
    }

    function test_withdrawTwiceWithSameProofReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, 30);
        _withdraw(openBlock, 30, sig);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToWithdraw.selector, 30, 30));
        manager.withdraw(sender, openBlock, 30, sig);

        // An older, lower proof is worth nothing either.
        bytes memory older = _proof(openBlock, 10);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToWithdraw.selector, 10, 30));
        manager.withdraw(sender, openBlock, 10, older);
    }

    function test_withdrawZeroBalanceReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, 0);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToWithdraw.selector, 0, 0));
        manager.withdraw(sender, openBlock, 0, sig);
    }

    function test_withdrawPastTheProofReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, 30);
        // Claiming 31 with the proof of 30: the signature recovers to some unrelated address.
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, 31, sig);
    }

    function test_withdrawAboveDepositReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, DEPOSIT + 1);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelBalanceExceedsDeposit.selector, DEPOSIT + 1, DEPOSIT)
        );
        manager.withdraw(sender, openBlock, DEPOSIT + 1, sig);

        // The same proof becomes good once the sender tops up.
        vm.prank(sender);
        manager.topUp(receiver, openBlock, 1);
        _withdraw(openBlock, DEPOSIT + 1, sig);
        assertEq(token.balanceOf(receiver), DEPOSIT + 1, "paid");
    }

    function test_withdrawByNonReceiverReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, 30);
        // The key is (sender, msg.sender, openBlock): nobody else's withdrawal finds the channel.
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, other, openBlock));
        manager.withdraw(sender, openBlock, 30, sig);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, sender, openBlock));
        manager.withdraw(sender, openBlock, 30, sig);

        // Even a receiver of another channel of the same sender, same block, cannot use it.
        vm.prank(sender);
        manager.createChannel(other, address(0), DEPOSIT);
        vm.prank(other);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, 30, sig);
    }

    function test_withdrawWhileClosingReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory sig = _proof(openBlock, 30);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 30);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelIsClosing.selector, uint64(block.timestamp) + CHALLENGE)
        );
        manager.withdraw(sender, openBlock, 30, sig);
    }

    // --- Cooperative close ----------------------------------------------------------------------

    function test_cooperativeClosePaysBothAndDeletes() public {
        uint64 openBlock = _open(DEPOSIT);
        uint256 senderBefore = token.balanceOf(sender);
        bytes memory balanceSig = _proof(openBlock, 55);
        bytes memory closingSig = _closing(openBlock, 55);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(sender, receiver, openBlock, 55, 55, DEPOSIT - 55);
        vm.prank(other); // anyone may submit
        manager.cooperativeClose(sender, receiver, openBlock, 55, balanceSig, closingSig);

        assertEq(token.balanceOf(receiver), 55, "receiver");
        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT - 55, "sender");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.getChannelInfo(sender, receiver, openBlock);

        // A second close, of either kind, finds nothing.
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.cooperativeClose(sender, receiver, openBlock, 55, balanceSig, closingSig);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.uncooperativeClose(receiver, openBlock, 55);
    }

    function test_cooperativeCloseAfterWithdrawPaysTheRest() public {
        uint64 openBlock = _open(DEPOSIT);
        _withdraw(openBlock, 20, _proof(openBlock, 20));
        bytes memory balanceSig = _proof(openBlock, 70);
        bytes memory closingSig = _closing(openBlock, 70);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(sender, receiver, openBlock, 70, 50, DEPOSIT - 70);
        manager.cooperativeClose(sender, receiver, openBlock, 70, balanceSig, closingSig);
        assertEq(token.balanceOf(receiver), 70, "receiver got 70 in all");
    }

    function test_cooperativeCloseAtZeroAndFullBalance() public {
        uint64 first = _open(DEPOSIT);
        uint256 senderBefore = token.balanceOf(sender);
        bytes memory b0 = _proof(first, 0);
        bytes memory c0 = _closing(first, 0);
        manager.cooperativeClose(sender, receiver, first, 0, b0, c0);
        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT, "all back to the sender");
        assertEq(token.balanceOf(receiver), 0, "nothing to the receiver");

        _nextBlock();
        uint64 second = _open(DEPOSIT);
        bytes memory bFull = _proof(second, DEPOSIT);
        bytes memory cFull = _closing(second, DEPOSIT);
        manager.cooperativeClose(sender, receiver, second, DEPOSIT, bFull, cFull);
        assertEq(token.balanceOf(receiver), DEPOSIT, "all to the receiver");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_cooperativeCloseBalanceOutOfBoundsReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        _withdraw(openBlock, 40, _proof(openBlock, 40));

        bytes memory low = _proof(openBlock, 39);
        bytes memory lowClosing = _closing(openBlock, 39);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelBalanceBelowWithdrawn.selector, 39, 40));
        manager.cooperativeClose(sender, receiver, openBlock, 39, low, lowClosing);

        bytes memory high = _proof(openBlock, DEPOSIT + 1);
        bytes memory highClosing = _closing(openBlock, DEPOSIT + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelBalanceExceedsDeposit.selector, DEPOSIT + 1, DEPOSIT)
        );
        manager.cooperativeClose(sender, receiver, openBlock, DEPOSIT + 1, high, highClosing);
    }

    function test_cooperativeCloseNeedsBothSignaturesOnTheSameBalance() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory proof55 = _proof(openBlock, 55);
        bytes memory closing55 = _closing(openBlock, 55);
        bytes memory proof54 = _proof(openBlock, 54);
        bytes memory closing54 = _closing(openBlock, 54);

        // Balance argument differs from what was signed.
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 56, proof55, closing55);
        // The sender signed another balance.
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 55, proof54, closing55);
        // The receiver signed another balance.
        vm.expectPartialRevert(IChannelManager.ChannelInvalidClosingCommitment.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 55, proof55, closing54);
        // Someone other than the receiver signed the closing commitment.
        bytes memory foreign = _closingSig(OTHER_PK, sender, receiver, openBlock, 55);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClosingCommitment.selector, other));
        manager.cooperativeClose(sender, receiver, openBlock, 55, proof55, foreign);

        manager.cooperativeClose(sender, receiver, openBlock, 55, proof55, closing55);
    }

    function test_cooperativeCloseWithAnotherReceiversClosingSigReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        manager.createChannel(other, address(0), DEPOSIT);
        // Proof for the other channel, closing signature of this one's receiver.
        bytes memory proofOther = _balanceSig(SENDER_PK, sender, other, openBlock, 55);
        bytes memory closing = _closing(openBlock, 55);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidClosingCommitment.selector);
        manager.cooperativeClose(sender, other, openBlock, 55, proofOther, closing);
    }

    // --- Uncooperative close and settle ---------------------------------------------------------

    function test_uncooperativeCloseStartsChallenge() public {
        uint64 openBlock = _open(DEPOSIT);
        uint64 settleTime = uint64(block.timestamp) + CHALLENGE;
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelCloseRequested(sender, receiver, openBlock, 55, settleTime);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 55);
        (, , , uint128 closing, uint64 stored, ) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(closing, 55, "closing balance");
        assertEq(stored, settleTime, "settle time");
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "nothing paid yet");
    }

    function test_uncooperativeCloseTwiceReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 55);
        uint64 settleTime = uint64(block.timestamp) + CHALLENGE;
        vm.warp(block.timestamp + 10);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelIsClosing.selector, settleTime));
        manager.uncooperativeClose(receiver, openBlock, 10);
    }

    function test_uncooperativeCloseBalanceBounds() public {
        uint64 openBlock = _open(DEPOSIT);
        _withdraw(openBlock, 40, _proof(openBlock, 40));
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelBalanceExceedsDeposit.selector, DEPOSIT + 1, DEPOSIT)
        );
        manager.uncooperativeClose(receiver, openBlock, DEPOSIT + 1);
        // The sender cannot claim back what the receiver already withdrew.
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelBalanceBelowWithdrawn.selector, 39, 40));
        manager.uncooperativeClose(receiver, openBlock, 39);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, DEPOSIT);
    }

    function test_uncooperativeCloseOnlyBySender() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, receiver, receiver, openBlock)
        );
        manager.uncooperativeClose(receiver, openBlock, 55);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, other, receiver, openBlock));
        manager.uncooperativeClose(receiver, openBlock, 55);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock - 1)
        );
        manager.uncooperativeClose(receiver, openBlock - 1, 55);
    }

    function test_uncooperativeCloseSettleTimeCannotWrap() public {
        uint64 openBlock = _open(DEPOSIT);
        // A timestamp where now + challenge no longer fits the uint64 settle time.
        uint256 late = uint256(type(uint64).max) - CHALLENGE + 1;
        vm.warp(late);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, late + CHALLENGE)
        );
        manager.uncooperativeClose(receiver, openBlock, 55);
        // One second earlier it fits exactly.
        vm.warp(late - 1);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 55);
    }

    function test_settleAfterChallengePaysByClosingBalance() public {
        uint64 openBlock = _open(DEPOSIT);
        _withdraw(openBlock, 20, _proof(openBlock, 20));
        uint256 senderBefore = token.balanceOf(sender);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 55);
        uint64 settleTime = uint64(block.timestamp) + CHALLENGE;

        // Not before, not at settleTime: the receiver may still dispute then.
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelChallengePeriodActive.selector, settleTime));
        manager.settle(receiver, openBlock);
        vm.warp(settleTime);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelChallengePeriodActive.selector, settleTime));
        manager.settle(receiver, openBlock);

        vm.warp(settleTime + 1);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(sender, receiver, openBlock, 55, 35, DEPOSIT - 55);
        vm.prank(sender);
        manager.settle(receiver, openBlock);
        assertEq(token.balanceOf(receiver), 55, "receiver got 20 + 35");
        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT - 55, "sender got the rest");
        assertEq(token.balanceOf(address(manager)), 0, "empty");

        // Settled means gone: a second settle and a cooperative close find nothing.
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.settle(receiver, openBlock);
        bytes memory balanceSig = _proof(openBlock, 60);
        bytes memory closingSig = _closing(openBlock, 60);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.cooperativeClose(sender, receiver, openBlock, 60, balanceSig, closingSig);
    }

    function test_settleWithoutCloseReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(IChannelManager.ChannelNotClosing.selector);
        manager.settle(receiver, openBlock);
    }

    function test_settleOnlyBySender() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 55);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, receiver, receiver, openBlock)
        );
        manager.settle(receiver, openBlock);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, other, receiver, openBlock));
        manager.settle(receiver, openBlock);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, sender, openBlock));
        manager.settle(sender, openBlock);
        vm.prank(sender);
        manager.settle(receiver, openBlock);
    }

    function test_disputeDuringChallengeUsesLatestProof() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory latest = _proof(openBlock, 80);
        bytes memory closing = _closing(openBlock, 80);
        // The sender cheats: claims 10 though it signed 80.
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 10);
        vm.warp(block.timestamp + CHALLENGE); // last second of the challenge
        vm.prank(receiver);
        manager.cooperativeClose(sender, receiver, openBlock, 80, latest, closing);
        assertEq(token.balanceOf(receiver), 80, "receiver paid by its latest proof");

        vm.warp(block.timestamp + 1);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.settle(receiver, openBlock);
    }

    function test_cooperativeCloseStillPossibleAfterChallengeUntilSettled() public {
        // The sender signed 80; after the challenge it must settle to make its claim of 10 final.
        uint64 openBlock = _open(DEPOSIT);
        bytes memory latest = _proof(openBlock, 80);
        bytes memory closing = _closing(openBlock, 80);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 10);
        vm.warp(block.timestamp + CHALLENGE + 100);
        manager.cooperativeClose(sender, receiver, openBlock, 80, latest, closing);
        assertEq(token.balanceOf(receiver), 80, "receiver");
    }

    function testFuzz_everyCloseConservesTheDeposit(uint128 deposit, uint128 withdrawn, uint128 balance, bool settleIt)
        public
    {
        deposit = uint128(bound(deposit, 1, 1_000_000 ether));
        withdrawn = uint128(bound(withdrawn, 0, deposit));
        balance = uint128(bound(balance, withdrawn, deposit));
        uint64 openBlock = _open(deposit);
        if (withdrawn != 0) _withdraw(openBlock, withdrawn, _proof(openBlock, withdrawn));
        uint256 senderBefore = token.balanceOf(sender);
        uint256 receiverBefore = token.balanceOf(receiver);

        if (settleIt) {
            vm.prank(sender);
            manager.uncooperativeClose(receiver, openBlock, balance);
            vm.warp(block.timestamp + CHALLENGE + 1);
            vm.prank(sender);
            manager.settle(receiver, openBlock);
        } else {
            bytes memory balanceSig = _proof(openBlock, balance);
            bytes memory closingSig = _closing(openBlock, balance);
            manager.cooperativeClose(sender, receiver, openBlock, balance, balanceSig, closingSig);
        }
        assertEq(token.balanceOf(receiver) - receiverBefore, balance - withdrawn, "receiver's share");
        assertEq(token.balanceOf(sender) - senderBefore, deposit - balance, "sender's share");
        assertEq(token.balanceOf(receiver), balance, "receiver got the balance in all");
        assertEq(token.balanceOf(address(manager)), 0, "nothing left behind");
    }

    // --- Key reuse ------------------------------------------------------------------------------

    function test_channelClosedInItsOpenBlockCannotBeReopenedThere() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory old = _proof(openBlock, 60);
        bytes memory closing = _closing(openBlock, 30);
        bytes memory proof30 = _proof(openBlock, 30);
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof30, closing);

        // Reopening the same key would make `old` (60) valid on the new channel.
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelAlreadyExists.selector, sender, receiver, openBlock)
        );
        manager.createChannel(receiver, address(0), DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelAlreadyExists.selector, sender, receiver, openBlock)
        );
        token.transfer(address(manager), DEPOSIT, abi.encodePacked(receiver));

        // The tombstone is not a channel.
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.getChannelInfo(sender, receiver, openBlock);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.withdraw(sender, openBlock, 60, old);

        // The next block is a new key, where the old proof is worthless.
        _nextBlock();
        uint64 reopened = _open(DEPOSIT);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, reopened, 60, old);
    }

    // --- Views ----------------------------------------------------------------------------------

    function test_getChannelInfoOfUnknownChannelsReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock - 2)
        );
        manager.getChannelInfo(sender, receiver, openBlock - 2);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, other, receiver, openBlock));
        manager.getChannelInfo(other, receiver, openBlock);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, other, openBlock));
        manager.getChannelInfo(sender, other, openBlock);
    }

    function testFuzz_getKeyIsPackedKeccak(address s, address r, uint64 b) public view {
        assertEq(manager.getKey(s, r, b), keccak256(abi.encodePacked(s, r, b)), "key");
    }
}
