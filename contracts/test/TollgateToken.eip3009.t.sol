// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC3009, IERC3009Cancel} from "@openzeppelin/contracts/interfaces/draft-IERC3009.sol";
import {ERC3009} from "@openzeppelin/contracts/token/ERC20/extensions/draft-ERC3009.sol";
import {TollgateToken} from "../TollgateToken.sol";
import {ERC1271WalletMock} from "../mocks/ERC1271WalletMock.sol";
import {TollgateTokenHarness} from "../mocks/TollgateTokenHarness.sol";
import {TestBase} from "./Vm.sol";

/// @dev EIP-3009 on TollgateToken, attacked: every check (signer, fields, domain, type, time
/// window, nonce, caller, signature shape) gets a call that tries to pass it. Digests are computed
/// here from the EIP's type strings and the domain's parts, not read from the token.
contract TollgateTokenEip3009Test is TestBase {
    bytes32 internal constant TRANSFER_TYPEHASH =
        keccak256(
            "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
        );
    bytes32 internal constant RECEIVE_TYPEHASH =
        keccak256(
            "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
        );
    bytes32 internal constant CANCEL_TYPEHASH = keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint256 internal constant PAYER_PK = 0xA11CE;
    uint256 internal constant OTHER_PK = 0x07E2;
    uint256 internal constant NOW = 1_700_000_000;
    uint256 internal constant VALUE = 7 ether;
    bytes32 internal constant NONCE = keccak256("nonce 1");

    TollgateToken internal token;
    address internal payer;
    address internal payee = address(0xB0B);
    address internal facilitator = address(0xFAC1);

    struct Auth {
        address from;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
    }

    function setUp() public {
        vm.warp(NOW);
        payer = vm.addr(PAYER_PK);
        token = new TollgateToken();
        vm.prank(payer);
        token.faucet(100 ether);
    }

    // --- helpers ----------------------------------------------------------------------------------

    function _auth() internal view returns (Auth memory) {
        return Auth(payer, payee, VALUE, NOW - 600, NOW + 60, NONCE);
    }

    function _domainSeparator(
        string memory name,
        string memory version,
        uint256 chainId,
        address verifyingContract
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256(bytes(name)),
                    keccak256(bytes(version)),
                    chainId,
                    verifyingContract
                )
            );
    }

    function _tokenDomain() internal view returns (bytes32) {
        return _domainSeparator("Tollgate Token", "1", block.chainid, address(token));
    }

    function _digest(bytes32 domain, bytes32 typeHash, Auth memory a) internal pure returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(typeHash, a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce)
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _cancelDigest(bytes32 domain, address authorizer, bytes32 nonce) internal pure returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(CANCEL_TYPEHASH, authorizer, nonce));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _signAs(
        uint256 pk,
        bytes32 typeHash,
        Auth memory a
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        return vm.sign(pk, _digest(_tokenDomain(), typeHash, a));
    }

    function _bytes(uint8 v, bytes32 r, bytes32 s) internal pure returns (bytes memory) {
        return abi.encodePacked(r, s, v);
    }

    function _transferVrs(Auth memory a, uint8 v, bytes32 r, bytes32 s) internal {
        vm.prank(facilitator);
        token.transferWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
    }

    function _transferBytes(Auth memory a, bytes memory signature) internal {
        vm.prank(facilitator);
        token.transferWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, signature);
    }

    function _invalidTime(Auth memory a) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ERC3009.ERC3009InvalidAuthorizationTime.selector, a.validAfter, a.validBefore);
    }

    function _expectInvalidSignature() internal {
        vm.expectRevert(ERC3009.ERC3009InvalidSignature.selector);
    }

    // --- the type hashes and the domain ---------------------------------------------------------------

    function test_typeHashesAreTheEipsAndUsdcs() public {
        TollgateTokenHarness harness = new TollgateTokenHarness();
        assertEq(harness.transferWithAuthorizationTypehash(), TRANSFER_TYPEHASH, "transfer");
        assertEq(harness.receiveWithAuthorizationTypehash(), RECEIVE_TYPEHASH, "receive");
        assertEq(harness.cancelAuthorizationTypehash(), CANCEL_TYPEHASH, "cancel");
        // USDC's FiatTokenV2 constants, literally.
        assertEq(TRANSFER_TYPEHASH, 0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267, "USDC's");
        assertEq(RECEIVE_TYPEHASH, 0xd099cc98ef71107a616c4f0f941f04c322d8e254fe26b3c6668db87aae413de8, "USDC's");
        assertEq(CANCEL_TYPEHASH, 0x158b0a9edf7a828aad02f63cd515c68ef2f50ba807396f6d12842833a1597429, "USDC's");
    }

    function test_domainIsThePermitsTollgateToken1() public view {
        assertEq(token.DOMAIN_SEPARATOR(), _tokenDomain(), "one domain for permit and EIP-3009");
        assertEq(keccak256(bytes(token.version())), keccak256("1"), "version()");
        assertEq(keccak256(bytes(token.name())), keccak256("Tollgate Token"), "name() is the domain's name");
    }

    // --- the happy paths, both forms -----------------------------------------------------------------

    function test_transferWithAuthorizationVrsBySomeoneElse() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        assertTrue(!token.authorizationState(payer, NONCE), "unused");
        vm.expectEmit(true, true, true, true);
        emit IERC3009.AuthorizationUsed(payer, NONCE);
        _transferVrs(a, v, r, s);
        assertEq(token.balanceOf(payee), VALUE, "paid");
        assertEq(token.balanceOf(payer), 100 ether - VALUE, "debited");
        assertEq(token.balanceOf(facilitator), 0, "the submitter gets nothing");
        assertTrue(token.authorizationState(payer, NONCE), "used");
    }

    function test_transferWithAuthorizationBytes() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferBytes(a, _bytes(v, r, s));
        assertEq(token.balanceOf(payee), VALUE, "paid");
        assertTrue(token.authorizationState(payer, NONCE), "used");
    }

    function test_receiveWithAuthorizationByThePayeeBothForms() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, RECEIVE_TYPEHASH, a);
        vm.prank(payee);
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
        a.nonce = keccak256("nonce 2");
        (v, r, s) = _signAs(PAYER_PK, RECEIVE_TYPEHASH, a);
        vm.prank(payee);
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, _bytes(v, r, s));
        assertEq(token.balanceOf(payee), 2 * VALUE, "paid twice, two nonces");
    }

    // --- replay --------------------------------------------------------------------------------------

    function test_aUsedAuthorizationCannotBeReplayedInEitherForm() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferVrs(a, v, r, s);
        bytes memory used = abi.encodeWithSelector(ERC3009.ERC3009UsedAuthorization.selector, payer, NONCE);
        vm.expectRevert(used);
        _transferVrs(a, v, r, s);
        vm.expectRevert(used);
        _transferBytes(a, _bytes(v, r, s));
        assertEq(token.balanceOf(payee), VALUE, "paid once");
    }

    function test_aNonceUsedByOneTypeIsUsedForTheOthers() public {
        // One nonce space per payer, as in USDC: a receive authorization with a used nonce fails.
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferVrs(a, v, r, s);
        (v, r, s) = _signAs(PAYER_PK, RECEIVE_TYPEHASH, a);
        vm.prank(payee);
        vm.expectRevert(abi.encodeWithSelector(ERC3009.ERC3009UsedAuthorization.selector, payer, NONCE));
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
    }

    // --- the time window: validAfter < now < validBefore, both exclusive --------------------------------

    function test_validityWindowBoundariesAreExclusive() public {
        Auth memory a = _auth();
        bytes memory notValid;

        // Not yet valid: validAfter == now (the boundary second), and later.
        for (uint256 i; i < 2; i++) {
            a.validAfter = NOW + i;
            a.validBefore = NOW + 60;
            (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
            notValid = _invalidTime(a);
            vm.expectRevert(notValid);
            _transferVrs(a, v, r, s);
            vm.expectRevert(notValid);
            _transferBytes(a, _bytes(v, r, s));
        }
        // Expired: validBefore == now (the boundary second), and earlier.
        for (uint256 i; i < 2; i++) {
            a.validAfter = 0;
            a.validBefore = NOW - i;
            (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
            notValid = _invalidTime(a);
            vm.expectRevert(notValid);
            _transferVrs(a, v, r, s);
        }
        assertTrue(!token.authorizationState(payer, NONCE), "a refused authorization leaves its nonce unused");

        // The tightest valid window: validAfter = now - 1, validBefore = now + 1.
        a.validAfter = NOW - 1;
        a.validBefore = NOW + 1;
        (uint8 v1, bytes32 r1, bytes32 s1) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferVrs(a, v1, r1, s1);
        assertEq(token.balanceOf(payee), VALUE, "paid inside the window");
    }

    function test_anAuthorizationBecomesValidAndExpiresWithTheClock() public {
        Auth memory a = _auth();
        a.validAfter = NOW + 100;
        a.validBefore = NOW + 200;
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.warp(NOW + 100);
        vm.expectPartialRevert(ERC3009.ERC3009InvalidAuthorizationTime.selector);
        _transferVrs(a, v, r, s);
        vm.warp(NOW + 200);
        vm.expectPartialRevert(ERC3009.ERC3009InvalidAuthorizationTime.selector);
        _transferVrs(a, v, r, s);
        vm.warp(NOW + 199);
        _transferVrs(a, v, r, s);
        assertEq(token.balanceOf(payee), VALUE, "paid in the last valid second");
    }

    function test_blockNumberFlagsAreStillTimes() public {
        // OpenZeppelin's draft would read these as the block range [block - 1, block + 1]; the EIP,
        // USDC and this token read times 2^47 seconds away, i.e. never valid.
        uint256 flag = 1 << 47;
        vm.roll(1_000);
        Auth memory a = _auth();
        a.validAfter = flag | 999;
        a.validBefore = flag | 1_001;
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.expectRevert(_invalidTime(a));
        _transferVrs(a, v, r, s);
    }

    /// hardhat-config: fuzz.runs = 256
    function testFuzz_validExactlyStrictlyInsideTheWindow(uint256 validAfter, uint256 validBefore) public {
        validAfter = bound(validAfter, NOW - 3, NOW + 3);
        validBefore = bound(validBefore, NOW - 3, NOW + 3);
        Auth memory a = _auth();
        (a.validAfter, a.validBefore) = (validAfter, validBefore);
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        bool valid = validAfter < NOW && NOW < validBefore;
        if (!valid) vm.expectPartialRevert(ERC3009.ERC3009InvalidAuthorizationTime.selector);
        _transferVrs(a, v, r, s);
        assertEq(token.balanceOf(payee), valid ? VALUE : 0, "paid iff inside");
    }

    // --- who signed, and what -------------------------------------------------------------------------

    function test_aSignatureByAnyoneButThePayerIsRefused() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(OTHER_PK, TRANSFER_TYPEHASH, a);
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(v, r, s));
        // The signer's own name as `from` does not help it take the payer's tokens either: it spends its own.
        assertEq(token.balanceOf(payer), 100 ether, "untouched");
    }

    function test_everyAlteredFieldInvalidatesTheSignature() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        for (uint256 field; field < 5; field++) {
            Auth memory b = _auth();
            if (field == 0) b.value = VALUE + 1;
            else if (field == 1) b.to = facilitator;
            else if (field == 2) b.nonce = keccak256("another nonce");
            else if (field == 3) b.validAfter -= 1;
            else b.validBefore += 1;
            _expectInvalidSignature();
            _transferVrs(b, v, r, s);
            _expectInvalidSignature();
            _transferBytes(b, _bytes(v, r, s));
        }
        _transferVrs(a, v, r, s); // and the original still works
    }

    function test_anotherDomainsSignatureIsRefused() public {
        Auth memory a = _auth();
        TollgateToken twin = new TollgateToken();
        bytes32[4] memory domains = [
            _domainSeparator("Tollgate Token", "1", block.chainid + 1, address(token)), // another chain
            _domainSeparator("Tollgate Token", "1", block.chainid, address(twin)), // another deployment
            _domainSeparator("USD Coin", "2", block.chainid, address(token)), // another name and version
            _domainSeparator("Tollgate Token", "2", block.chainid, address(token)) // another version
        ];
        for (uint256 i; i < domains.length; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_PK, _digest(domains[i], TRANSFER_TYPEHASH, a));
            _expectInvalidSignature();
            _transferVrs(a, v, r, s);
        }
    }

    function test_aSignatureDoesNotSurviveAChainFork() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.chainId(block.chainid + 1); // OpenZeppelin's EIP712 rebuilds the separator for the new id
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
    }

    // --- the two types are not interchangeable ---------------------------------------------------------

    function test_aReceiveAuthorizationCannotBeFrontRunAsATransfer() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, RECEIVE_TYPEHASH, a);
        // Someone copies the payee's pending receiveWithAuthorization and submits it as a transfer.
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(v, r, s));
        // ...or submits the receive itself: only the payee may.
        vm.prank(facilitator);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateCallerNotPayee.selector, facilitator, payee));
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(TollgateToken.TollgateCallerNotPayee.selector, payer, payee));
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, _bytes(v, r, s));
        // The payee's own call still goes through.
        vm.prank(payee);
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
        assertEq(token.balanceOf(payee), VALUE, "paid once, to the payee, by the payee");
    }

    function test_aTransferAuthorizationIsNoReceiveAuthorization() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.prank(payee);
        _expectInvalidSignature();
        token.receiveWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s);
    }

    function test_aCancelSignatureIsNoAuthorizationAndTheReverse() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_PK, _cancelDigest(_tokenDomain(), payer, NONCE));
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
        (v, r, s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _expectInvalidSignature();
        token.cancelAuthorization(payer, NONCE, v, r, s);
    }

    // --- cancel ----------------------------------------------------------------------------------------

    function test_cancelThenUseFailsInBothForms() public {
        Auth memory a = _auth();
        (uint8 cv, bytes32 cr, bytes32 cs) = vm.sign(PAYER_PK, _cancelDigest(_tokenDomain(), payer, NONCE));
        vm.expectEmit(true, true, true, true);
        emit IERC3009Cancel.AuthorizationCanceled(payer, NONCE);
        vm.prank(facilitator); // anyone may submit the payer's cancellation
        token.cancelAuthorization(payer, NONCE, cv, cr, cs);
        assertTrue(token.authorizationState(payer, NONCE), "a cancelled nonce reads as used");

        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        bytes memory used = abi.encodeWithSelector(ERC3009.ERC3009UsedAuthorization.selector, payer, NONCE);
        vm.expectRevert(used);
        _transferVrs(a, v, r, s);
        vm.expectRevert(used);
        _transferBytes(a, _bytes(v, r, s));
        // Cancelling again is refused too.
        vm.expectRevert(used);
        token.cancelAuthorization(payer, NONCE, _bytes(cv, cr, cs));
        assertEq(token.balanceOf(payee), 0, "nothing moved");
    }

    function test_useThenCancelFails() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferVrs(a, v, r, s);
        (uint8 cv, bytes32 cr, bytes32 cs) = vm.sign(PAYER_PK, _cancelDigest(_tokenDomain(), payer, NONCE));
        vm.expectRevert(abi.encodeWithSelector(ERC3009.ERC3009UsedAuthorization.selector, payer, NONCE));
        token.cancelAuthorization(payer, NONCE, cv, cr, cs);
    }

    function test_cancelBytesFormAndItsRefusals() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_PK, _cancelDigest(_tokenDomain(), payer, NONCE));
        // Someone else's cancellation of the payer's nonce, or the payer's for another nonce.
        (uint8 ov, bytes32 or_, bytes32 os) = vm.sign(OTHER_PK, _cancelDigest(_tokenDomain(), payer, NONCE));
        _expectInvalidSignature();
        token.cancelAuthorization(payer, NONCE, _bytes(ov, or_, os));
        _expectInvalidSignature();
        token.cancelAuthorization(payer, keccak256("another nonce"), _bytes(v, r, s));
        token.cancelAuthorization(payer, NONCE, _bytes(v, r, s));
        assertTrue(token.authorizationState(payer, NONCE), "cancelled");
    }

    // --- signature shapes ------------------------------------------------------------------------------

    function test_malleableHighSTwinIsRefused() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        // (r, N - s, v ^ 1) recovers to the same address with raw ecrecover; ECDSA refuses it.
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flipped = v == 27 ? 28 : 27;
        assertEq(ecrecover(_digest(_tokenDomain(), TRANSFER_TYPEHASH, a), flipped, r, highS), payer, "the twin");
        _expectInvalidSignature();
        _transferVrs(a, flipped, r, highS);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(flipped, r, highS));
        _transferVrs(a, v, r, s); // the canonical one is still good
    }

    function test_badVIsRefused() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        uint8[4] memory bad = [uint8(0), 1, v == 27 ? 28 : 27, 29];
        for (uint256 i; i < bad.length; i++) {
            _expectInvalidSignature();
            _transferVrs(a, bad[i], r, s);
            _expectInvalidSignature();
            _transferBytes(a, _bytes(bad[i], r, s));
        }
    }

    function test_malformedByteSignaturesAreRefused() public {
        Auth memory a = _auth();
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        // EIP-2098 compact form (64 bytes: r ‖ yParity·2^255 + s).
        bytes32 vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
        bytes[4] memory malformed = [
            bytes(""),
            abi.encodePacked(r, vs),
            abi.encodePacked(r, s, v, uint8(0)),
            new bytes(65)
        ];
        for (uint256 i; i < malformed.length; i++) {
            _expectInvalidSignature();
            _transferBytes(a, malformed[i]);
        }
        _expectInvalidSignature();
        _transferVrs(a, 0, 0, 0);
    }

    // --- zero addresses, and failures that must not use the nonce ------------------------------------------

    function test_zeroAddressesAreRefused() public {
        Auth memory a = _auth();
        // From address(0): nothing recovers to it, and it has no code to ask.
        a.from = address(0);
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(v, r, s));
        _expectInvalidSignature();
        token.cancelAuthorization(address(0), NONCE, v, r, s);
        // Nor does a signature that recovers to nothing (ecrecover's address(0) for garbage).
        _expectInvalidSignature();
        _transferVrs(a, 0, 0, 0);
        _expectInvalidSignature();
        _transferBytes(a, new bytes(65));
        _expectInvalidSignature();
        token.cancelAuthorization(address(0), NONCE, "");

        // To address(0): a valid signature, but the ERC-20 refuses to burn that way; the nonce stays.
        a = _auth();
        a.to = address(0);
        (v, r, s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        _transferVrs(a, v, r, s);
        assertTrue(!token.authorizationState(payer, NONCE), "nonce unused after the revert");
    }

    function test_moreThanTheBalanceRevertsAndKeepsTheNonce() public {
        Auth memory a = _auth();
        a.value = 100 ether + 1;
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, payer, 100 ether, 100 ether + 1)
        );
        _transferVrs(a, v, r, s);
        assertTrue(!token.authorizationState(payer, NONCE), "nonce unused");
    }

    // --- smart-contract payers (ERC-1271) ------------------------------------------------------------------

    function test_erc1271WalletPaysThroughTheBytesForm() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(payer);
        vm.prank(payer);
        token.transfer(address(wallet), 50 ether);
        Auth memory a = _auth();
        a.from = address(wallet);
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a); // the owner signs for the wallet

        // A wrapped (longer than 65 bytes) signature, as smart wallets send: only the bytes form takes it.
        _transferBytes(a, abi.encode(uint256(0), _bytes(v, r, s)));
        assertEq(token.balanceOf(payee), VALUE, "paid by the wallet");
        assertEq(token.balanceOf(address(wallet)), 50 ether - VALUE, "debited");
        assertTrue(token.authorizationState(address(wallet), NONCE), "the wallet's nonce is used");
    }

    function test_erc1271WalletWithA65ByteSignatureAlsoPaysThroughVrs() public {
        // x402's facilitator sends every 65-byte signature to the v, r, s form, a 1-of-1 Safe's too;
        // USDC v2.2 checks ERC-1271 there, and so does this token.
        ERC1271WalletMock wallet = new ERC1271WalletMock(payer);
        vm.prank(payer);
        token.transfer(address(wallet), 50 ether);
        Auth memory a = _auth();
        a.from = address(wallet);
        (uint8 v, bytes32 r, bytes32 s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        _transferVrs(a, v, r, s);
        assertEq(token.balanceOf(payee), VALUE, "paid by the wallet");
    }

    function test_erc1271WalletThatRejectsOrAStrangersSignatureIsRefused() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(payer);
        vm.prank(payer);
        token.transfer(address(wallet), 50 ether);
        Auth memory a = _auth();
        a.from = address(wallet);
        (uint8 v, bytes32 r, bytes32 s) = _signAs(OTHER_PK, TRANSFER_TYPEHASH, a);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(v, r, s));
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);

        (v, r, s) = _signAs(PAYER_PK, TRANSFER_TYPEHASH, a);
        wallet.setRejectAll(true);
        _expectInvalidSignature();
        _transferBytes(a, _bytes(v, r, s));
        _expectInvalidSignature();
        _transferVrs(a, v, r, s);
        // The owner's key alone is not the wallet: its signature counts only through the wallet.
        assertEq(token.balanceOf(address(wallet)), 50 ether, "untouched");
    }

    function test_erc1271WalletCancelsThroughTheBytesForm() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(payer);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_PK, _cancelDigest(_tokenDomain(), address(wallet), NONCE));
        token.cancelAuthorization(address(wallet), NONCE, abi.encode(uint256(0), _bytes(v, r, s)));
        assertTrue(token.authorizationState(address(wallet), NONCE), "cancelled");
    }
}
