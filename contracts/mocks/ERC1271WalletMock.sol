// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @dev A smart-contract wallet for signature tests: it accepts (ERC-1271) a hash its owner signed
/// with ECDSA, given either as the bare 65 bytes (as a 1-of-1 Safe's) or wrapped as
/// `abi.encode(uint256 ownerIndex, bytes signature)` (longer, as Coinbase Smart Wallet's), until it
/// is told to reject everything (as a wallet whose owner revoked a key would).
contract ERC1271WalletMock is IERC1271 {
    address public immutable owner;
    bool public rejectAll;

    constructor(address owner_) {
        owner = owner_;
    }

    function setRejectAll(bool reject) external {
        rejectAll = reject;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        bytes memory inner = signature;
        if (signature.length != 65) (, inner) = abi.decode(signature, (uint256, bytes));
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, inner);
        if (rejectAll || err != ECDSA.RecoverError.NoError || signer != owner) return 0xffffffff;
        return IERC1271.isValidSignature.selector;
    }
}
