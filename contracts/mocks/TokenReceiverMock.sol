// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITokenReceiver} from "../interfaces/ITokenReceiver.sol";

/// @dev Records the last tokenFallback call, and its own token balance at that moment (to show
/// the tokens had already arrived); can be told to reject.
contract TokenReceiverMock is ITokenReceiver {
    address public lastFrom;
    uint256 public lastValue;
    bytes public lastData;
    uint256 public balanceDuringCall;
    uint256 public calls;
    bool public reject;

    error TokenReceiverMockRejected();

    function setReject(bool reject_) external {
        reject = reject_;
    }

    function tokenFallback(address from, uint256 value, bytes calldata data) external {
        if (reject) revert TokenReceiverMockRejected();
        lastFrom = from;
        lastValue = value;
        lastData = data;
        balanceDuringCall = IERC20(msg.sender).balanceOf(address(this));
        calls++;
    }
}
