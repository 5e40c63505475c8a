import { decodeErrorResult, type Hex } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "./abis.generated";

const abi = [...channelManagerAbi, ...tollgateTokenAbi];

/**
 * The reason a call or transaction to our contracts reverted, as `Name(arg, …)` for the
 * contracts' custom errors (or the node's message for any other revert), or undefined when
 * `error` is not a revert at all (the RPC was unreachable, the request was malformed): the one
 * kind of failure that sending again cannot fix.
 *
 * @example
 * describeRevert(await client.call({ to: manager, data }).catch((e) => e)) // "ChannelNotFound(0x…, 0x…, 7)"
 */
export function describeRevert(error: unknown): string | undefined {
  let reverted = false;
  for (let e = error as (Error & { data?: unknown; cause?: unknown }) | undefined; e instanceof Error; e = e.cause as typeof e) {
    const data = typeof e.data === "string" ? e.data : (e.data as { data?: unknown } | undefined)?.data;
    if (typeof data === "string" && /^0x[0-9a-f]{8}/i.test(data)) {
      try {
        const { errorName, args } = decodeErrorResult({ abi, data: data as Hex });
        return `${errorName}(${(args ?? []).map(String).join(", ")})`;
      } catch {
        reverted = true;
      }
    }
    if (/revert/i.test(e.name) || /reverted/i.test(e.message)) reverted = true;
  }
  if (!reverted) return undefined;
  return (error as { shortMessage?: string }).shortMessage ?? (error as Error).message.split("\n")[0];
}
