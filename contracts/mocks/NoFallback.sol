// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev A contract with code but no tokenFallback: ERC-223 transfers to it must fail.
contract NoFallback {
    uint256 public dummy;
}
