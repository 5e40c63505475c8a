// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ITokenReceiver} from "../interfaces/ITokenReceiver.sol";

/// @dev Test token: a plain OpenZeppelin ERC-20 anyone can mint without limit (to reach the
/// uint128 bounds), plus the ERC-223-style transfer of TollgateToken.
contract MockERC20 is ERC20 {
    constructor() ERC20("Mock", "MOCK") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function transfer(address to, uint256 value, bytes calldata data) external returns (bool) {
        _transfer(msg.sender, to, value);
        if (to.code.length != 0) ITokenReceiver(to).tokenFallback(msg.sender, value, data);
        return true;
    }
}
