// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MockERC20} from "./MockERC20.sol";

/// @dev Test token with a blocklist like USDC's (and USDT's): its owner can blocklist accounts,
/// which then can neither send, receive, nor move tokens as the caller (USDC checks `msg.sender`,
/// `from` and `to`). Otherwise MockERC20: anyone mints, and the ERC-223-style transfer is there.
contract BlocklistToken is MockERC20, Ownable {
    mapping(address account => bool) public blocklisted;

    event BlocklistUpdated(address indexed account, bool blocked);

    /// @dev A transfer from, to or by a blocklisted account.
    error BlocklistTokenBlocked(address account);

    constructor() Ownable(msg.sender) {}

    function setBlocklisted(address account, bool blocked) external onlyOwner {
        blocklisted[account] = blocked;
        emit BlocklistUpdated(account, blocked);
    }

    function _update(address from, address to, uint256 value) internal override {
        address caller = _msgSender();
        if (blocklisted[caller]) revert BlocklistTokenBlocked(caller);
        if (blocklisted[from]) revert BlocklistTokenBlocked(from);
        if (blocklisted[to]) revert BlocklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
