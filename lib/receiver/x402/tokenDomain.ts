import "server-only";
import { tollgateTokenAbi } from "../../chain/abis.generated";
import type { TokenDomain } from "../../protocol/x402";
import type { Receiver } from "../context";

const holder = globalThis as typeof globalThis & { __tollgateTokenDomains?: Map<string, Promise<TokenDomain>> };
const cache = (holder.__tollgateTokenDomains ??= new Map());

/**
 * The token's EIP-712 domain name and version, which x402's `exact` offer names in `extra` and the
 * buyer signs under. Read from the token itself, once per process: ERC-5267's `eip712Domain()`
 * (TollgateToken, OpenZeppelin tokens), else `name()` and `version()` (USDC's FiatToken, which
 * predates ERC-5267 and signs under its name). A read that fails is not cached.
 */
export function tokenDomain(receiver: Receiver): Promise<TokenDomain> {
  const { chainId, token } = receiver.config;
  const key = `${chainId}:${token}`;
  let domain = cache.get(key);
  if (!domain) {
    domain = read(receiver);
    cache.set(key, domain);
    domain.catch(() => cache.delete(key));
  }
  return domain;
}

async function read({ chain, config }: Receiver): Promise<TokenDomain> {
  const address = config.token;
  try {
    const [, name, version] = await chain.readContract({ address, abi: tollgateTokenAbi, functionName: "eip712Domain" });
    return { name, version };
  } catch {
    const [name, version] = await Promise.all([
      chain.readContract({ address, abi: tollgateTokenAbi, functionName: "name" }),
      chain.readContract({ address, abi: tollgateTokenAbi, functionName: "version" }),
    ]);
    return { name, version };
  }
}
