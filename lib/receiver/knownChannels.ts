import "server-only";
import type { Db } from "../db/Db";
import { toDbAddress } from "../db/hex";
import type { ChannelId } from "../protocol/typedData";
import type { Receiver } from "./context";
import type { ChannelState } from "./paymentChannel";

/** Channels remembered per database; past it, the one remembered longest ago is forgotten (about 0.5 kB each). */
const MAX_KNOWN = 10_000;
const known = new WeakMap<Db, Map<string, ChannelState>>();

/**
 * A channel's unique key (lib/receiver/channels.ts, `channelKey`) as one string, its addresses in
 * their database form, and the receiver that remembered it: what one receiver read is never
 * another's to pay through (the paid path checks that a channel pays this receiver on the read).
 */
const keyOf = (receiver: Receiver, sender: string, channelReceiver: string, openBlock: bigint) =>
  `${receiver.config.chainId}:${toDbAddress(receiver.config.channelManager)}:${toDbAddress(receiver.config.receiver.address)}:${sender}:${channelReceiver}:${openBlock}`;
const idKey = (receiver: Receiver, id: ChannelId) => keyOf(receiver, toDbAddress(id.sender), toDbAddress(id.receiver), id.openBlock);

const statesOf = (db: Db) => {
  let states = known.get(db);
  if (!states) known.set(db, (states = new Map()));
  return states;
};

/**
 * The state this process last read or wrote a channel in, as µRaiden's receiver kept its channels
 * in memory: a paying reader's next proof is checked against it, which spares the paid path its
 * database read. It may be stale (another instance, the watcher, a reorg changed the row since),
 * so it is only ever a guess to confirm: the acceptance's write holds only if the row still has
 * every fact the proof was checked against (lib/receiver/commitAcceptance.ts), and a refusal is
 * only ever given from a fresh read.
 */
export function knownChannel(receiver: Receiver, id: ChannelId): ChannelState | undefined {
  return statesOf(receiver.db).get(idKey(receiver, id));
}

/** Remembers a channel's state as just read from, or written to, its row. */
export function rememberChannel(receiver: Receiver, state: ChannelState): void {
  const states = statesOf(receiver.db);
  const key = keyOf(receiver, state.sender, state.receiver, state.openBlock);
  states.delete(key);
  if (states.size >= MAX_KNOWN) states.delete(states.keys().next().value!);
  states.set(key, state);
}

export function forgetChannel(receiver: Receiver, id: ChannelId): void {
  statesOf(receiver.db).delete(idKey(receiver, id));
}
