"use client";
import { useId } from "react";
import { parseAmount, type TokenUnit } from "@/lib/protocol/amounts";

/** Parses what the reader typed: the amount in base units, or the reason it is not one. */
export function readAmount(text: string, unit: TokenUnit): { amount: bigint } | { error: string } {
  try {
    const amount = parseAmount(text, unit.decimals);
    return amount === 0n ? { error: "Enter an amount above zero." } : { amount };
  } catch (error) {
    return { error: (error as { shortMessage?: string }).shortMessage ?? "Enter a number such as 0.5." };
  }
}

/** A labelled token amount input with its unit and its hint or error, tied together for screen readers. */
export function AmountField({
  label,
  value,
  onChange,
  unit,
  hint,
  error,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  unit: TokenUnit;
  hint?: string | undefined;
  error?: string | undefined;
  name: string;
}) {
  const id = useId();
  const describedBy = `${id}-note`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="amount">
        <input
          id={id}
          name={name}
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        <span className="unit">{unit.symbol}</span>
      </div>
      <p id={describedBy} className={error ? "field-error" : "field-hint"}>
        {error ?? hint}
      </p>
    </div>
  );
}
