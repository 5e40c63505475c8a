// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TollgateToken} from "../TollgateToken.sol";
import {TokenReceiverMock} from "../mocks/TokenReceiverMock.sol";
import {NoFallback} from "../mocks/NoFallback.sol";
import {TestBase} from "./Vm.sol";

contract TollgateTokenTest is TestBase {
    TollgateToken internal token;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);

    function setUp() public {
        token = new TollgateToken();
    }

    function test_metadata() public view {
        assertEq(keccak256(bytes(token.name())), keccak256("Tollgate Token"), "name");
        assertEq(keccak256(bytes(token.symbol())), keccak256("TOLL"), "symbol");
        assertEq(token.decimals(), 18, "decimals");
        assertEq(token.totalSupply(), 0, "no premint");
    }

    function test_faucetMintsToTheCaller() public {
        vm.prank(alice);
        token.faucet(1_000 ether);
        assertEq(token.balanceOf(alice), 1_000 ether, "balance");
        assertEq(token.faucetClaimed(alice), 1_000 ether, "claimed");
        assertEq(token.totalSupply(), 1_000 ether, "supply");
    }

    function test_faucetAmountPerCallIsBounded() public {
        uint256 max = token.FAUCET_MAX_PER_CALL();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateFaucetInvalidAmount.selector, max + 1, max));
        token.faucet(max + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateFaucetInvalidAmount.selector, 0, max));
        token.faucet(0);
    }

    function test_faucetCapPerAddress() public {
        uint256 max = token.FAUCET_MAX_PER_CALL();
        uint256 cap = token.FAUCET_CAP_PER_ADDRESS();
        vm.startPrank(alice);
        for (uint256 claimed; claimed < cap; claimed += max) token.faucet(max);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateFaucetCapExceeded.selector, alice, cap, 1));
        token.faucet(1);
        vm.stopPrank();
        assertEq(token.balanceOf(alice), cap, "capped");
        // Spending does not reset the cap.
        vm.prank(alice);
        token.transfer(bob, cap);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateFaucetCapExceeded.selector, alice, cap, 1));
        token.faucet(1);
        // Others have their own.
        vm.prank(bob);
        token.faucet(max);
        assertEq(token.balanceOf(bob), cap + max, "bob");
    }

    function testFuzz_faucetNeverExceedsTheCap(uint256[12] memory amounts) public {
        uint256 cap = token.FAUCET_CAP_PER_ADDRESS();
        uint256 max = token.FAUCET_MAX_PER_CALL();
        for (uint256 i; i < amounts.length; i++) {
            uint256 amount = bound(amounts[i], 1, max);
            vm.prank(alice);
            if (token.faucetClaimed(alice) + amount > cap) vm.expectRevert();
            token.faucet(amount);
        }
        assertTrue(token.balanceOf(alice) <= cap, "within cap");
        assertEq(token.balanceOf(alice), token.faucetClaimed(alice), "claimed == minted");
    }

    function test_transferWithDataCallsTheReceiverAfterCrediting() public {
        TokenReceiverMock target = new TokenReceiverMock();
        vm.prank(alice);
        token.faucet(100 ether);
        vm.prank(alice);
        token.transfer(address(target), 40 ether, hex"c0ffee");
        assertEq(target.calls(), 1, "called once");
        assertEq(target.lastFrom(), alice, "from");
        assertEq(target.lastValue(), 40 ether, "value");
        assertEq(keccak256(target.lastData()), keccak256(hex"c0ffee"), "data");
        assertEq(target.balanceDuringCall(), 40 ether, "tokens had arrived");
    }

    function test_transferWithDataToAnAccountIsAPlainTransfer() public {
        vm.prank(alice);
        token.faucet(100 ether);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 40 ether, hex"c0ffee"), "returns true");
        assertEq(token.balanceOf(bob), 40 ether, "bob");
    }

    function test_transferWithDataRevertsWhenTheContractRefuses() public {
        TokenReceiverMock target = new TokenReceiverMock();
        target.setReject(true);
        NoFallback noFallback = new NoFallback();
        vm.prank(alice);
        token.faucet(100 ether);

        vm.prank(alice);
        vm.expectRevert(TokenReceiverMock.TokenReceiverMockRejected.selector);
        token.transfer(address(target), 40 ether, "");
        vm.prank(alice);
        vm.expectRevert();
        token.transfer(address(noFallback), 40 ether, "");
        assertEq(token.balanceOf(alice), 100 ether, "nothing moved");
    }
}
