import { getAddress, type Address, type PublicClient } from "viem";
import { channelManagerAbi } from "../../chain/abis.generated";
import type { ChannelId } from "../../protocol/typedData";

/**
 * Every channel `sender` opened on `manager` (to `receiver`, if given), from the indexed
 * `ChannelCreated` logs: how a client with empty storage finds its channels when the site knows
 * nothing of them. Closed channels are included; read each with `readChannel` to see which live.
 *
 * Scans from `fromBlock` (the manager's deployment block is best; 0 works on a local chain) in
 * windows of `blocksPerQuery`, because public RPCs cap the range of one `eth_getLogs`.
 *
 * @example
 * const ids = await findChannelsOnChain(publicClient, manager, { sender, receiver }, { fromBlock: 5_000_000n })
 */
export async function findChannelsOnChain(
  publicClient: PublicClient,
  manager: Address,
  filter: { sender: Address; receiver?: Address | undefined },
  { fromBlock = 0n, blocksPerQuery = 10_000n }: { fromBlock?: bigint; blocksPerQuery?: bigint } = {},
): Promise<ChannelId[]> {
  const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
  const found: ChannelId[] = [];
  for (let start = fromBlock; start <= latest; start += blocksPerQuery) {
    const end = start + blocksPerQuery - 1n < latest ? start + blocksPerQuery - 1n : latest;
    const logs = await publicClient.getContractEvents({
      address: manager,
      abi: channelManagerAbi,
      eventName: "ChannelCreated",
      args: { sender: filter.sender, ...(filter.receiver ? { receiver: filter.receiver } : {}) },
      fromBlock: start,
      toBlock: end,
      strict: true,
    });
    for (const log of logs) {
      found.push({ sender: getAddress(log.args.sender), receiver: getAddress(log.args.receiver), openBlock: log.args.openBlock });
    }
  }
  return found;
}
