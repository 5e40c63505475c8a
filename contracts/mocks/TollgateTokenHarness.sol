// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TollgateToken} from "../TollgateToken.sol";

/// @dev TollgateToken with its EIP-3009 type hashes readable. OpenZeppelin's ERC3009 declares them
/// `internal`, and a public getter of the same name cannot be declared over them, so the tests that
/// compare them with `lib/chain/eip3009.ts` and with the EIP read them through this subclass.
contract TollgateTokenHarness is TollgateToken {
    function transferWithAuthorizationTypehash() external pure returns (bytes32) {
        return TRANSFER_WITH_AUTHORIZATION_TYPEHASH;
    }

    function receiveWithAuthorizationTypehash() external pure returns (bytes32) {
        return RECEIVE_WITH_AUTHORIZATION_TYPEHASH;
    }

    function cancelAuthorizationTypehash() external pure returns (bytes32) {
        return CANCEL_AUTHORIZATION_TYPEHASH;
    }
}
