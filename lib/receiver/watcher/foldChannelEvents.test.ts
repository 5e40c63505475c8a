import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { foldChannelEvents, type FoldableEvent } from "./foldChannelEvents";

const event = (kind: FoldableEvent["kind"], blockNumber: bigint, amount = 0n, extra: Partial<FoldableEvent> = {}): FoldableEvent => ({
  kind,
  blockNumber,
  logIndex: 0,
  amount,
  delegate: null,
  settleTime: null,
  ...extra,
});

it("counts the opening deposit and top-ups only once they are confirmed", () => {
  const events = [event("created", 10n, 100n), event("toppedUp", 12n, 50n)];
  assert.equal(foldChannelEvents(events, 9n)?.confirmed, false);
  assert.equal(foldChannelEvents(events, 9n)?.deposit, 0n);
  assert.deepEqual([foldChannelEvents(events, 10n)?.deposit, foldChannelEvents(events, 11n)?.deposit], [100n, 100n]);
  assert.equal(foldChannelEvents(events, 12n)?.deposit, 150n);
  assert.equal(foldChannelEvents(events, 12n)?.confirmed, true);
});

it("counts a close request and a settlement at once, confirmed or not", () => {
  const closing = [event("created", 10n, 100n), event("closeRequested", 20n, 30n, { settleTime: 999n })];
  const folded = foldChannelEvents(closing, 10n)!;
  assert.equal(folded.status, "closing");
  assert.equal(folded.closingBalance, 30n);
  assert.equal(folded.settleAfter, 999n);
  assert.equal(foldChannelEvents([...closing, event("settled", 25n, 30n)], 10n)?.status, "settled");
});

it("keeps the newest withdrawn total and the delegate named at the opening", () => {
  const delegate = "0x00000000000000000000000000000000000000de" as const;
  const folded = foldChannelEvents([event("created", 1n, 100n, { delegate }), event("withdrawn", 2n, 10n), event("withdrawn", 3n, 40n)], 5n)!;
  assert.equal(folded.withdrawn, 40n);
  assert.equal(folded.delegate, delegate);
});

it("knows no channel without its creation (never seen, or dropped by a reorg)", () => {
  assert.equal(foldChannelEvents([], 100n), null);
  assert.equal(foldChannelEvents([event("toppedUp", 5n, 10n), event("closeRequested", 6n, 0n, { settleTime: 1n })], 100n), null);
});

it("folds in chain order whatever order the events come in", () => {
  const ordered = [
    event("created", 1n, 100n),
    event("toppedUp", 1n, 5n, { logIndex: 3 }),
    event("toppedUp", 4n, 7n),
    event("withdrawn", 6n, 20n),
    event("closeRequested", 8n, 50n, { settleTime: 77n }),
  ];
  fc.assert(
    fc.property(fc.shuffledSubarray(ordered, { minLength: ordered.length }), fc.bigInt({ min: 0n, max: 10n }), (shuffled, through) => {
      assert.deepEqual(foldChannelEvents(shuffled, through), foldChannelEvents(ordered, through));
    }),
    { seed: 7, numRuns: 200 },
  );
});
