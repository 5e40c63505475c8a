// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Called by {ReentrantToken} on the accounts that registered for it.
interface ITransferHook {
    function onTokenTransfer(address from, address to, uint256 value) external;
}

/// @dev An ERC-20 with ERC-777-like hooks: it calls `onTokenTransfer` on a registered sender
/// before the balances move and on a registered recipient after, so a party to a channel gets
/// control in the middle of any transfer or transferFrom the manager makes.
contract ReentrantToken is ERC20 {
    mapping(address account => bool) public hooked;

    constructor() ERC20("Reentrant", "REENT") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function setHooked(bool on) external {
        hooked[msg.sender] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && hooked[from]) ITransferHook(from).onTokenTransfer(from, to, value);
        super._update(from, to, value);
        if (to != address(0) && hooked[to]) ITransferHook(to).onTokenTransfer(from, to, value);
    }
}

/// @dev A contract party (sender or receiver) that, once armed, re-enters a target with a fixed
/// call from inside the token's hook, and records what happened instead of reverting. It can also
/// refuse every transfer to it, by reverting or by burning all the gas its hook is given.
contract ReentrancyAttacker is ITransferHook {
    enum Refusal {
        None,
        Revert,
        BurnGas
    }

    error ReentrancyAttackerRefused();

    Refusal public refusal;
    address public target;
    bytes public payload;
    bool public armed;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryResult;

    /// @dev Lets the test act as this contract (approve, open, withdraw, close, settle).
    function execute(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
    }

    function setRefusal(Refusal refusal_) external {
        refusal = refusal_;
    }

    function onTokenTransfer(address, address to, uint256) external {
        if (to == address(this)) {
            if (refusal == Refusal.Revert) revert ReentrancyAttackerRefused();
            if (refusal == Refusal.BurnGas) {
                assembly {
                    invalid() // consumes all the gas this call was given
                }
            }
        }
        if (!armed) return;
        armed = false; // once: the re-entrant call's own transfers must not recurse
        (bool ok, bytes memory ret) = target.call(payload);
        reentered = true;
        reentrySucceeded = ok;
        reentryResult = ret;
    }
}
