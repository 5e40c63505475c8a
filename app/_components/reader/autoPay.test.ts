import assert from "node:assert/strict";
import { it } from "node:test";
import { AUTO_PAY_OFF, autoPayDecision, parseAutoPay, serializeAutoPay } from "./autoPay";

const on = { enabled: true, maxPrice: 50n, budget: 100n, spent: 0n };

it("pays articles up to the maximum price while the budget lasts, and never crosses it", () => {
  assert.deepEqual(autoPayDecision(on, 50n), { pay: true });
  assert.deepEqual(autoPayDecision(on, 51n), { pay: false, reason: "price" });
  assert.deepEqual(autoPayDecision({ ...on, spent: 50n }, 50n), { pay: true });
  assert.deepEqual(autoPayDecision({ ...on, spent: 60n }, 50n), { pay: false, reason: "budget" });
  assert.deepEqual(autoPayDecision({ ...on, enabled: false }, 1n), { pay: false, reason: "off" });
});

it("round-trips its settings and reads anything unreadable as off", () => {
  const settings = { enabled: true, maxPrice: 10n ** 16n, budget: 10n ** 17n, spent: 3n };
  assert.deepEqual(parseAutoPay(serializeAutoPay(settings)), settings);
  assert.deepEqual(parseAutoPay(null), AUTO_PAY_OFF);
  assert.deepEqual(parseAutoPay("{"), AUTO_PAY_OFF);
  assert.deepEqual(parseAutoPay('{"enabled":true,"maxPrice":"-1","budget":"1e3"}'), { enabled: true, maxPrice: 0n, budget: 0n, spent: 0n });
});
