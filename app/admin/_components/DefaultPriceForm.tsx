"use client";
import { useActionState } from "react";
import { saveSettings } from "../actions";

export function DefaultPriceForm({ initial, symbol }: { initial: string; symbol: string }) {
  const [state, action, pending] = useActionState(saveSettings, null);
  return (
    <form action={action} noValidate>
      <div className="field">
        <label htmlFor="default-price">Default price of a new article</label>
        <div className="amount">
          <input id="default-price" name="defaultPrice" defaultValue={initial} inputMode="decimal" aria-invalid={state?.error ? true : undefined} aria-describedby="default-price-error" />
          <span className="unit">{symbol}</span>
        </div>
        {state?.error && <p className="field-error" id="default-price-error" data-testid="error-defaultPrice">{state.error}</p>}
        {state?.saved && <p className="field-hint" role="status">Saved.</p>}
      </div>
      <button type="submit" className="button" disabled={pending} data-testid="save-settings">
        Save
      </button>
    </form>
  );
}
