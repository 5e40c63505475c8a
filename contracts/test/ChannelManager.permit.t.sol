// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {TollgateToken} from "../TollgateToken.sol";
import {TestBase} from "./Vm.sol";

/// @dev createChannelWithPermit: one transaction with an EIP-2612 permit, robust to a front-run
/// permit, and failing cleanly on a bad or expired one.
contract ChannelManagerPermitTest is TestBase {
    uint64 internal constant CHALLENGE = 1 days;
    uint128 internal constant DEPOSIT = 100 ether;
    uint256 internal constant SENDER_PK = 0x5E4D;
    uint256 internal constant OTHER_PK = 0x07E2;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    TollgateToken internal token;
    ChannelManager internal manager;
    address internal sender;
    address internal receiver = address(0x2EC1);
    address internal other;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(100);
        sender = vm.addr(SENDER_PK);
        other = vm.addr(OTHER_PK);
        token = new TollgateToken();
        manager = new ChannelManager(IERC20(address(token)), CHALLENGE);
        vm.prank(sender);
        token.faucet(1_000 ether);
    }

    function _permit(
        uint256 pk,
        uint256 value,
        uint256 deadline
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, sender, address(manager), value, token.nonces(sender), deadline)
        );
        return vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_opensInOneTransaction() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT, deadline);
        vm.prank(sender);
        uint64 openBlock = manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
        (, uint128 deposit, , , , ) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(deposit, DEPOSIT, "deposit");
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "pulled");
        assertEq(token.allowance(sender, address(manager)), 0, "allowance used exactly");
        assertEq(token.nonces(sender), 1, "nonce used");
    }

    function test_frontRunPermitDoesNotBlockTheOpen() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT, deadline);
        // Someone copies the permit from the mempool and submits it first.
        vm.prank(other);
        token.permit(sender, address(manager), DEPOSIT, deadline, v, r, s);
        vm.prank(sender);
        uint64 openBlock = manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
        (, uint128 deposit, , , , ) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(deposit, DEPOSIT, "opened anyway");
    }

    function test_badPermitSignatureReverts() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(OTHER_PK, DEPOSIT, deadline);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelPermitFailed.selector, 0, DEPOSIT));
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
    }

    function test_permitForAnotherAmountReverts() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT - 1, deadline);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelPermitFailed.selector, 0, DEPOSIT));
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
    }

    function test_expiredPermitReverts() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT, deadline);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelPermitFailed.selector, 0, DEPOSIT));
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
    }

    function test_permitCannotBeUsedTwice() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT, deadline);
        vm.prank(sender);
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
        vm.roll(block.number + 1);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelPermitFailed.selector, 0, DEPOSIT));
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
    }

    function test_anotherAccountCannotOpenWithTheSendersPermit() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(SENDER_PK, DEPOSIT, deadline);
        // The permit is checked for msg.sender as owner: for `other` it does not verify.
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelPermitFailed.selector, 0, DEPOSIT));
        manager.createChannelWithPermit(receiver, address(0), DEPOSIT, deadline, v, r, s);
    }

    function test_failedPermitWithEnoughAllowanceProceeds() public {
        vm.prank(sender);
        token.approve(address(manager), DEPOSIT);
        vm.prank(sender);
        uint64 openBlock = manager.createChannelWithPermit(receiver, address(0), DEPOSIT, 0, 0, 0, 0);
        (, uint128 deposit, , , , ) = manager.getChannelInfo(sender, receiver, openBlock);
        assertEq(deposit, DEPOSIT, "opened with the existing allowance");
    }
}
