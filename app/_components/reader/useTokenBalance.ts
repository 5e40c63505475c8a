"use client";
import { useQuery } from "@tanstack/react-query";
import { useAccount } from "wagmi";
import { tollgateTokenAbi } from "@/lib/chain/abis.generated";
import { useReader } from "./ReaderContext";

/** The connected reader's balance of the site's token (refreshed by the faucet). */
export function useTokenBalance() {
  const { config, publicClient } = useReader();
  const { address } = useAccount();
  return useQuery({
    queryKey: ["tollgate", "token-balance", config.token, address],
    enabled: Boolean(address),
    queryFn: async () => (await publicClient()).readContract({ address: config.token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [address!] }),
    staleTime: 15_000,
  });
}
