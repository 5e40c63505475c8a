/**
 * Brings Hardhat's generated artifact types into the type check. tsconfig.json excludes
 * `artifacts/` from its globs, so without these type-only re-exports `viem.deployContract(...)`
 * returns untyped contracts and every read is `unknown`. Erased at run time; `hardhat compile`
 * (part of `npm run generate`) must have run before `tsc`.
 */
export type { ChannelManager$Type } from "../../../artifacts/contracts/ChannelManager.sol/artifacts.js";
export type { TollgateToken$Type } from "../../../artifacts/contracts/TollgateToken.sol/artifacts.js";
export type { MockERC20$Type } from "../../../artifacts/contracts/mocks/MockERC20.sol/artifacts.js";
export type { NoFallback$Type } from "../../../artifacts/contracts/mocks/NoFallback.sol/artifacts.js";
export type { TokenReceiverMock$Type } from "../../../artifacts/contracts/mocks/TokenReceiverMock.sol/artifacts.js";
