import type { Address } from "viem";
import type { Deployment } from "../chain/deployment";
import { deployments } from "../chain/deployments.generated";

/**
 * The channel managers a client pays through on `chainId`: the ones it was given, else the
 * deployment recorded for that chain (`deployments/<chainId>.json`, generated into
 * `lib/chain/deployments.generated.ts`), else none. Never the contract a site names: a 402 naming
 * an attacker's contract whose `token()` is the right token would otherwise get a permit and a
 * deposit.
 *
 * @example
 * trustedChannelManagers(31337, undefined) // [the recorded local deployment's manager], or []
 * trustedChannelManagers(1, ["0x…"])       // ["0x…"]
 */
export function trustedChannelManagers(
  chainId: number,
  given: readonly Address[] | undefined,
  recorded: Readonly<Partial<Record<number, Deployment>>> = deployments,
): readonly Address[] {
  if (given) return given;
  const deployment = recorded[chainId];
  return deployment ? [deployment.channelManager] : [];
}
