import { MalformedAmountError } from "./errors";
import { MAX_UINT128 } from "./wire";

/**
 * Token amounts for people. Money is a bigint of the token's base units everywhere in code and
 * a decimal string on the wire; these functions convert to and from what a person reads and
 * types, exactly: no floats, so 0.1 + 0.2 stays 0.3 and no wei is lost.
 *
 * viem's `parseUnits` is not used because it rounds input with too many decimals; a person who
 * types more precision than the token has should be told, not silently charged something else.
 */

/** A token's display facts, as its ERC-20 `decimals()` and `symbol()` give them. */
export type TokenUnit = { decimals: number; symbol: string };

/** ERC-20 `decimals` is a uint8. A value outside it is a bug in the caller, not bad input. */
function checkDecimals(decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`decimals must be an integer from 0 to 255, got ${decimals}`);
  }
  return 10n ** BigInt(decimals);
}

/**
 * Base units to an exact decimal string, without trailing zeros.
 *
 * @example
 * formatAmount(1500000000000000000n, 18) // "1.5"
 * formatAmount(10n, 0) // "10"
 */
export function formatAmount(value: bigint, decimals: number): string {
  const base = checkDecimals(decimals);
  const magnitude = value < 0n ? -value : value;
  const whole = (magnitude / base).toString();
  const fraction = (magnitude % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${value < 0n ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * A person's decimal input to base units, exactly. Accepts digits with at most one decimal
 * point (`1`, `1.5`, `.5`, `1.`) and surrounding spaces; extra trailing zeros beyond the
 * token's decimals are fine (`1.50` for a 1-decimal token), extra significant digits are not.
 *
 * @throws {MalformedAmountError} (400) for anything else: signs, exponents, separators, more
 *   precision than the token has, or more than a channel can hold (2^128 − 1 base units).
 * @example
 * parseAmount("1.5", 18) // 1500000000000000000n
 * parseAmount("0.001", 2) // throws MalformedAmountError: has more than 2 decimal places …
 */
export function parseAmount(input: string, decimals: number): bigint {
  const base = checkDecimals(decimals);
  const text = input.trim();
  if (text === "") throw new MalformedAmountError({ input, reason: "is empty: enter a number such as 1.5" });
  const match = text.length <= 512 ? /^(?:(\d+)(?:\.(\d*))?|\.(\d+))$/.exec(text) : null;
  if (!match) {
    throw new MalformedAmountError({
      input,
      reason: "is not a plain decimal number: enter digits with at most one decimal point, such as 1.5 (no sign, spaces, separators or exponent)",
    });
  }
  const whole = match[1] ?? "0";
  let fraction = match[2] ?? match[3] ?? "";
  if (fraction.length > decimals) {
    if (/[1-9]/.test(fraction.slice(decimals))) {
      throw new MalformedAmountError({
        input,
        reason:
          decimals === 0
            ? "has a fractional part, but this token has no decimal places: enter a whole number"
            : `has more than ${decimals} decimal places, which is all this token has`,
      });
    }
    fraction = fraction.slice(0, decimals);
  }
  const value = BigInt(whole) * base + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (value > MAX_UINT128) {
    throw new MalformedAmountError({ input, reason: "is more than a channel can hold (2^128 − 1 base units)" });
  }
  return value;
}

/**
 * A short display string with the token's symbol, rounded half-up to at most
 * `maxFractionDigits` decimals (default 4). A positive amount too small to show reads as
 * `<0.0001 TOLL` rather than `0 TOLL`, so a price never looks free. Use {@link formatAmount}
 * where exactness matters (what the reader signs).
 *
 * @example
 * formatTokenAmount(10000000000000000n, { decimals: 18, symbol: "TOLL" }) // "0.01 TOLL"
 * formatTokenAmount(123456789n, { decimals: 6, symbol: "USDC" }) // "123.4568 USDC"
 * formatTokenAmount(1n, { decimals: 18, symbol: "TOLL" }) // "<0.0001 TOLL"
 */
export function formatTokenAmount(
  value: bigint,
  token: TokenUnit,
  options: { maxFractionDigits?: number } = {},
): string {
  checkDecimals(token.decimals);
  const digits = Math.min(options.maxFractionDigits ?? 4, token.decimals);
  checkDecimals(digits);
  const sign = value < 0n ? "-" : "";
  const magnitude = value < 0n ? -value : value;
  const scale = 10n ** BigInt(token.decimals - digits);
  const rounded = (magnitude + scale / 2n) / scale;
  if (rounded === 0n && magnitude > 0n) return `${sign}<${formatAmount(1n, digits)} ${token.symbol}`;
  return `${rounded === 0n ? "" : sign}${formatAmount(rounded, digits)} ${token.symbol}`;
}
