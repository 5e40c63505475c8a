// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {TestBase} from "./Vm.sol";

/// @dev Shared fixture: a MockERC20 (mintable, with the ERC-223 transfer), a manager, and four
/// keyed accounts. Signatures come from `vm.sign` over the manager's digest views, whose
/// correctness is itself checked against an independent computation (see the signature tests).
abstract contract ChannelTestBase is TestBase {
    uint64 internal constant CHALLENGE = 1 days;
    uint256 internal constant SENDER_PK = 0x5E4D;
    uint256 internal constant RECEIVER_PK = 0x2EC1;
    uint256 internal constant DELEGATE_PK = 0xDE1E;
    uint256 internal constant OTHER_PK = 0x07E2;
    /// secp256k1 group order: s' = N - s is the malleable twin of a signature.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    address internal sender;
    address internal receiver;
    address internal delegate;
    address internal other;

    MockERC20 internal token;
    ChannelManager internal manager;

    function setUp() public virtual {
        sender = vm.addr(SENDER_PK);
        receiver = vm.addr(RECEIVER_PK);
        delegate = vm.addr(DELEGATE_PK);
        other = vm.addr(OTHER_PK);
        vm.warp(1_700_000_000);
        vm.roll(100);

        token = _newToken();
        manager = new ChannelManager(IERC20(address(token)), CHALLENGE);
        _fund(sender, 1_000_000 ether);
        _fund(other, 1_000_000 ether);
    }

    /// @dev The channel token; a suite may use a MockERC20 that misbehaves (e.g. BlocklistToken).
    function _newToken() internal virtual returns (MockERC20) {
        return new MockERC20();
    }

    function _fund(address account, uint256 amount) internal {
        token.mint(account, amount);
        vm.prank(account);
        token.approve(address(manager), type(uint256).max);
    }

    function _open(uint128 deposit) internal returns (uint64) {
        vm.prank(sender);
        return manager.createChannel(receiver, address(0), deposit);
    }

    function _openWithDelegate(uint128 deposit) internal returns (uint64) {
        vm.prank(sender);
        return manager.createChannel(receiver, delegate, deposit);
    }

    /// @dev Moves to the next block, so the same pair can open another channel.
    function _nextBlock() internal {
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function _balanceSig(
        uint256 pk,
        address s,
        address r,
        uint64 openBlock,
        uint128 balance
    ) internal view returns (bytes memory) {
        return _sign(pk, manager.balanceProofDigest(s, r, openBlock, balance));
    }

    function _closingSig(
        uint256 pk,
        address s,
        address r,
        uint64 openBlock,
        uint128 balance
    ) internal view returns (bytes memory) {
        return _sign(pk, manager.closingCommitmentDigest(s, r, openBlock, balance));
    }

    /// @dev The sender's proof for the standard (sender, receiver) channel.
    function _proof(uint64 openBlock, uint128 balance) internal view returns (bytes memory) {
        return _balanceSig(SENDER_PK, sender, receiver, openBlock, balance);
    }

    /// @dev The receiver's closing commitment for the standard channel.
    function _closing(uint64 openBlock, uint128 balance) internal view returns (bytes memory) {
        return _closingSig(RECEIVER_PK, sender, receiver, openBlock, balance);
    }

    function _withdraw(uint64 openBlock, uint128 balance, bytes memory sig) internal {
        vm.prank(receiver);
        manager.withdraw(sender, openBlock, balance, sig);
    }

    function _deposit(uint64 openBlock) internal view returns (uint128 deposit) {
        (, deposit, , , , ) = manager.getChannelInfo(sender, receiver, openBlock);
    }

    function _withdrawn(uint64 openBlock) internal view returns (uint128 withdrawn) {
        (, , withdrawn, , , ) = manager.getChannelInfo(sender, receiver, openBlock);
    }
}
