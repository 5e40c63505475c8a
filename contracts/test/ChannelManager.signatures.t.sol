// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {ChannelTestBase} from "./ChannelTestBase.sol";

/// @dev What a signature binds, and what it must not verify as: the EIP-712 encoding itself,
/// replay across channels, deployments and chains, one message type as the other, malleable and
/// malformed signatures.
contract ChannelManagerSignaturesTest is ChannelTestBase {
    uint128 internal constant DEPOSIT = 100 ether;
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    // --- The encoding ---------------------------------------------------------------------------

    function test_typeHashesAreThoseOfTheSharedTypes() public view {
        assertEq(
            manager.BALANCE_PROOF_TYPEHASH(),
            keccak256("BalanceProof(address sender,address receiver,uint64 openBlock,uint128 balance)"),
            "BalanceProof"
        );
        assertEq(
            manager.CLOSING_COMMITMENT_TYPEHASH(),
            keccak256("ClosingCommitment(address sender,address receiver,uint64 openBlock,uint128 closingBalance)"),
            "ClosingCommitment"
        );
    }

    function test_eip712DomainIsTollgateV1OnThisChainAndContract() public view {
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifying, , ) = manager
            .eip712Domain();
        assertEq(uint8(fields), 0x0f, "name, version, chainId, verifyingContract");
        assertEq(keccak256(bytes(name)), keccak256("Tollgate"), "name");
        assertEq(keccak256(bytes(version)), keccak256("1"), "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifying, address(manager), "verifying contract");
    }

    function testFuzz_digestsFollowEip712(address s, address r, uint64 openBlock, uint128 balance) public view {
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Tollgate"), keccak256("1"), block.chainid, address(manager))
        );
        bytes32 proofStruct = keccak256(abi.encode(manager.BALANCE_PROOF_TYPEHASH(), s, r, openBlock, balance));
        bytes32 closingStruct = keccak256(
            abi.encode(manager.CLOSING_COMMITMENT_TYPEHASH(), s, r, openBlock, balance)
        );
        assertEq(
            manager.balanceProofDigest(s, r, openBlock, balance),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, proofStruct)),
            "balance proof digest"
        );
        assertEq(
            manager.closingCommitmentDigest(s, r, openBlock, balance),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, closingStruct)),
            "closing commitment digest"
        );
    }

    // --- Replay ---------------------------------------------------------------------------------

    function test_proofIsBoundToItsChannel() public {
        uint64 first = _open(DEPOSIT);
        _nextBlock();
        uint64 second = _open(DEPOSIT);
        bytes memory forFirst = _proof(first, 30);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, second, 30, forFirst);
        _withdraw(first, 30, forFirst);
        assertEq(_withdrawn(second), 0, "second untouched");
    }

    function test_proofIsBoundToItsDeployment() public {
        ChannelManager twin = new ChannelManager(IERC20(address(token)), CHALLENGE);
        vm.prank(sender);
        token.approve(address(twin), type(uint256).max);
        // Same sender, receiver and open block on both managers.
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(sender);
        twin.createChannel(receiver, address(0), DEPOSIT);

        bytes memory forManager = _proof(openBlock, 30);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        twin.withdraw(sender, openBlock, 30, forManager);

        bytes memory closingForManager = _closing(openBlock, 30);
        bytes memory proofForTwin = _sign(SENDER_PK, twin.balanceProofDigest(sender, receiver, openBlock, 30));
        vm.expectPartialRevert(IChannelManager.ChannelInvalidClosingCommitment.selector);
        twin.cooperativeClose(sender, receiver, openBlock, 30, proofForTwin, closingForManager);
    }

    function test_proofIsBoundToItsChain() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory here = _proof(openBlock, 30);
        uint256 home = block.chainid;

        vm.chainId(home + 1); // the same contract seen from a fork with another chain id
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, 30, here);
        bytes memory there = _proof(openBlock, 40); // the digest view follows the chain id

        vm.chainId(home);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, 40, there);
        _withdraw(openBlock, 30, here);
    }

    // --- One type as the other ------------------------------------------------------------------

    function test_closingCommitmentIsNotABalanceProof() public {
        uint64 openBlock = _open(DEPOSIT);
        // Even signed by the sender, over exactly the same four values.
        bytes memory senderClosing = _closingSig(SENDER_PK, sender, receiver, openBlock, 30);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, 30, senderClosing);

        bytes memory receiverClosing = _closing(openBlock, 30);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 30, senderClosing, receiverClosing);
    }

    function test_balanceProofIsNotAClosingCommitment() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory proof = _proof(openBlock, 30);
        // The receiver signing a BalanceProof does not agree to close.
        bytes memory receiverProof = _balanceSig(RECEIVER_PK, sender, receiver, openBlock, 30);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidClosingCommitment.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, receiverProof);
        // Nor can the sender's proof stand in for both.
        vm.expectPartialRevert(IChannelManager.ChannelInvalidClosingCommitment.selector);
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, proof);
    }

    // --- Who signed -----------------------------------------------------------------------------

    function test_proofBySomeoneElseIsRejectedWithTheSigner() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes memory foreign = _balanceSig(OTHER_PK, sender, receiver, openBlock, 30);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, other));
        manager.withdraw(sender, openBlock, 30, foreign);
        // A receiver cannot pay itself.
        bytes memory own = _balanceSig(RECEIVER_PK, sender, receiver, openBlock, 30);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, receiver));
        manager.withdraw(sender, openBlock, 30, own);
    }

    // --- Malleable and malformed ----------------------------------------------------------------

    function test_highSTwinOfAValidSignatureIsRejected() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes32 digest = manager.balanceProofDigest(sender, receiver, openBlock, 30);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SENDER_PK, digest);
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        // The twin is a real signature by the sender as far as ecrecover goes...
        assertEq(ecrecover(digest, flippedV, r, highS), sender, "malleable twin recovers the sender");
        // ...and the manager refuses it, for proofs and for closing commitments.
        bytes memory twin = abi.encodePacked(r, highS, flippedV);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, address(0)));
        manager.withdraw(sender, openBlock, 30, twin);

        bytes32 closingDigest = manager.closingCommitmentDigest(sender, receiver, openBlock, 30);
        (v, r, s) = vm.sign(RECEIVER_PK, closingDigest);
        bytes memory closingTwin = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? 28 : 27);
        bytes memory proof = _proof(openBlock, 30);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClosingCommitment.selector, address(0)));
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, closingTwin);

        // The canonical form works.
        _withdraw(openBlock, 30, proof);
    }

    function test_malformedSignaturesAreRejected() public {
        uint64 openBlock = _open(DEPOSIT);
        bytes32 digest = manager.balanceProofDigest(sender, receiver, openBlock, 30);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SENDER_PK, digest);
        bytes[] memory bad = new bytes[](8);
        bad[0] = "";
        bad[1] = new bytes(65); // all zero: v = 0
        bad[2] = new bytes(64);
        bad[3] = abi.encodePacked(r, bytes32(uint256(s) | (uint256(v - 27) << 255))); // EIP-2098 compact form
        bad[4] = abi.encodePacked(r, s, v, uint8(0)); // 66 bytes
        bad[5] = abi.encodePacked(r, s, v - 27); // v as 0/1
        bad[6] = abi.encodePacked(bytes32(0), s, v); // r = 0: ecrecover yields address(0)
        bad[7] = abi.encodePacked(r, s, uint8(29));
        for (uint256 i; i < bad.length; i++) {
            vm.prank(receiver);
            vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidBalanceProof.selector, address(0)));
            manager.withdraw(sender, openBlock, 30, bad[i]);
        }
        bytes memory proof = _proof(openBlock, 30);
        bytes memory zeros = new bytes(65);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClosingCommitment.selector, address(0)));
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, zeros);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClosingCommitment.selector, address(0)));
        manager.cooperativeClose(sender, receiver, openBlock, 30, proof, "");
    }

    function testFuzz_randomSignaturesNeverPay(bytes32 r, bytes32 s, uint8 v, uint128 balance) public {
        balance = uint128(bound(balance, 1, DEPOSIT));
        uint64 openBlock = _open(DEPOSIT);
        vm.prank(receiver);
        vm.expectPartialRevert(IChannelManager.ChannelInvalidBalanceProof.selector);
        manager.withdraw(sender, openBlock, balance, abi.encodePacked(r, s, v));
        assertEq(token.balanceOf(receiver), 0, "nothing paid");
    }
}
