// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ERC-223-style token receiver
/// @notice Implemented by contracts that accept `TollgateToken.transfer(to, value, data)`: the token
/// moves the tokens first, then calls {tokenFallback} on `to` when `to` has code.
interface ITokenReceiver {
    /// @notice Called by the token after `value` tokens were credited to this contract.
    /// @param from The account whose tokens were transferred (the caller of the token's `transfer`).
    /// @param value The amount credited, in the token's smallest unit.
    /// @param data Opaque data forwarded from the transfer.
    function tokenFallback(address from, uint256 value, bytes calldata data) external;
}
