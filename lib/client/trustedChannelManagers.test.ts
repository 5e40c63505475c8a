import assert from "node:assert/strict";
import { it } from "node:test";
import { getAddress } from "viem";
import { trustedChannelManagers } from "./trustedChannelManagers";

const recorded = {
  31337: { chainId: 31337, channelManager: getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"), token: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"), challengePeriod: 120, deployedAtBlock: 2 },
};

it("trusts the recorded deployment of the client's chain by default, and nothing on a chain without one", () => {
  assert.deepEqual(trustedChannelManagers(31337, undefined, recorded), [recorded[31337].channelManager]);
  assert.deepEqual(trustedChannelManagers(1, undefined, recorded), []);
});

it("trusts exactly the contracts it is given, the recorded one included only if given", () => {
  const mine = getAddress("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0");
  assert.deepEqual(trustedChannelManagers(31337, [mine], recorded), [mine]);
  assert.deepEqual(trustedChannelManagers(31337, [], recorded), []);
});
