import { formatAmount, formatTokenAmount, type TokenUnit } from "@/lib/protocol/amounts";

/**
 * A price as people read it ("0.01 TOLL"), carrying the exact amount in the token's base units
 * as its machine value and tooltip, since the short form rounds. Free reads as "Free".
 */
export function Price({ amount, unit, free = "Free" }: { amount: bigint; unit: TokenUnit; free?: string }) {
  if (amount === 0n) return <span className="price price-free">{free}</span>;
  const exact = `${formatAmount(amount, unit.decimals)} ${unit.symbol} = ${amount} base units`;
  return (
    <data className="price" value={amount.toString()} title={exact}>
      {formatTokenAmount(amount, unit)}
    </data>
  );
}
