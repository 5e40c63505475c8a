// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {ChannelTestBase} from "./ChannelTestBase.sol";

/// @dev The delegate (session key): its proofs count as the sender's on its own channel, and
/// nowhere else, and it has none of the sender's other powers.
contract ChannelManagerDelegateTest is ChannelTestBase {
    uint128 internal constant DEPOSIT = 100 ether;

    function _delegateProof(uint64 openBlock, uint128 balance) internal view returns (bytes memory) {
        return _balanceSig(DELEGATE_PK, sender, receiver, openBlock, balance);
    }

    function test_delegateProofsWithdrawAndClose() public {
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        _withdraw(openBlock, 30, _delegateProof(openBlock, 30));
        // The sender's own proofs still count, interleaved with the delegate's.
        _withdraw(openBlock, 40, _proof(openBlock, 40));
        bytes memory proof = _delegateProof(openBlock, 70);
        bytes memory closing = _closing(openBlock, 70);
        manager.cooperativeClose(sender, receiver, openBlock, 70, proof, closing);
        assertEq(token.balanceOf(receiver), 70, "receiver");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_delegateOpenedThroughTokenFallback() public {
        vm.prank(sender);
        token.transfer(address(manager), DEPOSIT, abi.encodePacked(receiver, delegate));
        uint64 openBlock = uint64(block.number);
        _withdraw(openBlock, 30, _delegateProof(openBlock, 30));
        assertEq(token.balanceOf(receiver), 30, "paid");
    }

    function test_delegateCannotActAsSender() public {
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        _fund(delegate, DEPOSIT);
        vm.startPrank(delegate);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, delegate, receiver, openBlock)
        );
        manager.topUp(receiver, openBlock, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, delegate, receiver, openBlock)
        );
        manager.uncooperativeClose(receiver, openBlock, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, delegate, receiver, openBlock)
        );
        manager.settle(receiver, openBlock);
        vm.stopPrank();
    }

    function test_delegateCannotSignTheClosingCommitment() public {
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        bytes memory proof = _delegateProof(openBlock, 30);
        bytes memory closingByDelegate = _closingSig(DELEGATE_PK, sender, receiver, openBlock, 30);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClosingCommitment.selector, delegate));
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, closingByDelegate);
    }

    function test_delegateProofIsWorthlessOnChannelsWithoutIt() public {
        uint64 withDelegate = _openWithDelegate(DEPOSIT);
        // Same block, another receiver, no delegate.
        vm.prank(sender);
        manager.createChannel(other, address(0), DEPOSIT);
        bytes memory forOther = _balanceSig(DELEGATE_PK, sender, other, withDelegate, 30);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, delegate));
        manager.withdraw(sender, withDelegate, 30, forOther);
    }

    function test_delegateProofAfterSettleFindsNothing() public {
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        bytes memory proof = _delegateProof(openBlock, 30);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 10);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(receiver, openBlock);

        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.withdraw(sender, openBlock, 30, proof);
        bytes memory closing = _closing(openBlock, 30);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, closing);
    }

    function test_delegateProofAfterCooperativeCloseFindsNothing() public {
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        bytes memory late = _delegateProof(openBlock, 90);
        bytes memory proof = _delegateProof(openBlock, 30);
        bytes memory closing = _closing(openBlock, 30);
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, closing);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.withdraw(sender, openBlock, 90, late);
    }

    function test_oldDelegateHasNoPowerOnAReopenedChannel() public {
        uint64 first = _openWithDelegate(DEPOSIT);
        bytes memory proof = _delegateProof(first, 30);
        bytes memory closing = _closing(first, 30);
        manager.cooperativeClose(sender, receiver, first, 30, proof, closing);

        // Reopened without a delegate: the old session key signs for the new open block.
        _nextBlock();
        uint64 second = _open(DEPOSIT);
        bytes memory stale = _delegateProof(second, 50);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, delegate));
        manager.withdraw(sender, second, 50, stale);

        // Reopened with a new delegate: the old one is still nobody.
        _nextBlock();
        vm.prank(sender);
        uint64 third = manager.createChannel(receiver, other, DEPOSIT);
        bytes memory staleAgain = _delegateProof(third, 50);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, delegate));
        manager.withdraw(sender, third, 50, staleAgain);
        _withdraw(third, 50, _balanceSig(OTHER_PK, sender, receiver, third, 50));
        assertEq(token.balanceOf(receiver), 80, "30 + 50");
    }

    function test_delegateRiskIsBoundedByTheDeposit() public {
        // A stolen session key can sign any balance, but never more than the deposit moves.
        uint64 openBlock = _openWithDelegate(DEPOSIT);
        bytes memory everything = _delegateProof(openBlock, DEPOSIT + 1);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelBalanceExceedsDeposit.selector, DEPOSIT + 1, DEPOSIT)
        );
        manager.withdraw(sender, openBlock, DEPOSIT + 1, everything);
        uint256 before = token.balanceOf(sender);
        _withdraw(openBlock, DEPOSIT, _delegateProof(openBlock, DEPOSIT));
        assertEq(token.balanceOf(receiver), DEPOSIT, "at most the deposit");
        assertEq(token.balanceOf(sender), before, "nothing else of the sender's");
    }
}
