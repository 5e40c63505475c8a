import { z } from "zod";
import type { TokenUnit } from "./protocol/amounts";

/**
 * The variables that name the unit of the ERC-20 readers pay in (the demo token's by default). A
 * fork that pays in another token sets both to match it; the start-up checks compare
 * TOKEN_DECIMALS with the token's own `decimals()`.
 */
export const tokenVariables = {
  TOKEN_SYMBOL: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.$-]{1,11}$/, "must be 1 to 11 letters or digits")
    .default("TOLL")
    .describe("the payment token's symbol as readers see it, e.g. USDC"),
  TOKEN_DECIMALS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36)
    .default(18)
    .describe("the payment token's decimals() (18 for most ERC-20s, 6 for USDC)"),
};

const parsed = z.object(tokenVariables).safeParse(process.env);

/**
 * The payment token's unit. A wrong TOKEN_SYMBOL or TOKEN_DECIMALS stops start-up (lib/config.ts
 * parses them with the rest) before anything prices an article in it, so the fallback to the
 * defaults here only ever serves a process that was never started through that check (a test).
 */
export const tokenUnit: TokenUnit = parsed.success
  ? { symbol: parsed.data.TOKEN_SYMBOL, decimals: parsed.data.TOKEN_DECIMALS }
  : { symbol: "TOLL", decimals: 18 };
