// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC3009} from "@openzeppelin/contracts/token/ERC20/extensions/draft-ERC3009.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ITokenReceiver} from "./interfaces/ITokenReceiver.sol";

/// @title Tollgate Token (TOLL)
/// @notice The demo token of Tollgate: an 18-decimal ERC-20 with EIP-2612 `permit`, EIP-3009
/// transfers with authorization (what x402's `exact` scheme pays with), the ERC-223-style
/// `transfer(to, value, data)` that µRaiden's channels accept, and a capped faucet so anyone can try
/// the reader flow on a local or test chain. It has no owner; it is not meant to carry value.
/// @dev EIP-3009 is OpenZeppelin's {ERC3009} (random `bytes32` nonces, as the EIP and USDC have
/// them; not {ERC20TransferAuthorization}, whose keyed sequential nonces would refuse the random
/// nonces x402 clients sign), made to behave as USDC v2.2 (FiatTokenV2_2), the token x402 is built
/// around, where OpenZeppelin's draft differs:
/// - every entry point has a `(…, uint8 v, bytes32 r, bytes32 s)` and a `(…, bytes signature)` form,
///   and both accept ERC-1271 signatures from contract accounts (x402's facilitator calls the v, r, s
///   form for every 65-byte signature, a 1-of-1 Safe's included), ECDSA being tried first (see
///   {_requireValidSignature}: cheaper than USDC for the common EOA payer, and an EIP-7702
///   account's own key counts);
/// - `validAfter` and `validBefore` are Unix times only (see {_checkValidity});
/// - {receiveWithAuthorization} checks its caller first, with its own error.
/// The EIP-712 domain is ERC20Permit's ("Tollgate Token", "1", chain id, this contract), shared by
/// permits and authorizations as in USDC; x402 carries its name and version in `extra`.
contract TollgateToken is ERC20, ERC20Permit, ERC3009 {
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

    /// @notice {receiveWithAuthorization} called by someone other than the payee `to`: only the payee
    /// may submit it, so that nobody who saw it in the mempool can front-run the payee's own call
    /// (e.g. a deposit that pulls the payment) with a bare transfer.
    error TollgateCallerNotPayee(address caller, address payee);

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

    // ------------------------------------------------------------------------------------------
    // EIP-3009
    // ------------------------------------------------------------------------------------------

    /// @notice The EIP-712 domain's version, "1" (as USDC's `version()`; EIP-3009 tooling, x402's
    /// facilitator among it, reads it to check the `version` it was given).
    /// @return The version string.
    function version() external view returns (string memory) {
        return _EIP712Version();
    }

    /// @notice Moves `value` tokens from `from` to `to` with `from`'s EIP-712 signature of
    /// `TransferWithAuthorization(from, to, value, validAfter, validBefore, nonce)`; anyone may
    /// submit it. Valid while `validAfter < block.timestamp < validBefore`, once per `(from, nonce)`.
    /// @param from The payer, who signed.
    /// @param to The payee.
    /// @param value The amount.
    /// @param validAfter The authorization is valid strictly after this Unix time.
    /// @param validBefore The authorization is valid strictly before this Unix time.
    /// @param nonce A unique random value chosen by the payer.
    /// @param v The signature's v (27 or 28).
    /// @param r The signature's r.
    /// @param s The signature's s (lower half of the curve order).
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) public override {
        bytes32 structHash = _authorizationHash(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce
        );
        _requireValidSignature(from, structHash, v, r, s);
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice {transferWithAuthorization} with the signature as bytes: 65 bytes `r ‖ s ‖ v` from an
    /// account without code, or whatever the account's ERC-1271 `isValidSignature` accepts.
    /// @param from The payer, who signed.
    /// @param to The payee.
    /// @param value The amount.
    /// @param validAfter The authorization is valid strictly after this Unix time.
    /// @param validBefore The authorization is valid strictly before this Unix time.
    /// @param nonce A unique random value chosen by the payer.
    /// @param signature The payer's signature.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        bytes32 structHash = _authorizationHash(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce
        );
        _requireValidSignature(from, structHash, signature);
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice Like {transferWithAuthorization}, with `ReceiveWithAuthorization(…)` as the signed
    /// type, for the payee only (`msg.sender == to`): a contract can pull a payment in its own call
    /// without anyone front-running it with a bare transfer (the types differ, so the signature is
    /// no {transferWithAuthorization}).
    /// @param from The payer, who signed.
    /// @param to The payee, which must be the caller.
    /// @param value The amount.
    /// @param validAfter The authorization is valid strictly after this Unix time.
    /// @param validBefore The authorization is valid strictly before this Unix time.
    /// @param nonce A unique random value chosen by the payer.
    /// @param v The signature's v (27 or 28).
    /// @param r The signature's r.
    /// @param s The signature's s (lower half of the curve order).
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) public override {
        if (to != msg.sender) revert TollgateCallerNotPayee(msg.sender, to);
        bytes32 structHash = _authorizationHash(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce
        );
        _requireValidSignature(from, structHash, v, r, s);
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice {receiveWithAuthorization} with the signature as bytes (ERC-1271 accepted).
    /// @param from The payer, who signed.
    /// @param to The payee, which must be the caller.
    /// @param value The amount.
    /// @param validAfter The authorization is valid strictly after this Unix time.
    /// @param validBefore The authorization is valid strictly before this Unix time.
    /// @param nonce A unique random value chosen by the payer.
    /// @param signature The payer's signature.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        if (to != msg.sender) revert TollgateCallerNotPayee(msg.sender, to);
        bytes32 structHash = _authorizationHash(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce
        );
        _requireValidSignature(from, structHash, signature);
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice Makes an unused authorization of `authorizer` unusable, with its signature of
    /// `CancelAuthorization(authorizer, nonce)`; anyone may submit it.
    /// @param authorizer The payer whose authorization is cancelled.
    /// @param nonce The authorization's nonce.
    /// @param v The signature's v (27 or 28).
    /// @param r The signature's r.
    /// @param s The signature's s (lower half of the curve order).
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) public override {
        _requireValidSignature(authorizer, _cancelHash(authorizer, nonce), v, r, s);
        _cancelAuthorization(authorizer, nonce);
    }

    /// @notice {cancelAuthorization} with the signature as bytes (ERC-1271 accepted).
    /// @param authorizer The payer whose authorization is cancelled.
    /// @param nonce The authorization's nonce.
    /// @param signature The authorizer's signature.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external {
        _requireValidSignature(authorizer, _cancelHash(authorizer, nonce), signature);
        _cancelAuthorization(authorizer, nonce);
    }

    /// @dev EIP-3009 and USDC compare Unix times, both bounds exclusive:
    /// `block.timestamp > validAfter && block.timestamp < validBefore`. OpenZeppelin's draft also
    /// reads both as block numbers when both carry bit 47 (an ERC-4337-style dual clock); that is
    /// not in the EIP, and a wallet shows these fields as times, so it is not honoured here.
    function _checkValidity(uint256 validAfter, uint256 validBefore) internal view override {
        if (block.timestamp <= validAfter || block.timestamp >= validBefore) {
            revert ERC3009InvalidAuthorizationTime(validAfter, validBefore);
        }
    }

    /// @dev Reverts with {ERC3009InvalidSignature} unless `(v, r, s)` signs the EIP-712 digest of
    /// `structHash` for `signer`: by ECDSA (low `s`, `v` 27 or 28), or, for a contract account, by
    /// its ERC-1271 `isValidSignature` of `r ‖ s ‖ v` (as USDC v2.2 does with this form).
    ///
    /// ECDSA is tried first, the order of OpenZeppelin 4's SignatureChecker rather than 5's
    /// (code first): a payer without code then costs no EXTCODESIZE (2,600 gas cold, every x402
    /// payment), and an EIP-7702 account's own key is accepted whatever its delegate implements.
    /// A contract's address has no private key, so ECDSA cannot speak for a contract instead of it.
    function _requireValidSignature(address signer, bytes32 structHash, uint8 v, bytes32 r, bytes32 s) private view {
        bytes32 digest = _hashTypedDataV4(structHash);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return;
        if (
            signer.code.length == 0 ||
            !SignatureChecker.isValidERC1271SignatureNow(signer, digest, abi.encodePacked(r, s, v))
        ) revert ERC3009InvalidSignature();
    }

    /// @dev The same for a bytes signature: ECDSA takes only 65 bytes (no EIP-2098 short form);
    /// any length goes to a contract account's ERC-1271.
    function _requireValidSignature(address signer, bytes32 structHash, bytes calldata signature) private view {
        bytes32 digest = _hashTypedDataV4(structHash);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return;
        if (
            signer.code.length == 0 ||
            !SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature)
        ) revert ERC3009InvalidSignature();
    }

    function _authorizationHash(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce));
    }

    function _cancelHash(address authorizer, bytes32 nonce) private pure returns (bytes32) {
        return keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce));
    }
}
