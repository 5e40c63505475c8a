import { BudgetExceededError } from "./errors";

/** Limits on what a client may pay, in token base units. Absent means no limit. */
export type BudgetLimits = {
  /** The most one article may cost. */
  maxPrice?: bigint | undefined;
  /** The most this client may pay in total (over its lifetime as an object: not persisted). */
  maxTotal?: bigint | undefined;
};

/** A hold on part of the budget while a payment is in flight; settle it exactly once. */
export type BudgetReservation = {
  readonly price: bigint;
  /** The payment went through and cost `cost` (0 when the article was already paid for). */
  commit(cost: bigint): void;
  /** The payment did not happen: give the amount back. */
  release(): void;
};

export type Budget = {
  readonly limits: Readonly<BudgetLimits>;
  /** Paid so far. */
  readonly spent: bigint;
  /** Held by payments in flight. */
  readonly reserved: bigint;
  /**
   * Holds `price` against the limits, or throws {@link BudgetExceededError}. Called before
   * anything is signed, so a refused payment leaves no signature behind. Concurrent payments
   * each hold their share, so two of them cannot both squeeze under the total.
   */
  reserve(price: bigint): BudgetReservation;
};

/**
 * The reader's spending limits: a maximum price per article and a maximum in total.
 *
 * @example
 * const budget = createBudget({ maxPrice: parseAmount("0.05", 18), maxTotal: parseAmount("1", 18) })
 * const hold = budget.reserve(price) // throws BudgetExceededError when over a limit
 * try { …pay…; hold.commit(receipt.cost) } catch (e) { hold.release(); throw e }
 */
export function createBudget(limits: BudgetLimits = {}, describe?: (amount: bigint) => string): Budget {
  let spent = 0n;
  let reserved = 0n;
  return {
    limits,
    get spent() {
      return spent;
    },
    get reserved() {
      return reserved;
    },
    reserve(price) {
      if (price < 0n) throw new RangeError(`a price cannot be negative (got ${price})`);
      if (limits.maxPrice !== undefined && price > limits.maxPrice) {
        throw new BudgetExceededError({ limit: "price", price, maximum: limits.maxPrice, spent: spent + reserved, describe });
      }
      if (limits.maxTotal !== undefined && spent + reserved + price > limits.maxTotal) {
        throw new BudgetExceededError({ limit: "total", price, maximum: limits.maxTotal, spent: spent + reserved, describe });
      }
      reserved += price;
      let settled = false;
      const settle = () => {
        if (settled) throw new Error("a budget reservation was settled twice");
        settled = true;
        reserved -= price;
      };
      return {
        price,
        commit(cost) {
          settle();
          // The server may charge less than the price (0 for an article already paid), never more:
          // a proof raises the balance by exactly the price it was signed for.
          spent += cost < price ? cost : price;
        },
        release: settle,
      };
    },
  };
}
