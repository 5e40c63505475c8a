import type { TokenUnit } from "./protocol/amounts";

/**
 * The demo token's unit. A fork that pays in another ERC-20 sets TOKEN_SYMBOL and
 * TOKEN_DECIMALS to match it.
 */
export const tokenUnit: TokenUnit = {
  symbol: process.env.TOKEN_SYMBOL ?? "TOLL",
  decimals: Number(process.env.TOKEN_DECIMALS ?? 18),
};
