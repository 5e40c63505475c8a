// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ChannelManager} from "../ChannelManager.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {TestBase} from "./Vm.sol";

/// @dev Drives the manager with random but meaningful actions (opens by approve or ERC-223, with
/// or without a delegate, top-ups, withdrawals, the three closes, time passing, the token
/// blocklisting or releasing a party, claims of deferred payouts) plus attacks that must fail, and
/// keeps ghost books to compare with the chain:
/// - `closedMismatches`: closed channels whose receiver and sender did not get exactly the deposit,
///   each either in tokens (if the token would pay it) or as a claimable balance (if not);
/// - `ghostClaimable`: what each party should be able to claim;
/// - `violations`: a valid action that reverted or an attack that went through.
/// Every action pins block number and time to its own monotonic clock, so the outcome does not
/// depend on how the runner treats cheatcode state between calls.
contract ChannelHandler is TestBase {
    uint64 internal constant CHALLENGE = 1 hours;
    uint256 internal constant PARTIES = 3;

    struct Live {
        uint8 senderIndex;
        uint8 receiverIndex;
        bool hasDelegate;
        uint64 openBlock;
        uint128 deposit; // ghost
        uint128 withdrawn; // ghost
        uint128 paid; // ghost: everything paid out so far (withdrawals)
    }

    ChannelManager public immutable manager;
    BlocklistToken public immutable token; // owned by this handler

    uint256[PARTIES] internal senderKeys;
    uint256[PARTIES] internal receiverKeys;
    uint256[PARTIES] internal delegateKeys;

    Live[] internal live;
    uint256 public blockNow = 1_000;
    uint256 public timeNow = 1_700_000_000;

    uint256 public opened;
    uint256 public closed;
    uint256 public closedMismatches;
    uint256 public deferred; // payouts that became claimable (a measure of coverage)
    uint256 public claimed;
    mapping(address account => uint256) public ghostClaimable;
    uint256 public violations;
    string public lastViolation;

    constructor(ChannelManager manager_, BlocklistToken token_) {
        manager = manager_;
        token = token_;
        for (uint256 i; i < PARTIES; i++) {
            senderKeys[i] = 0x5E4D00 + i;
            receiverKeys[i] = 0x2EC100 + i;
            delegateKeys[i] = 0xDE1E00 + i;
            address s = vm.addr(senderKeys[i]);
            token.mint(s, 1e30);
            vm.prank(s);
            token.approve(address(manager), type(uint256).max);
        }
    }

    // --- views for the invariants ---------------------------------------------------------------

    function liveCount() external view returns (uint256) {
        return live.length;
    }

    function liveChannel(uint256 i) external view returns (address, address, uint64, uint128, uint128) {
        Live storage c = live[i];
        return (_sender(c), _receiver(c), c.openBlock, c.deposit, c.withdrawn);
    }

    /// Every account that can be owed a payout: senders first, then receivers.
    function partyCount() external pure returns (uint256) {
        return 2 * PARTIES;
    }

    function party(uint256 i) public view returns (address) {
        return i < PARTIES ? vm.addr(senderKeys[i]) : vm.addr(receiverKeys[i - PARTIES]);
    }

    // --- actions --------------------------------------------------------------------------------

    function open(uint256 senderSeed, uint256 receiverSeed, uint256 amount, bool withDelegate, bool viaFallback)
        external
    {
        _tick(1, 12);
        Live memory c;
        c.senderIndex = uint8(senderSeed % PARTIES);
        c.receiverIndex = uint8(receiverSeed % PARTIES);
        c.hasDelegate = withDelegate;
        c.openBlock = uint64(blockNow);
        c.deposit = uint128(bound(amount, 1, 1e24));
        address s = vm.addr(senderKeys[c.senderIndex]);
        address r = vm.addr(receiverKeys[c.receiverIndex]);
        address d = withDelegate ? vm.addr(delegateKeys[c.senderIndex]) : address(0);
        if (token.blocklisted(s)) return; // the token refuses the deposit; nothing to check here

        vm.prank(s);
        bool ok;
        if (viaFallback) {
            bytes memory data = withDelegate ? abi.encodePacked(r, d) : abi.encodePacked(r);
            try token.transfer(address(manager), c.deposit, data) returns (bool) {
                ok = true;
            } catch {}
        } else {
            try manager.createChannel(r, d, c.deposit) returns (uint64) {
                ok = true;
            } catch {}
        }
        if (!ok) return _violation("open reverted");
        live.push(c);
        opened++;
    }

    function topUp(uint256 index, uint256 amount, bool viaFallback) external {
        if (live.length == 0) return;
        _tick(1, 12);
        Live storage c = live[index % live.length];
        if (_closing(c) || token.blocklisted(_sender(c))) return;
        uint128 added = uint128(bound(amount, 1, 1e24));
        vm.prank(_sender(c));
        bool ok;
        if (viaFallback) {
            try token.transfer(address(manager), added, abi.encodePacked(_receiver(c), c.openBlock)) returns (bool) {
                ok = true;
            } catch {}
        } else {
            try manager.topUp(_receiver(c), c.openBlock, added) {
                ok = true;
            } catch {}
        }
        if (!ok) return _violation("top-up reverted");
        c.deposit += added;
    }

    function withdraw(uint256 index, uint256 balanceSeed, bool byDelegate) external {
        if (live.length == 0) return;
        _tick(0, 1);
        Live storage c = live[index % live.length];
        if (_closing(c) || c.withdrawn == c.deposit || token.blocklisted(_receiver(c))) return;
        uint128 balance = uint128(bound(balanceSeed, uint256(c.withdrawn) + 1, c.deposit));
        bytes memory sig = _proof(c, balance, byDelegate && c.hasDelegate);
        address r = _receiver(c);
        uint256 before = token.balanceOf(r);
        vm.prank(r);
        try manager.withdraw(_sender(c), c.openBlock, balance, sig) {} catch {
            return _violation("withdraw reverted");
        }
        uint256 got = token.balanceOf(r) - before;
        if (got != balance - c.withdrawn) _violation("withdraw paid the wrong amount");
        c.paid += uint128(got);
        c.withdrawn = balance;
    }

    function cooperativeClose(uint256 index, uint256 balanceSeed, bool byDelegate) external {
        if (live.length == 0) return;
        _tick(0, 1);
        uint256 i = index % live.length;
        Live storage c = live[i];
        uint128 balance = uint128(bound(balanceSeed, c.withdrawn, c.deposit));
        bytes memory proof = _proof(c, balance, byDelegate && c.hasDelegate);
        bytes memory closing = _sign(
            receiverKeys[c.receiverIndex],
            manager.closingCommitmentDigest(_sender(c), _receiver(c), c.openBlock, balance)
        );
        Snapshot memory before = _snapshot(c);
        try manager.cooperativeClose(_sender(c), _receiver(c), c.openBlock, balance, proof, closing) {} catch {
            return _violation("cooperative close reverted");
        }
        _closed(i, before, balance);
    }

    function uncooperativeClose(uint256 index, uint256 balanceSeed) external {
        if (live.length == 0) return;
        _tick(1, 12);
        Live storage c = live[index % live.length];
        if (_closing(c)) return;
        uint128 balance = uint128(bound(balanceSeed, c.withdrawn, c.deposit));
        vm.prank(_sender(c));
        try manager.uncooperativeClose(_receiver(c), c.openBlock, balance) {} catch {
            _violation("uncooperative close reverted");
        }
    }

    function settle(uint256 index) external {
        if (live.length == 0) return;
        uint256 i = index % live.length;
        Live storage c = live[i];
        (, , , uint128 closingBalance, uint64 settleTime, ) = manager.getChannelInfo(
            _sender(c),
            _receiver(c),
            c.openBlock
        );
        if (settleTime == 0) return;
        if (timeNow <= settleTime) timeNow = uint256(settleTime) + 1;
        _tick(1, 0);
        Snapshot memory before = _snapshot(c);
        vm.prank(_sender(c));
        try manager.settle(_receiver(c), c.openBlock) {} catch {
            return _violation("settle reverted");
        }
        _closed(i, before, closingBalance);
    }

    function passTime(uint256 seconds_) external {
        _tick(1, bound(seconds_, 1, 2 * CHALLENGE));
    }

    /// The token blocklists a party, or takes it off the list (as USDC's and USDT's owners can).
    function setBlocklisted(uint256 partySeed, bool blocked) external {
        token.setBlocklisted(party(partySeed % (2 * PARTIES)), blocked);
    }

    /// A party claims its deferred payouts, to itself, another party or an outside address. With
    /// nothing owed, or to an address the token refuses, it must fail and change nothing.
    function claim(uint256 partySeed, uint256 toSeed) external {
        _tick(0, 1);
        address account = party(partySeed % (2 * PARTIES));
        address to = toSeed % 3 == 0 ? address(uint160(0xC1A100 + (toSeed % 4))) : party(toSeed % (2 * PARTIES));
        uint256 owed = ghostClaimable[account];
        uint256 toBefore = token.balanceOf(to);
        vm.prank(account);
        try manager.claimPayout(to) returns (uint256 amount) {
            if (owed == 0) return _violation("claimed with nothing owed");
            if (token.blocklisted(to)) return _violation("claimed to a blocklisted address");
            if (amount != owed || token.balanceOf(to) - toBefore != owed) _violation("claim paid the wrong amount");
            ghostClaimable[account] = 0;
            claimed++;
        } catch {
            if (owed != 0 && !token.blocklisted(to)) _violation("claim reverted");
        }
    }

    // --- attacks: each must revert ----------------------------------------------------------------

    function attackWithdrawTooMuch(uint256 index, uint256 excess) external {
        if (live.length == 0) return;
        _tick(0, 1);
        Live storage c = live[index % live.length];
        uint128 balance = uint128(bound(excess, uint256(c.deposit) + 1, type(uint128).max));
        bytes memory sig = _proof(c, balance, false);
        vm.prank(_receiver(c));
        try manager.withdraw(_sender(c), c.openBlock, balance, sig) {
            _violation("withdrew above the deposit");
        } catch {}
    }

    function attackReplayOnAnotherChannel(uint256 from, uint256 to) external {
        if (live.length < 2) return;
        _tick(0, 1);
        Live storage a = live[from % live.length];
        Live storage b = live[to % live.length];
        if (a.openBlock == b.openBlock && a.senderIndex == b.senderIndex && a.receiverIndex == b.receiverIndex) return;
        if (_closing(b) || b.withdrawn == b.deposit) return;
        uint128 balance = b.deposit; // a balance b could pay, signed for a
        bytes memory sig = _proof(a, balance, false);
        vm.prank(_receiver(b));
        try manager.withdraw(_sender(b), b.openBlock, balance, sig) {
            _violation("proof replayed on another channel");
        } catch {}
    }

    function attackForeignSigner(uint256 index, uint256 signerSeed) external {
        if (live.length == 0) return;
        _tick(0, 1);
        Live storage c = live[index % live.length];
        if (_closing(c) || c.withdrawn == c.deposit) return;
        // Another sender's delegate or a receiver signs this channel's proof.
        uint256 pk = signerSeed % 2 == 0
            ? delegateKeys[(c.senderIndex + 1) % PARTIES]
            : receiverKeys[c.receiverIndex];
        bytes memory sig = _sign(pk, manager.balanceProofDigest(_sender(c), _receiver(c), c.openBlock, c.deposit));
        vm.prank(_receiver(c));
        try manager.withdraw(_sender(c), c.openBlock, c.deposit, sig) {
            _violation("proof by a stranger accepted");
        } catch {}
    }

    function attackSettleEarly(uint256 index) external {
        if (live.length == 0) return;
        Live storage c = live[index % live.length];
        (, , , , uint64 settleTime, ) = manager.getChannelInfo(_sender(c), _receiver(c), c.openBlock);
        if (settleTime == 0 || timeNow > settleTime) return;
        _tick(0, 0);
        vm.prank(_sender(c));
        try manager.settle(_receiver(c), c.openBlock) {
            _violation("settled during the challenge period");
        } catch {}
    }

    // --- internals ----------------------------------------------------------------------------------

    function _tick(uint256 blocks, uint256 seconds_) internal {
        blockNow += blocks;
        timeNow += seconds_;
        vm.roll(blockNow);
        vm.warp(timeNow);
    }

    function _sender(Live storage c) internal view returns (address) {
        return vm.addr(senderKeys[c.senderIndex]);
    }

    function _receiver(Live storage c) internal view returns (address) {
        return vm.addr(receiverKeys[c.receiverIndex]);
    }

    function _closing(Live storage c) internal view returns (bool) {
        (, , , , uint64 settleTime, ) = manager.getChannelInfo(_sender(c), _receiver(c), c.openBlock);
        return settleTime != 0;
    }

    struct Snapshot {
        uint256 senderTokens;
        uint256 receiverTokens;
        uint256 senderClaimable;
        uint256 receiverClaimable;
    }

    function _snapshot(Live storage c) internal view returns (Snapshot memory) {
        (address s, address r) = (_sender(c), _receiver(c));
        return Snapshot(token.balanceOf(s), token.balanceOf(r), manager.claimable(s), manager.claimable(r));
    }

    function _proof(Live storage c, uint128 balance, bool byDelegate) internal view returns (bytes memory) {
        uint256 pk = byDelegate ? delegateKeys[c.senderIndex] : senderKeys[c.senderIndex];
        return _sign(pk, manager.balanceProofDigest(_sender(c), _receiver(c), c.openBlock, balance));
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Books a closed channel: everything it ever paid must be exactly its deposit, split
    /// as `balance` to the receiver and the rest to the sender; each party's share of the close
    /// arrives in tokens if the token pays that party, else entirely as a claimable balance.
    function _closed(uint256 i, Snapshot memory before, uint128 balance) internal {
        Live storage c = live[i];
        uint256 toReceiver = _share(
            _receiver(c),
            before.receiverTokens,
            before.receiverClaimable,
            balance - c.withdrawn
        );
        uint256 toSender = _share(_sender(c), before.senderTokens, before.senderClaimable, c.deposit - balance);
        if (c.paid + toReceiver + toSender != c.deposit) closedMismatches++;
        if (c.paid + toReceiver != balance) closedMismatches++;
        closed++;
        live[i] = live[live.length - 1];
        live.pop();
    }

    /// @dev One party's share of a close: `share` in tokens, or, if the token refuses the party,
    /// as claimable balance; never part of each. Returns what the party got in either form.
    function _share(
        address account,
        uint256 tokensBefore,
        uint256 claimableBefore,
        uint256 share
    ) internal returns (uint256) {
        uint256 paid = token.balanceOf(account) - tokensBefore;
        uint256 credited = manager.claimable(account) - claimableBefore;
        bool refused = token.blocklisted(account);
        if (refused ? (paid != 0 || credited != share) : (paid != share || credited != 0)) closedMismatches++;
        if (credited != 0) deferred++;
        ghostClaimable[account] += credited;
        return paid + credited;
    }

    function _violation(string memory what) internal {
        violations++;
        lastViolation = what;
    }
}

/// @dev The manager's books, checked after random action sequences, twice: by Hardhat's invariant
/// runner over the handler, and by a plain fuzz test that replays a seeded sequence (so the
/// property is exercised even if the runner's call sequencing changes).
contract ChannelManagerInvariantTest is TestBase {
    BlocklistToken internal token;
    ChannelManager internal manager;
    ChannelHandler internal handler;

    function setUp() public {
        token = new BlocklistToken();
        manager = new ChannelManager(IERC20(address(token)), 1 hours);
        handler = new ChannelHandler(manager, token);
        token.transferOwnership(address(handler));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The manager holds exactly sum(deposit - withdrawn) over live channels + sum(claimable), each
    /// live channel's on-chain deposit and withdrawn match the ghost books, and each party's
    /// claimable balance matches what the ghost books deferred and not yet claimed.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 40
    function invariant_managerHoldsExactlyTheLiveBalances() public view {
        _checkBooks();
    }

    /// Every closed channel paid receiver and sender exactly its deposit; no valid action failed
    /// and no attack succeeded.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 40
    function invariant_closedChannelsPaidExactlyTheirDeposit() public view {
        assertEq(handler.closedMismatches(), 0, "closed channels paid out wrongly");
        assertEq(handler.violations(), 0, handler.lastViolation());
    }

    /// hardhat-config: fuzz.runs = 64
    function testFuzz_randomActionSequences(uint256 seed) public {
        for (uint256 step; step < 40; step++) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 a = r >> 128;
            uint256 b = uint128(r);
            bool flag = (r >> 8) & 1 == 1;
            bool flag2 = (r >> 9) & 1 == 1;
            uint256 action = r % 13;
            if (action == 0 || action == 1) handler.open(a, b, a ^ b, flag, flag2);
            else if (action == 2) handler.topUp(a, b, flag);
            else if (action == 3) handler.withdraw(a, b, flag);
            else if (action == 4) handler.cooperativeClose(a, b, flag);
            else if (action == 5) handler.uncooperativeClose(a, b);
            else if (action == 6) handler.settle(a);
            else if (action == 7) handler.passTime(b);
            else if (action == 8) handler.attackWithdrawTooMuch(a, b);
            else if (action == 9) handler.attackReplayOnAnotherChannel(a, b);
            else if (action == 10) handler.attackForeignSigner(a, b);
            else if (action == 11) handler.setBlocklisted(a, flag);
            else handler.claim(a, b);
            _checkBooks();
            assertEq(handler.closedMismatches(), 0, "closed channels paid out wrongly");
            assertEq(handler.violations(), 0, handler.lastViolation());
        }
        handler.attackSettleEarly(seed);
        assertEq(handler.violations(), 0, handler.lastViolation());
    }

    /// The sequences above do reach deferred payouts and claims (so the claimable books are not
    /// trivially zero): a few seeds in a row on one handler get both.
    function test_randomSequencesDeferAndClaimPayouts() public {
        for (uint256 seed; seed < 16 && (handler.deferred() == 0 || handler.claimed() == 0); seed++) {
            testFuzz_randomActionSequences(seed);
        }
        assertTrue(handler.deferred() > 0, "some payout was deferred");
        assertTrue(handler.claimed() > 0, "some deferred payout was claimed");
    }

    function _checkBooks() internal view {
        uint256 sum;
        uint256 n = handler.liveCount();
        for (uint256 i; i < n; i++) {
            (address s, address r, uint64 openBlock, uint128 deposit, uint128 withdrawn) = handler.liveChannel(i);
            (, uint128 onChainDeposit, uint128 onChainWithdrawn, , , ) = manager.getChannelInfo(s, r, openBlock);
            assertEq(onChainDeposit, deposit, "deposit books");
            assertEq(onChainWithdrawn, withdrawn, "withdrawn books");
            sum += deposit - withdrawn;
        }
        n = handler.partyCount();
        for (uint256 i; i < n; i++) {
            address account = handler.party(i);
            uint256 claimable = manager.claimable(account);
            assertEq(claimable, handler.ghostClaimable(account), "claimable books");
            sum += claimable;
        }
        assertEq(
            token.balanceOf(address(manager)),
            sum,
            "manager balance == live (deposit - withdrawn) + claimable"
        );
    }
}
