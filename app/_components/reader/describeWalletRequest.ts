import { decodeFunctionData, type Hex } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "@/lib/chain/abis.generated";
import { callLabels, type Step } from "./progress";

// Apart from progress.ts: decoding calldata brings viem's ABI decoder and the ABIs, which only
// the SDK's wallet transport needs (readerSdk.ts, loaded on first use).

/** Wallet methods that show the reader a prompt. */
export const PROMPT_METHODS = new Set(["eth_sendTransaction", "eth_signTypedData_v4"]);

/** A wallet request's label: decoded from the transaction's calldata or the typed data's type. */
export function describeWalletRequest(method: string, params: unknown): { kind: Step["kind"]; label: string } {
  const list = Array.isArray(params) ? params : [];
  if (method === "eth_signTypedData_v4") {
    let primaryType = "";
    try {
      const json = list[1];
      primaryType = ((typeof json === "string" ? JSON.parse(json) : json) as { primaryType?: string })?.primaryType ?? "";
    } catch {
      // Unreadable typed data: a generic label.
    }
    const label =
      primaryType === "Permit"
        ? "Sign the permit for the deposit (free: no transaction)"
        : primaryType === "BalanceProof"
          ? "Sign the payment (free: no transaction)"
          : "Sign the message";
    return { kind: "signature", label };
  }
  const data = (list[0] as { data?: Hex; input?: Hex } | undefined)?.data ?? (list[0] as { input?: Hex } | undefined)?.input;
  let functionName = "";
  if (data) {
    try {
      functionName = decodeFunctionData({ abi: [...channelManagerAbi, ...tollgateTokenAbi], data }).functionName;
    } catch {
      // Another contract: a generic label.
    }
  }
  return { kind: "transaction", label: callLabels[functionName] ?? "Send the transaction" };
}
