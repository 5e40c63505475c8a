// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ITokenReceiver} from "./interfaces/ITokenReceiver.sol";

/// @title Tollgate Token (TOLL)
/// @notice The demo token of Tollgate: an 18-decimal ERC-20 with EIP-2612 `permit`, the ERC-223-style
/// `transfer(to, value, data)` that µRaiden's channels accept, and a capped faucet so anyone can try
/// the reader flow on a local or test chain. It has no owner; it is not meant to carry value.
contract TollgateToken is ERC20, ERC20Permit {
    /// @notice Most tokens one {faucet} call mints.
    uint256 public constant FAUCET_MAX_PER_CALL = 1_000 ether;

    /// @notice Most tokens one address can ever take from the {faucet}.
    uint256 public constant FAUCET_CAP_PER_ADDRESS = 10_000 ether;

    /// @notice Tokens each address has taken from the faucet so far.
    mapping(address account => uint256) public faucetClaimed;

    /// @notice A {faucet} call asked for more than {FAUCET_MAX_PER_CALL} (or for nothing).
    error TollgateFaucetInvalidAmount(uint256 requested, uint256 maxPerCall);

    /// @notice A {faucet} call would take `account` past {FAUCET_CAP_PER_ADDRESS}.
    error TollgateFaucetCapExceeded(address account, uint256 claimed, uint256 requested);

    /// @notice Deploys the token with no supply: every token comes from the {faucet}.
    constructor() ERC20("Tollgate Token", "TOLL") ERC20Permit("Tollgate Token") {}

    /// @notice Mints `amount` tokens to the caller, at most {FAUCET_MAX_PER_CALL} per call and
    /// {FAUCET_CAP_PER_ADDRESS} per address in total.
    /// @param amount Tokens to mint (18 decimals), 1 to {FAUCET_MAX_PER_CALL}.
    function faucet(uint256 amount) external {
        if (amount == 0 || amount > FAUCET_MAX_PER_CALL) {
            revert TollgateFaucetInvalidAmount(amount, FAUCET_MAX_PER_CALL);
        }
        uint256 claimed = faucetClaimed[msg.sender];
        if (claimed + amount > FAUCET_CAP_PER_ADDRESS) {
            revert TollgateFaucetCapExceeded(msg.sender, claimed, amount);
        }
        faucetClaimed[msg.sender] = claimed + amount;
        _mint(msg.sender, amount);
    }

    /// @notice ERC-223-style transfer: moves `value` tokens to `to`, then, if `to` is a contract,
    /// calls `to.tokenFallback(msg.sender, value, data)`; a contract that does not implement it (or
    /// reverts in it) makes the whole transfer revert.
    /// @param to The recipient.
    /// @param value The amount (18 decimals).
    /// @param data Data forwarded to `tokenFallback`.
    /// @return Always true (failures revert).
    function transfer(address to, uint256 value, bytes calldata data) external returns (bool) {
        _transfer(msg.sender, to, value);
        // After the transfer: the receiver may rely on holding the tokens when it is called.
        if (to.code.length != 0) ITokenReceiver(to).tokenFallback(msg.sender, value, data);
        return true;
    }
}
