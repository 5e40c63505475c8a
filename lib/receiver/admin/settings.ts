import "server-only";
import { fromDbAmount, toDbAmount } from "../../db/amount";
import { parseAmount } from "../../protocol/amounts";
import { isTollgateError } from "../../protocol/errors";
import { isChainUnreachable } from "../../chain/isChainUnreachable";
import { tokenUnit } from "../../token";
import type { Receiver } from "../context";
import { getWatcherStatus } from "../watcher/watcherStatus";

const DEFAULT_PRICE = "defaultPrice";
/** A new article's price until the publisher sets one: a cent of a dollar-like token. */
const FALLBACK_DEFAULT_PRICE = 10n ** BigInt(Math.max(0, tokenUnit.decimals - 2));

/** The price the article form starts with (base units). */
export async function defaultPrice(receiver: Receiver): Promise<bigint> {
  const row = await receiver.db.siteSetting.findUnique({ where: { key: DEFAULT_PRICE } });
  return row ? fromDbAmount(row.value) : FALLBACK_DEFAULT_PRICE;
}

/** Saves the default price typed in tokens; returns the field's error message, or null. */
export async function saveDefaultPrice(receiver: Receiver, input: string): Promise<string | null> {
  let price: bigint;
  try {
    price = parseAmount(input, tokenUnit.decimals);
  } catch (error) {
    if (isTollgateError(error)) return error.shortMessage.replace(/^The amount/, "The price");
    throw error;
  }
  const value = toDbAmount(price);
  await receiver.db.siteSetting.upsert({ where: { key: DEFAULT_PRICE }, create: { key: DEFAULT_PRICE, value }, update: { value } });
  return null;
}

/**
 * What the settings page shows: the confirmations the gate waits for (CONFIRMATIONS), the
 * watcher's state, and the receiver's ether for gas (null while the chain is unreachable:
 * the page still renders, saying so).
 */
export async function receiverSettings(receiver: Receiver) {
  const { config, chain } = receiver;
  const [price, watcher, gasBalance] = await Promise.all([
    defaultPrice(receiver),
    getWatcherStatus(receiver),
    chain.getBalance({ address: config.receiver.address }).catch((error: unknown) => {
      if (isChainUnreachable(error)) return null;
      throw error;
    }),
  ]);
  return {
    defaultPrice: price,
    confirmations: config.confirmations,
    receiver: config.receiver.address,
    chainId: config.chainId,
    watcher,
    gasBalance,
    gasBalanceWarning: config.transactions.gasBalanceWarning,
  };
}
