// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {IChannelManager} from "../interfaces/IChannelManager.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {ReentrantToken, ReentrancyAttacker} from "../mocks/ReentrantToken.sol";
import {ChannelTestBase} from "./ChannelTestBase.sol";
import {TestBase} from "./Vm.sol";

/// @dev A close pays two parties; a token that refuses one of them (a blocklist, as USDC and USDT
/// have) must not freeze the other's money. The refused payout becomes claimable by its owner, to
/// any address it names.
contract ChannelManagerPayoutsTest is ChannelTestBase {
    uint128 internal constant DEPOSIT = 100 ether;
    uint128 internal constant BALANCE = 55 ether;
    address internal constant ELSEWHERE = address(0xE15E);

    BlocklistToken internal blocklist;

    function _newToken() internal override returns (MockERC20) {
        blocklist = new BlocklistToken(); // owned by this test
        return blocklist;
    }

    function _block(address account) internal {
        blocklist.setBlocklisted(account, true);
    }

    function _unblock(address account) internal {
        blocklist.setBlocklisted(account, false);
    }

    function _cooperativeClose(uint64 openBlock, uint128 balance) internal {
        bytes memory proof = _proof(openBlock, balance);
        bytes memory closing = _closing(openBlock, balance);
        vm.prank(other);
        manager.cooperativeClose(sender, receiver, openBlock, balance, proof, closing);
    }

    function _uncooperativeCloseAndSettle(uint64 openBlock, uint128 balance) internal {
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, balance);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(receiver, openBlock);
    }

    function _assertGone(uint64 openBlock) internal {
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNotFound.selector, sender, receiver, openBlock));
        manager.getChannelInfo(sender, receiver, openBlock);
    }

    // --- a blocklisted sender ------------------------------------------------------------------

    function test_blocklistedSenderCooperativeClosePaysTheReceiverInFull() public {
        uint64 openBlock = _open(DEPOSIT);
        _withdraw(openBlock, 10 ether, _proof(openBlock, 10 ether));
        uint256 senderBefore = token.balanceOf(sender);
        _block(sender);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(
            sender,
            receiver,
            openBlock,
            BALANCE,
            BALANCE - 10 ether,
            DEPOSIT - BALANCE
        );
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelPayoutDeferred(sender, receiver, openBlock, sender, DEPOSIT - BALANCE);
        _cooperativeClose(openBlock, BALANCE);

        assertEq(token.balanceOf(receiver), BALANCE, "receiver paid in full");
        assertEq(token.balanceOf(sender), senderBefore, "sender's refund not transferred");
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "sender's refund claimable");
        assertEq(manager.claimable(receiver), 0, "nothing deferred for the receiver");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - BALANCE, "manager holds the claimable");
        _assertGone(openBlock);
    }

    function test_blocklistedSenderSettlePaysTheReceiverInFull() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender); // blocklisted before its own uncooperative close: the manager does not care
        vm.prank(sender);
        manager.uncooperativeClose(receiver, openBlock, BALANCE);
        vm.warp(block.timestamp + CHALLENGE + 1);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(sender, receiver, openBlock, BALANCE, BALANCE, DEPOSIT - BALANCE);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelPayoutDeferred(sender, receiver, openBlock, sender, DEPOSIT - BALANCE);
        vm.prank(sender);
        manager.settle(receiver, openBlock);

        assertEq(token.balanceOf(receiver), BALANCE, "receiver paid in full");
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "sender's refund claimable");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - BALANCE, "held");
        _assertGone(openBlock);
    }

    function test_blocklistedSenderClaimsToAnotherAddress() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelPayoutClaimed(sender, ELSEWHERE, DEPOSIT - BALANCE);
        vm.prank(sender);
        uint256 claimed = manager.claimPayout(ELSEWHERE);

        assertEq(claimed, DEPOSIT - BALANCE, "returned amount");
        assertEq(token.balanceOf(ELSEWHERE), DEPOSIT - BALANCE, "paid where the sender said");
        assertEq(manager.claimable(sender), 0, "claimed");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_claimToABlocklistedAddressRevertsAndKeepsTheBalance() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);

        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.BlocklistTokenBlocked.selector, sender));
        manager.claimPayout(sender);
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "still claimable");

        // Once the token pays the sender again, it can claim to itself.
        _unblock(sender);
        uint256 before = token.balanceOf(sender);
        vm.prank(sender);
        manager.claimPayout(sender);
        assertEq(token.balanceOf(sender), before + DEPOSIT - BALANCE, "claimed to itself");
    }

    // --- a blocklisted receiver ----------------------------------------------------------------

    function test_blocklistedReceiverCooperativeCloseRefundsTheSender() public {
        uint64 openBlock = _open(DEPOSIT);
        uint256 senderBefore = token.balanceOf(sender);
        _block(receiver);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelSettled(sender, receiver, openBlock, BALANCE, BALANCE, DEPOSIT - BALANCE);
        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelPayoutDeferred(sender, receiver, openBlock, receiver, BALANCE);
        _cooperativeClose(openBlock, BALANCE);

        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT - BALANCE, "sender refunded");
        assertEq(token.balanceOf(receiver), 0, "receiver not paid");
        assertEq(manager.claimable(receiver), BALANCE, "receiver's earnings claimable");
        assertEq(manager.claimable(sender), 0, "nothing deferred for the sender");

        vm.prank(receiver);
        manager.claimPayout(ELSEWHERE);
        assertEq(token.balanceOf(ELSEWHERE), BALANCE, "receiver claimed elsewhere");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_blocklistedReceiverSettleRefundsTheSender() public {
        uint64 openBlock = _open(DEPOSIT);
        uint256 senderBefore = token.balanceOf(sender);
        _block(receiver);
        _uncooperativeCloseAndSettle(openBlock, BALANCE);

        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT - BALANCE, "sender refunded");
        assertEq(manager.claimable(receiver), BALANCE, "receiver's earnings claimable");
        assertEq(token.balanceOf(address(manager)), BALANCE, "held");
    }

    function test_bothBlocklistedBothClaimLater() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _block(receiver);
        _cooperativeClose(openBlock, BALANCE);

        assertEq(manager.claimable(receiver), BALANCE, "receiver");
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "sender");
        assertEq(token.balanceOf(address(manager)), DEPOSIT, "everything held");

        vm.prank(receiver);
        manager.claimPayout(ELSEWHERE);
        vm.prank(sender);
        manager.claimPayout(ELSEWHERE);
        assertEq(token.balanceOf(ELSEWHERE), DEPOSIT, "both claimed");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_deferredPayoutsOfSeveralChannelsAddUp() public {
        _block(receiver);
        uint64 first = _open(DEPOSIT);
        _cooperativeClose(first, 30 ether);
        _nextBlock();
        uint64 second = _open(DEPOSIT);
        _uncooperativeCloseAndSettle(second, 20 ether);
        assertEq(manager.claimable(receiver), 50 ether, "both channels");

        vm.prank(receiver);
        assertEq(manager.claimPayout(ELSEWHERE), 50 ether, "one claim takes all");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_withdrawToABlocklistedReceiverStillReverts() public {
        // withdraw pays only its caller: nobody else's money waits on it, so nothing is deferred.
        uint64 openBlock = _open(DEPOSIT);
        _block(receiver);
        bytes memory proof = _proof(openBlock, 10 ether);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.BlocklistTokenBlocked.selector, receiver));
        manager.withdraw(sender, openBlock, 10 ether, proof);
        assertEq(_withdrawn(openBlock), 0, "unchanged");
        assertEq(manager.claimable(receiver), 0, "nothing deferred");
    }

    // --- claims that must fail -----------------------------------------------------------------

    function test_claimByAStrangerReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToClaim.selector, other));
        manager.claimPayout(other);
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "untouched");
    }

    function test_claimTwiceReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);
        vm.prank(sender);
        manager.claimPayout(ELSEWHERE);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToClaim.selector, sender));
        manager.claimPayout(ELSEWHERE);
        assertEq(token.balanceOf(ELSEWHERE), DEPOSIT - BALANCE, "paid once");
    }

    function test_claimWithNothingDeferredReverts() public {
        // The receiver was paid by the close: it has nothing to claim, even though the sender has.
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelNothingToClaim.selector, receiver));
        manager.claimPayout(receiver);
    }

    function test_claimToZeroOrToTheManagerReverts() public {
        uint64 openBlock = _open(DEPOSIT);
        _block(sender);
        _cooperativeClose(openBlock, BALANCE);
        vm.prank(sender);
        vm.expectRevert(abi.encodeWithSelector(IChannelManager.ChannelInvalidClaimRecipient.selector, address(0)));
        manager.claimPayout(address(0));
        vm.prank(sender);
        vm.expectRevert(
            abi.encodeWithSelector(IChannelManager.ChannelInvalidClaimRecipient.selector, address(manager))
        );
        manager.claimPayout(address(manager));
        assertEq(manager.claimable(sender), DEPOSIT - BALANCE, "untouched");
    }

    // --- whatever is refused, nothing is lost ----------------------------------------------------

    /// Every close, with either, both or neither party blocklisted: each party gets its share either
    /// as tokens or as a claimable balance, never both, never neither, and the manager holds exactly
    /// the claimable balances.
    function testFuzz_aRefusedPayoutNeverCostsTheOtherParty(
        uint128 deposit,
        uint128 withdrawn,
        uint128 balance,
        uint8 blocked,
        bool settleIt
    ) public {
        deposit = uint128(bound(deposit, 1, 1_000_000 ether));
        withdrawn = uint128(bound(withdrawn, 0, deposit));
        balance = uint128(bound(balance, withdrawn, deposit));
        bool senderBlocked = blocked & 1 != 0;
        bool receiverBlocked = blocked & 2 != 0;

        uint64 openBlock = _open(deposit);
        if (withdrawn != 0) _withdraw(openBlock, withdrawn, _proof(openBlock, withdrawn));
        uint256 senderBefore = token.balanceOf(sender);
        uint256 receiverBefore = token.balanceOf(receiver);
        if (senderBlocked) _block(sender);
        if (receiverBlocked) _block(receiver);
        if (settleIt) _uncooperativeCloseAndSettle(openBlock, balance);
        else _cooperativeClose(openBlock, balance);

        uint256 receiverPaid = token.balanceOf(receiver) - receiverBefore;
        uint256 senderPaid = token.balanceOf(sender) - senderBefore;
        assertEq(receiverPaid + manager.claimable(receiver), balance - withdrawn, "receiver's share");
        assertEq(senderPaid + manager.claimable(sender), deposit - balance, "sender's share");
        if (receiverBlocked) assertEq(receiverPaid, 0, "blocked receiver got no tokens");
        else assertEq(manager.claimable(receiver), 0, "payable receiver was paid");
        if (senderBlocked) assertEq(senderPaid, 0, "blocked sender got no tokens");
        else assertEq(manager.claimable(sender), 0, "payable sender was paid");
        assertEq(
            token.balanceOf(address(manager)),
            manager.claimable(sender) + manager.claimable(receiver),
            "manager holds exactly the claimable"
        );
    }
}

/// @dev Refusals by the recipient itself, through a token that calls it on every transfer (ERC-777
/// style): a hook that reverts, one that burns all the gas it gets (EIP-150 leaves the caller 1/64),
/// and re-entry into the claim.
contract ChannelManagerHostileRecipientTest is TestBase {
    uint64 internal constant CHALLENGE = 1 days;
    uint128 internal constant DEPOSIT = 100 ether;
    uint128 internal constant BALANCE = 55 ether;
    uint256 internal constant SENDER_PK = 0x5E4D;
    uint256 internal constant DELEGATE_PK = 0xDE1E;
    address internal constant ELSEWHERE = address(0xE15E);

    ReentrantToken internal token;
    ChannelManager internal manager;
    ReentrancyAttacker internal party; // a contract receiver (or sender) with a transfer hook
    address internal sender;
    address internal delegate;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(100);
        sender = vm.addr(SENDER_PK);
        delegate = vm.addr(DELEGATE_PK);
        token = new ReentrantToken();
        manager = new ChannelManager(IERC20(address(token)), CHALLENGE);
        party = new ReentrancyAttacker();
        party.execute(address(token), abi.encodeCall(ReentrantToken.setHooked, (true)));
        token.mint(sender, 1_000 ether);
        vm.prank(sender);
        token.approve(address(manager), type(uint256).max);
        token.mint(address(party), 1_000 ether);
        party.execute(address(token), abi.encodeCall(IERC20.approve, (address(manager), type(uint256).max)));
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev A channel from `sender` to the contract party. A contract cannot sign the closing
    /// commitment (the manager takes ECDSA signatures), so such a channel closes by the sender's
    /// uncooperative close and settle.
    function _channelToParty() internal returns (uint64 openBlock) {
        vm.prank(sender);
        openBlock = manager.createChannel(address(party), address(0), DEPOSIT);
    }

    /// @dev A channel from the party (a contract, so its proofs come from its delegate) to `sender`
    /// acting as receiver, closed cooperatively; the party's refund is the transfer it refuses.
    function _cooperativeCloseFromParty() internal returns (uint64 openBlock, bytes memory closeCall) {
        bytes memory ret = party.execute(
            address(manager),
            abi.encodeCall(IChannelManager.createChannel, (sender, delegate, DEPOSIT))
        );
        openBlock = abi.decode(ret, (uint64));
        address s = address(party);
        bytes memory proof = _sign(DELEGATE_PK, manager.balanceProofDigest(s, sender, openBlock, BALANCE));
        bytes memory closing = _sign(SENDER_PK, manager.closingCommitmentDigest(s, sender, openBlock, BALANCE));
        closeCall = abi.encodeCall(IChannelManager.cooperativeClose, (s, sender, openBlock, BALANCE, proof, closing));
    }

    function test_aRecipientWhoseHookRevertsHasItsPayoutDeferred() public {
        uint64 openBlock = _channelToParty();
        party.setRefusal(ReentrancyAttacker.Refusal.Revert);
        vm.prank(sender);
        manager.uncooperativeClose(address(party), openBlock, BALANCE);
        vm.warp(block.timestamp + CHALLENGE + 1);
        uint256 senderBefore = token.balanceOf(sender);

        vm.expectEmit(true, true, true, true);
        emit IChannelManager.ChannelPayoutDeferred(sender, address(party), openBlock, address(party), BALANCE);
        vm.prank(sender);
        manager.settle(address(party), openBlock);

        assertEq(token.balanceOf(sender), senderBefore + DEPOSIT - BALANCE, "sender refunded");
        assertEq(manager.claimable(address(party)), BALANCE, "receiver's earnings claimable");

        // It refuses tokens at its own address; it claims them elsewhere.
        party.execute(address(manager), abi.encodeCall(IChannelManager.claimPayout, (ELSEWHERE)));
        assertEq(token.balanceOf(ELSEWHERE), BALANCE, "claimed elsewhere");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_aRecipientThatBurnsAllGasCannotBlockTheClose() public {
        (uint64 openBlock, bytes memory closeCall) = _cooperativeCloseFromParty();
        party.setRefusal(ReentrancyAttacker.Refusal.BurnGas);
        uint256 receiverBefore = token.balanceOf(sender); // `sender` is this channel's receiver

        // Too little gas: the 1/64 left after the hook cannot finish, and the close reverts whole.
        (bool ok, ) = address(manager).call{gas: 300_000}(closeCall);
        assertTrue(!ok, "reverts whole with too little gas");
        (, uint128 deposit, , , , ) = manager.getChannelInfo(address(party), sender, openBlock);
        assertEq(deposit, DEPOSIT, "still live");

        // Enough gas: the hook takes 63/64 of it, the remaining 1/64 completes the close.
        (ok, ) = address(manager).call{gas: 10_000_000}(closeCall);
        assertTrue(ok, "the close went through");
        assertEq(token.balanceOf(sender), receiverBefore + BALANCE, "receiver paid");
        assertEq(manager.claimable(address(party)), DEPOSIT - BALANCE, "the burner's refund is claimable");
        assertEq(token.balanceOf(address(manager)), DEPOSIT - BALANCE, "held");
    }

    function test_claimCannotBeRepeatedFromItsOwnTransfer() public {
        uint64 openBlock = _channelToParty();
        party.setRefusal(ReentrancyAttacker.Refusal.Revert);
        vm.prank(sender);
        manager.uncooperativeClose(address(party), openBlock, BALANCE);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(address(party), openBlock);
        party.setRefusal(ReentrancyAttacker.Refusal.None);

        bytes memory claimCall = abi.encodeCall(IChannelManager.claimPayout, (address(party)));
        party.arm(address(manager), claimCall);
        party.execute(address(manager), claimCall);

        assertTrue(party.reentered(), "the hook ran");
        assertTrue(!party.reentrySucceeded(), "re-entrant claim must fail");
        assertEq(
            keccak256(party.reentryResult()),
            keccak256(abi.encodeWithSelector(IChannelManager.ChannelNothingToClaim.selector, address(party))),
            "re-entrant claim's error"
        );
        assertEq(token.balanceOf(address(party)), 1_000 ether + BALANCE, "paid once");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }

    function test_claimFromInsideALaterPayoutTakesOnlyWhatWasOwed() public {
        // A first channel leaves the party 55 claimable; the second one's payout to it goes through,
        // and from inside that transfer it claims: it ends with 55 + 40, and the books are empty.
        uint64 first = _channelToParty();
        party.setRefusal(ReentrancyAttacker.Refusal.Revert);
        vm.prank(sender);
        manager.uncooperativeClose(address(party), first, BALANCE);
        vm.warp(block.timestamp + CHALLENGE + 1);
        vm.prank(sender);
        manager.settle(address(party), first);
        party.setRefusal(ReentrancyAttacker.Refusal.None);

        vm.roll(block.number + 1);
        uint64 second = _channelToParty();
        vm.prank(sender);
        manager.uncooperativeClose(address(party), second, 40 ether);
        vm.warp(block.timestamp + CHALLENGE + 1);
        party.arm(address(manager), abi.encodeCall(IChannelManager.claimPayout, (address(party))));
        vm.prank(sender);
        manager.settle(address(party), second);

        assertTrue(party.reentrySucceeded(), "a claim of what was owed is legitimate");
        assertEq(token.balanceOf(address(party)), 1_000 ether + BALANCE + 40 ether, "both, once");
        assertEq(manager.claimable(address(party)), 0, "nothing left");
        assertEq(token.balanceOf(address(manager)), 0, "empty");
    }
}
