// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev A token that reports failure by returning false instead of reverting (as some early
/// ERC-20s do). `failAll` makes every transfer return false, to test that a failed payout cannot
/// be mistaken for a successful one.
contract FalseReturnToken {
    uint256 public totalSupply;
    bool public failAll;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function mint(address to, uint256 value) external {
        totalSupply += value;
        balanceOf[to] += value;
    }

    function setFailAll(bool fail) external {
        failAll = fail;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        return true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        return _move(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        if (failAll || allowance[from][msg.sender] < value) return false;
        allowance[from][msg.sender] -= value;
        return _move(from, to, value);
    }

    function _move(address from, address to, uint256 value) private returns (bool) {
        if (failAll || balanceOf[from] < value) return false;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
