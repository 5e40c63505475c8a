// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {ReentrantToken, ReentrancyAttacker} from "../mocks/ReentrantToken.sol";
import {TestBase} from "./Vm.sol";

/// @dev Re-entrancy through a token callback: a token with ERC-777-like hooks hands control to a
/// channel party in the middle of every transfer the manager makes, and the party calls the
/// manager again. Checks-effects-interactions must leave no window: the re-entrant call either
/// fails on the already-updated state, or is a legitimate operation whose accounting adds up.
contract ChannelManagerReentrancyTest is TestBase {
    uint64 internal constant CHALLENGE = 1 days;
    uint128 internal constant DEPOSIT = 100 ether;
    uint256 internal constant SENDER_PK = 0x5E4D;
    uint256 internal constant RECEIVER_PK = 0x2EC1;
    uint256 internal constant DELEGATE_PK = 0xDE1E;

    ReentrantToken internal token;
    ChannelManager internal manager;
    ReentrancyAttacker internal attacker;
    address internal sender;
    address internal receiver;
    address internal delegate;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(100);
        sender = vm.addr(SENDER_PK);
        receiver = vm.addr(RECEIVER_PK);
        delegate = vm.addr(DELEGATE_PK);
        token = new ReentrantToken();
        manager = new ChannelManager(IERC20(address(token)), CHALLENGE);
        attacker = new ReentrancyAttacker();
        attacker.execute(address(token), abi.encodeCall(ReentrantToken.setHooked, (true)));

        token.mint(sender, 1_000 ether);
        vm.prank(sender);
        token.approve(address(manager), type(uint256).max);
        token.mint(address(attacker), 1_000 ether);
        attacker.execute(address(token), abi.encodeCall(IERC20.approve, (address(manager), type(uint256).max)));
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev A channel from the attacker (a contract, so its balance proofs come from a delegate).
    function _attackerOpens() internal returns (uint64 openBlock) {
        bytes memory ret = attacker.execute(
            address(manager),
            abi.encodeCall(IChannelManager.createChannel, (receiver, delegate, DEPOSIT))
        );
        openBlock = abi.decode(ret, (uint64));
    }

    function _assertReentryFailedWith(bytes memory expected) internal view {
        assertTrue(attacker.reentered(), "the hook ran");
        assertTrue(!attacker.reentrySucceeded(), "re-entrant call must fail");
        assertEq(keccak256(attacker.reentryResult()), keccak256(expected), "re-entrant call's error");
    }

    function test_withdrawCannotBeRepeatedFromThePayout() public {
        vm.prank(sender);
        uint64 openBlock = manager.createChannel(address(attacker), address(0), DEPOSIT);
        bytes memory proof = _sign(SENDER_PK, manager.balanceProofDigest(sender, address(attacker), openBlock, 30));
        bytes memory withdrawCall = abi.encodeCall(IChannelManager.withdraw, (sender, openBlock, 30, proof));

        attacker.arm(address(manager), withdrawCall);
        attacker.execute(address(manager), withdrawCall);

        _assertReentryFailedWith(abi.encodeWithSelector(IChannelManager.ChannelNothingToWithdraw.selector, 30, 30));
        assertEq(token.balanceOf(address(attacker)), 1_000 ether + 30, "paid once");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - 30, "held");
    }

    function test_nestedWithdrawOfAHigherProofPaysOnlyTheDifference() public {
        vm.prank(sender);
        uint64 openBlock = manager.createChannel(address(attacker), address(0), DEPOSIT);
        bytes memory p30 = _sign(SENDER_PK, manager.balanceProofDigest(sender, address(attacker), openBlock, 30));
        bytes memory p50 = _sign(SENDER_PK, manager.balanceProofDigest(sender, address(attacker), openBlock, 50));

        attacker.arm(address(manager), abi.encodeCall(IChannelManager.withdraw, (sender, openBlock, 50, p50)));
        attacker.execute(address(manager), abi.encodeCall(IChannelManager.withdraw, (sender, openBlock, 30, p30)));

        assertTrue(attacker.reentrySucceeded(), "a higher proof is a legitimate withdrawal");
        (, , uint128 withdrawn, , , ) = manager.getChannelInfo(sender, address(attacker), openBlock);
        assertEq(withdrawn, 50, "withdrawn");
        assertEq(token.balanceOf(address(attacker)), 1_000 ether + 50, "paid 50 in all, not 80");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - 50, "held");
    }

    function test_cooperativeCloseCannotBeRepeatedFromThePayout() public {
        uint64 openBlock = _attackerOpens();
        address s = address(attacker);
        bytes memory proof = _sign(DELEGATE_PK, manager.balanceProofDigest(s, receiver, openBlock, 55));
        bytes memory closing = _sign(RECEIVER_PK, manager.closingCommitmentDigest(s, receiver, openBlock, 55));
        bytes memory closeCall = abi.encodeCall(
            IChannelManager.cooperativeClose,
            (s, receiver, openBlock, 55, proof, closing)
        );
        // The sender's share is paid last; its hook tries to close again.
        attacker.arm(address(manager), closeCall);
        manager.cooperativeClose(s, receiver, openBlock, 55, proof, closing);

        _assertReentryFailedWith(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, s, receiver, openBlock)
        );
        assertEq(token.balanceOf(receiver), 55, "receiver");
        assertEq(token.balanceOf(s), 1_000 ether - 55, "sender got deposit - 55 back");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_settleCannotBeRepeatedFromThePayout() public {
        uint64 openBlock = _attackerOpens();
        attacker.execute(
            address(manager),
            abi.encodeCall(IChannelManager.uncooperativeClose, (receiver, openBlock, 40))
        );
        vm.warp(block.timestamp + CHALLENGE + 1);

        bytes memory settleCall = abi.encodeCall(IChannelManager.settle, (receiver, openBlock));
        attacker.arm(address(manager), settleCall);
        attacker.execute(address(manager), settleCall);

        _assertReentryFailedWith(
            abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, address(attacker), receiver, openBlock)
        );
        assertEq(token.balanceOf(receiver), 40, "receiver");
        assertEq(token.balanceOf(address(attacker)), 1_000 ether - 40, "sender");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_reentryDuringTheDepositPull() public {
        // A second channel in the same block, from inside the first one's transferFrom.
        attacker.arm(address(manager), abi.encodeCall(IChannelManager.createChannel, (receiver, delegate, DEPOSIT)));
        uint64 openBlock = _attackerOpens();
        _assertReentryFailedWith(
            abi.encodeWithSelector(IChannelManager.ChannelAlreadyExists.selector, address(attacker), receiver, openBlock)
        );
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "one deposit");
    }

    function test_closingFromInsideTheDepositPullStaysConsistent() public {
        // The channel is recorded before its deposit is pulled, so a re-entrant close can start
        // on it; the deposit still arrives in the same transaction, and the books balance.
        uint64 openBlock = uint64(block.number);
        attacker.arm(address(manager), abi.encodeCall(IChannelManager.uncooperativeClose, (receiver, openBlock, 0)));
        _attackerOpens();
        assertTrue(attacker.reentrySucceeded(), "uncooperative close went through");
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "deposit arrived");

        vm.warp(block.timestamp + CHALLENGE + 1);
        attacker.execute(address(manager), abi.encodeCall(IChannelManager.settle, (receiver, openBlock)));
        assertEq(token.balanceOf(address(attacker)), 1_000 ether, "sender whole again");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_topUpFromInsideATopUpAddsBoth() public {
        uint64 openBlock = _attackerOpens();
        attacker.arm(address(manager), abi.encodeCall(IChannelManager.topUp, (receiver, openBlock, 5)));
        attacker.execute(address(manager), abi.encodeCall(IChannelManager.topUp, (receiver, openBlock, 7)));
        assertTrue(attacker.reentrySucceeded(), "a nested top-up is a top-up");
        (, uint128 deposit, , , , ) = manager.getChannelInfo(address(attacker), receiver, openBlock);
        assertEq(deposit, DEPOSIT + 12, "both counted");
        assertEq(token.balanceOf(address(manager)), DEPOSIT + 12, "both pulled");
    }
}
