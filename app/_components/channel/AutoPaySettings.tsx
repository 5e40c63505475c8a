"use client";
import { useState, type FormEvent } from "react";
import { formatAmount, formatTokenAmount } from "@/lib/protocol/amounts";
import { useReader } from "../reader/ReaderContext";
import { useAutoPay } from "../reader/useAutoPay";
import { AmountField, readAmount } from "../ui/AmountField";

/**
 * Auto-pay's settings: unlock articles up to a price without a click, until a total budget is
 * spent. Saving a new budget starts its count afresh.
 */
export function AutoPaySettings({ defaultMaxPrice }: { defaultMaxPrice: bigint }) {
  const { config } = useReader();
  const unit = config.tokenUnit;
  const [settings, save] = useAutoPay();
  const initialMax = settings.maxPrice > 0n ? settings.maxPrice : defaultMaxPrice;
  const [enabled, setEnabled] = useState(settings.enabled);
  const [maxText, setMaxText] = useState(() => formatAmount(initialMax, unit.decimals));
  const [budgetText, setBudgetText] = useState(() => formatAmount(settings.budget > 0n ? settings.budget : initialMax * 10n, unit.decimals));
  const [saved, setSaved] = useState(false);
  const max = readAmount(maxText, unit);
  const budget = readAmount(budgetText, unit);
  const valid = "amount" in max && "amount" in budget;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!("amount" in max) || !("amount" in budget)) return;
    const sameBudget = budget.amount === settings.budget;
    save({ enabled, maxPrice: max.amount, budget: budget.amount, spent: sameBudget ? settings.spent : 0n });
    setSaved(true);
  }

  return (
    <form className="auto-pay" onSubmit={submit} aria-labelledby="auto-pay-title" data-testid="auto-pay">
      <h3 id="auto-pay-title">Auto-pay</h3>
      <p>
        Unlock cheap articles as you open them, without a click, until a budget you set is spent. It pays only with this
        browser&apos;s session key.
      </p>
      <label className="choice">
        <input
          type="checkbox"
          name="autoPay"
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.target.checked);
            setSaved(false);
          }}
        />
        <span>Unlock articles automatically</span>
      </label>
      <AmountField
        name="maxPrice"
        label="Up to this price per article"
        value={maxText}
        onChange={(value) => (setMaxText(value), setSaved(false))}
        unit={unit}
        error={"error" in max ? max.error : undefined}
      />
      <AmountField
        name="budget"
        label="Total budget"
        value={budgetText}
        onChange={(value) => (setBudgetText(value), setSaved(false))}
        unit={unit}
        error={"error" in budget ? budget.error : undefined}
        hint={settings.enabled || settings.spent > 0n ? `Auto-pay has spent ${formatTokenAmount(settings.spent, unit)} of ${formatTokenAmount(settings.budget, unit)}.` : undefined}
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={!valid}>
          Save auto-pay
        </button>
        {settings.spent > 0n && (
          <button type="button" className="button" onClick={() => save({ ...settings, spent: 0n })}>
            Reset what it spent
          </button>
        )}
      </div>
      {saved && (
        <p className="notice notice-success" role="status">
          {enabled ? "Auto-pay is on." : "Auto-pay is off."}
        </p>
      )}
    </form>
  );
}
