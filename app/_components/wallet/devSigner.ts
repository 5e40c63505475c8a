import { createWalletClient, http, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/**
 * The development wallet's account and a wallet client that signs with it locally and sends
 * raw transactions to `chain`'s RPC. createDevProvider loads this module on the wallet's first
 * request: secp256k1 and viem's wallet actions then reach only a reader who picks the wallet.
 */
export function createDevSigner({ privateKey, chain }: { privateKey: Hex; chain: Chain }) {
  const account = privateKeyToAccount(privateKey);
  return { account, wallet: createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0]) }) };
}
