import { z } from "zod";
import { getAddress, type Address } from "viem";

const address = z.string().transform((value, ctx): Address => {
  try {
    return getAddress(value);
  } catch {
    ctx.addIssue({ code: "custom", message: `not an address: ${value}` });
    return z.NEVER;
  }
});

/** What a deployment records: the contracts' addresses and the facts a receiver needs about them. */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  channelManager: address,
  token: address,
  challengePeriod: z.number().int().positive(),
  /** First block to scan for channel events. */
  deployedAtBlock: z.number().int().nonnegative(),
});

export type Deployment = z.infer<typeof deploymentSchema>;
