import { BudgetExceededError } from "./errors";

/** Limits on what a client may cost the reader, in token base units. Absent means no limit. */
export type BudgetLimits = {
  /** The most one article may cost. */
  maxPrice?: bigint | undefined;
  /**
   * The most this client may put at stake over its lifetime as an object (a run of the CLI):
   * for every channel, the larger of what it deposited into it and how far it raised the balance
   * signed on it. See {@link Budget.committed}.
   */
  maxTotal?: bigint | undefined;
};

/** A hold on part of the total while a signature or a deposit is under way; settle it exactly once. */
export type BudgetHold = {
  /** It happened: count it, against `channel` (a new channel's key, once it exists). */
  commit(channel?: string): void;
  /** It did not happen (the wallet declined, the transaction failed): give the amount back. */
  release(): void;
};

export type Budget = {
  readonly limits: Readonly<BudgetLimits>;
  /**
   * What this client signed: over its channels, how far its proofs raised the highest balance
   * the reader was known to have signed. Counted when a proof is signed, whatever the server
   * later says it charged, and never given back.
   */
  readonly spent: bigint;
  /** What this client deposited into channels (openings and top-ups). */
  readonly deposited: bigint;
  /**
   * What counts against `maxTotal`: per channel, the larger of this client's deposits into it
   * and its signatures on it. A deposit is at stake as soon as it leaves the wallet, and paying
   * out of it puts nothing more at stake; paying out of an older deposit does.
   */
  readonly committed: bigint;
  /** Held by signatures and deposits under way. */
  readonly reserved: bigint;
  /**
   * Throws {@link BudgetExceededError} unless an article of `price` can be paid within the
   * limits: checked before a channel is opened or topped up for it.
   */
  checkPrice(price: bigint): void;
  /**
   * The deposit to make into `channel` (a new channel when undefined): `wanted`, or less if the
   * total leaves less room, but never less than `needed`.
   *
   * @throws {BudgetExceededError} when not even `needed` fits.
   */
  fitDeposit(channel: string | undefined, wanted: bigint, needed: bigint): bigint;
  /** Holds a deposit of `amount` into `channel` (undefined: a channel about to be opened), or throws {@link BudgetExceededError}. */
  holdDeposit(channel: string | undefined, amount: bigint): BudgetHold;
  /** Holds a signature raising `channel`'s highest signed balance by `raise`, or throws {@link BudgetExceededError}. */
  holdSignature(channel: string, raise: bigint, price: bigint): BudgetHold;
};

type Stake = { deposited: bigint; signed: bigint };
const weight = ({ deposited, signed }: Stake) => (deposited > signed ? deposited : signed);

/**
 * The reader's spending limits: a maximum price per article and a maximum in total, counted from
 * what the client itself does (signatures and deposits), never from what a site says.
 *
 * Concurrent payments each hold their share before they sign or send anything, so two of them
 * cannot both squeeze under the total.
 *
 * @example
 * const budget = createBudget({ maxPrice: parseAmount("0.05", 18), maxTotal: parseAmount("1", 18) })
 * budget.checkPrice(price)                              // before opening anything
 * const hold = budget.holdSignature(key, raise, price) // throws BudgetExceededError when over
 * try { await sign() } catch (e) { hold.release(); throw e }
 * hold.commit()
 */
export function createBudget(limits: BudgetLimits = {}, describe?: (amount: bigint) => string): Budget {
  const stakes = new Map<string, Stake>();
  let reserved = 0n;
  const total = (pick: (stake: Stake) => bigint) => [...stakes.values()].reduce((sum, stake) => sum + pick(stake), 0n);
  const committed = () => total(weight);
  const stakeOf = (channel: string | undefined): Stake => (channel && stakes.get(channel)) || { deposited: 0n, signed: 0n };
  const room = () => (limits.maxTotal === undefined ? undefined : limits.maxTotal - committed() - reserved);

  function hold(increase: bigint, exceeded: () => BudgetExceededError, count: (channel: string | undefined) => void): BudgetHold {
    const left = room();
    if (left !== undefined && increase > left) throw exceeded();
    reserved += increase;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error("a budget hold was settled twice");
      settled = true;
      reserved -= increase;
    };
    return {
      commit(channel) {
        settle();
        count(channel);
      },
      release: settle,
    };
  }

  function depositExceeded(amount: bigint) {
    return new BudgetExceededError({ limit: "total", price: amount, deposit: true, maximum: limits.maxTotal!, spent: committed() + reserved, describe });
  }

  return {
    limits,
    get spent() {
      return total((stake) => stake.signed);
    },
    get deposited() {
      return total((stake) => stake.deposited);
    },
    get committed() {
      return committed();
    },
    get reserved() {
      return reserved;
    },

    checkPrice(price) {
      if (price < 0n) throw new RangeError(`a price cannot be negative (got ${price})`);
      if (limits.maxPrice !== undefined && price > limits.maxPrice) {
        throw new BudgetExceededError({ limit: "price", price, maximum: limits.maxPrice, spent: committed() + reserved, describe });
      }
      // Whatever channel pays it, an article raises what was signed by its price.
      const signed = total((stake) => stake.signed);
      if (limits.maxTotal !== undefined && signed + price > limits.maxTotal) {
        throw new BudgetExceededError({ limit: "total", price, maximum: limits.maxTotal, spent: signed, describe });
      }
    },

    fitDeposit(channel, wanted, needed) {
      const left = room();
      if (left === undefined) return wanted;
      const stake = stakeOf(channel);
      // Depositing d raises the channel's weight from max(D, S) to max(D + d, S).
      const most = weight(stake) + left - stake.deposited;
      if (most < needed) throw depositExceeded(needed);
      return wanted < most ? wanted : most;
    },

    holdDeposit(channel, amount) {
      const before = stakeOf(channel);
      const increase = weight({ ...before, deposited: before.deposited + amount }) - weight(before);
      return hold(increase, () => depositExceeded(amount), (key) => {
        const into = key ?? channel;
        if (!into) throw new Error("a deposit hold for a new channel needs the channel's key to commit");
        const stake = stakeOf(into);
        stakes.set(into, { ...stake, deposited: stake.deposited + amount });
      });
    },

    holdSignature(channel, raise, price) {
      const before = stakeOf(channel);
      const increase = weight({ ...before, signed: before.signed + raise }) - weight(before);
      const exceeded = () => new BudgetExceededError({ limit: "total", price, maximum: limits.maxTotal!, spent: committed() + reserved, describe });
      return hold(increase, exceeded, () => {
        const stake = stakeOf(channel);
        stakes.set(channel, { ...stake, signed: stake.signed + raise });
      });
    },
  };
}
