// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {FalseReturnToken} from "../mocks/FalseReturnToken.sol";
import {NoReturnToken} from "../mocks/NoReturnToken.sol";
import {TestBase} from "./Vm.sol";

/// @dev Non-standard but common ERC-20s: one that returns nothing (USDT) must work end to end; one
/// that returns false on failure must never be taken for a successful transfer (a close keeps what it
/// could not pay as claimable).
contract ChannelManagerTokensTest is TestBase {
    uint64 internal constant CHALLENGE = 1 days;
    uint128 internal constant DEPOSIT = 100e6;
    uint256 internal constant SENDER_PK = 0x5E4D;
    uint256 internal constant RECEIVER_PK = 0x2EC1;

    address internal sender;
    address internal receiver;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(100);
        sender = vm.addr(SENDER_PK);
        receiver = vm.addr(RECEIVER_PK);
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function test_tokenWithoutReturnValuesWorksEndToEnd() public {
        NoReturnToken usdt = new NoReturnToken();
        ChannelManager manager = new ChannelManager(IERC20(address(usdt)), CHALLENGE);
        usdt.mint(sender, 1_000e6);
        vm.prank(sender);
        usdt.approve(address(manager), type(uint256).max);

        vm.prank(sender);
        uint64 first = manager.createChannel(receiver, address(0), DEPOSIT);
        vm.prank(sender);
        manager.topUp(receiver, first, 14);
        bytes memory p30 = _sign(SENDER_PK, manager.balanceProofDigest(sender, receiver, first, 30));
        vm.prank(receiver);
        manager.withdraw(sender, first, 30, p30);
        bytes memory p60 = _sign(SENDER_PK, manager.balanceProofDigest(sender, receiver, first, 60));
        bytes memory c60 = _sign(RECEIVER_PK, manager.closingCommitmentDigest(sender, receiver, first, 60));
        manager.cooperativeClose(sender, receiver, first, 60, p60, c60);
        assertEq(usdt.balanceOf(receiver), 60, "receiver after cooperative close");

        vm.roll(block.number + 1);
        vm.prank(sender);
        uint64 second = manager.createChannel(receiver, address(0), DEPOSIT);
        vm.prank(sender);
        manager.uncooperativeClose(receiver, second, 25);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(receiver, second);

        assertEq(usdt.balanceOf(receiver), 85, "receiver after settle");
        assertEq(usdt.balanceOf(sender), 1_000e6 - 85, "sender");
        assertEq(usdt.balanceOf(address(manager)), 0, "empty");
    }

    function test_tokenWithoutReturnValuesStillFailsWhenItReverts() public {
        NoReturnToken usdt = new NoReturnToken();
        ChannelManager manager = new ChannelManager(IERC20(address(usdt)), CHALLENGE);
        usdt.mint(sender, DEPOSIT);
        vm.prank(sender);
        vm.expectRevert(bytes("allowance"));
        manager.createChannel(receiver, address(0), DEPOSIT);
    }

    function test_falseReturningTokenNeverCountsAsPaid() public {
        FalseReturnToken weird = new FalseReturnToken();
        ChannelManager manager = new ChannelManager(IERC20(address(weird)), CHALLENGE);
        weird.mint(sender, 1_000e6);

        // No allowance: transferFrom returns false, so nothing is created.
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(weird)));
        manager.createChannel(receiver, address(0), DEPOSIT);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, uint64(block.number))
        );
        manager.getChannelInfo(sender, receiver, uint64(block.number));

        vm.prank(sender);
        weird.approve(address(manager), DEPOSIT);
        vm.prank(sender);
        uint64 openBlock = manager.createChannel(receiver, address(0), DEPOSIT);
        // Allowance used up: a top-up's transferFrom returns false.
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(weird)));
        manager.topUp(receiver, openBlock, 1);

        // Every transfer returns false. A withdrawal pays only its caller: it reverts, changing nothing.
        weird.setFailAll(true);
        bytes memory p30 = _sign(SENDER_PK, manager.balanceProofDigest(sender, receiver, openBlock, 30));
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(weird)));
        manager.withdraw(sender, openBlock, 30, p30);
        (, , uint128 withdrawn, , , ) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(withdrawn, 0, "nothing withdrawn");

        // A close pays two parties: the refused payouts are kept as claimable, not counted as paid.
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, 30);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(receiver, openBlock);
        assertEq(weird.balanceOf(receiver), 0, "receiver not paid");
        assertEq(manager.claimable(receiver), 30, "receiver's claimable");
        assertEq(manager.claimable(sender), DEPOSIT - 30, "sender's claimable");
        assertEq(weird.balanceOf(address(manager)), DEPOSIT, "all still held");

        // A claim while the token still fails reverts and keeps the balance.
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(weird)));
        manager.claimPayout(receiver);
        assertEq(manager.claimable(receiver), 30, "kept");

        // Once the token works again, both claim.
        weird.setFailAll(false);
        vm.prank(receiver);
        manager.claimPayout(receiver);
        vm.prank(sender);
        manager.claimPayout(sender);
        assertEq(weird.balanceOf(receiver), 30, "receiver");
        assertEq(weird.balanceOf(sender), 1_000e6 - 30, "sender: all but the 30 it paid");
        assertEq(weird.balanceOf(address(manager)), 0, "empty");
    }
}
