import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBudget } from "../../lib/client/createBudget";
import { BudgetExceededError } from "../../lib/client/errors";

describe("createBudget", () => {
  it("refuses a price above the maximum per article, naming both", () => {
    const budget = createBudget({ maxPrice: 5n });
    assert.throws(() => budget.reserve(6n), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError);
      assert.equal(error.limit, "price");
      assert.match(error.shortMessage, /costs 6, more than your maximum price of 5 per article: nothing was signed/);
      assert.match(error.message, /Docs: docs\/client\.md#budget-exceeded/);
      return true;
    });
    assert.equal(budget.reserve(5n).price, 5n);
  });

  it("refuses what would pass the total, counting payments in flight", () => {
    const budget = createBudget({ maxTotal: 25n });
    const first = budget.reserve(10n);
    const second = budget.reserve(10n);
    assert.throws(() => budget.reserve(10n), (error: unknown) => error instanceof BudgetExceededError && error.limit === "total" && error.spent === 20n);
    first.commit(10n);
    second.release();
    assert.equal(budget.spent, 10n);
    assert.equal(budget.reserved, 0n);
    budget.reserve(10n).commit(10n);
    assert.throws(() => budget.reserve(10n), /only 5 of your total budget of 25 is left \(20 spent\)/);
  });

  it("counts an already-paid article as free and never more than the price", () => {
    const budget = createBudget({ maxTotal: 100n });
    budget.reserve(10n).commit(0n);
    budget.reserve(10n).commit(50n);
    assert.equal(budget.spent, 10n);
  });

  it("settles a reservation exactly once", () => {
    const hold = createBudget().reserve(1n);
    hold.release();
    assert.throws(() => hold.commit(1n), /settled twice/);
  });

  it("formats amounts with the caller's formatter", () => {
    const budget = createBudget({ maxPrice: 10n ** 16n }, (a) => `${Number(a) / 1e18} TOLL`);
    assert.throws(() => budget.reserve(2n * 10n ** 16n), /costs 0\.02 TOLL, more than your maximum price of 0\.01 TOLL/);
  });
});
