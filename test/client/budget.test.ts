import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBudget } from "../../lib/client/createBudget";
import { BudgetExceededError } from "../../lib/client/errors";

describe("createBudget", () => {
  it("refuses a price above the maximum per article, naming both", () => {
    const budget = createBudget({ maxPrice: 5n });
    assert.throws(() => budget.checkPrice(6n), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError);
      assert.equal(error.limit, "price");
      assert.match(error.shortMessage, /costs 6, more than your maximum price of 5 per article: nothing was signed/);
      assert.match(error.message, /Docs: docs\/client\.md#budget-exceeded/);
      return true;
    });
    budget.checkPrice(5n);
  });

  it("counts what is signed, per channel, and never gives it back", () => {
    const budget = createBudget({ maxTotal: 25n });
    budget.holdSignature("a", 10n, 10n).commit();
    budget.holdSignature("b", 10n, 10n).commit();
    assert.equal(budget.spent, 20n);
    assert.equal(budget.committed, 20n);
    assert.throws(() => budget.checkPrice(10n), /only 5 of your total budget of 25 is left \(20 spent\)/);
    assert.throws(() => budget.holdSignature("a", 10n, 10n), (error: unknown) => error instanceof BudgetExceededError && error.limit === "total");
    // A proof that raises nothing (an article already paid, a proof signed before) costs nothing.
    budget.holdSignature("a", 0n, 10n).commit();
    assert.equal(budget.spent, 20n);
  });

  it("holds signatures under way against the total, so concurrent payments cannot both squeeze in", () => {
    const budget = createBudget({ maxTotal: 25n });
    const first = budget.holdSignature("a", 10n, 10n);
    const second = budget.holdSignature("b", 10n, 10n);
    assert.throws(() => budget.holdSignature("c", 10n, 10n), (error: unknown) => error instanceof BudgetExceededError && error.spent === 20n);
    first.commit();
    second.release(); // the wallet declined: nothing was signed
    assert.equal(budget.spent, 10n);
    assert.equal(budget.reserved, 0n);
    assert.throws(() => first.commit(), /settled twice/);
  });

  it("counts a deposit when it is made, and paying out of it costs nothing more", () => {
    const budget = createBudget({ maxTotal: 100n });
    budget.holdDeposit(undefined, 60n).commit("a");
    assert.equal(budget.committed, 60n);
    for (let i = 0; i < 6; i++) budget.holdSignature("a", 10n, 10n).commit();
    assert.equal(budget.spent, 60n);
    assert.equal(budget.committed, 60n, "the signatures were paid out of the deposit already counted");
    // Paying on a channel funded before this client (no deposit of its own) counts in full.
    budget.holdSignature("old", 10n, 10n).commit();
    assert.equal(budget.committed, 70n);
    assert.throws(() => budget.holdDeposit(undefined, 40n), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError);
      assert.ok(error.deposit);
      assert.match(error.shortMessage, /A deposit of 40 would put more at stake than the 30 left of your total budget of 100/);
      return true;
    });
  });

  it("fits a deposit to what is left, but never below what is needed", () => {
    const budget = createBudget({ maxTotal: 50n });
    assert.equal(budget.fitDeposit(undefined, 100n, 10n), 50n);
    budget.holdDeposit(undefined, 30n).commit("a");
    budget.holdSignature("a", 30n, 10n).commit();
    // Topping "a" up by d raises its weight from 30 to 30 + d: 20 fit.
    assert.equal(budget.fitDeposit("a", 100n, 10n), 20n);
    assert.equal(budget.fitDeposit("a", 5n, 5n), 5n);
    assert.throws(() => budget.fitDeposit(undefined, 100n, 21n), (error: unknown) => error instanceof BudgetExceededError && error.deposit);
    assert.equal(createBudget().fitDeposit(undefined, 100n, 10n), 100n, "no total, no cap");
  });

  it("formats amounts with the caller's formatter", () => {
    const budget = createBudget({ maxPrice: 10n ** 16n }, (a) => `${Number(a) / 1e18} TOLL`);
    assert.throws(() => budget.checkPrice(2n * 10n ** 16n), /costs 0\.02 TOLL, more than your maximum price of 0\.01 TOLL/);
  });
});
