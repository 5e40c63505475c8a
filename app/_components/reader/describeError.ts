import { isTollgateError } from "@/lib/protocol/errors";

/** What the reader can do about an error, as a button next to it. */
export type ErrorAction = "retry" | "switch-network" | "faucet" | "connect";

/** An error in the reader's words: never a stack trace, always something to do next. */
export type ReaderError = { title: string; detail: string; actions: ErrorAction[] };

type Causal = { name?: string; code?: unknown; message?: string; shortMessage?: string; cause?: unknown; serverStatus?: number; serverDetail?: string; dependency?: string; errorName?: string };

/** The error and its causes, outermost first (viem and the SDK wrap what the wallet threw). */
function chain(error: unknown): Causal[] {
  const seen: Causal[] = [];
  for (let e = error as Causal | undefined; e && typeof e === "object" && seen.length < 10; e = e.cause as Causal | undefined) seen.push(e);
  return seen;
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0]!.trim();

/**
 * Turns anything an operation threw into a title, one or two sentences and the actions that may
 * help. Checked from the most specific cause to the most generic, by name and code rather than
 * `instanceof` (the SDK, viem and wagmi may each be bundled more than once).
 */
export function describeError(error: unknown, { isLocalChain = false }: { isLocalChain?: boolean } = {}): ReaderError {
  const causes = chain(error);
  const has = (test: (e: Causal) => boolean) => causes.find(test);

  if (has((e) => e.code === 4001 || e.name === "UserRejectedRequestError")) {
    return { title: "You declined in your wallet", detail: "Nothing was signed or sent. Try again when you are ready.", actions: ["retry"] };
  }
  if (has((e) => e.name === "ChainMismatchError" || e.code === 4901 || e.name === "ChainNotConfiguredError" || e.name === "SwitchChainNotSupportedError")) {
    return { title: "Your wallet is on another network", detail: "Switch it to the network this site takes payments on, then try again.", actions: ["switch-network", "retry"] };
  }
  if (has((e) => e.name === "ConnectorNotConnectedError" || e.name === "ConnectorAccountNotFoundError")) {
    return { title: "Your wallet is not connected", detail: "Connect it again, then try again.", actions: ["connect"] };
  }

  const own = causes.find((e) => isTollgateError(e)) as (Causal & { shortMessage: string }) | undefined;
  if (own) {
    const detail = own.shortMessage;
    switch (own.name) {
      case "TokenBalanceTooLowError":
        return { title: "Not enough tokens", detail, actions: isLocalChain ? ["faucet", "retry"] : ["retry"] };
      case "BudgetExceededError":
        return { title: "Over your budget", detail, actions: [] };
      case "PaymentRefusedError":
        return { title: "The site refused the payment", detail: `${detail} Your channel was re-synced with the site and the payment retried once.`, actions: ["retry"] };
      case "SiteRequestError":
        if (own.serverStatus === undefined) {
          return { title: "The site cannot be reached", detail: "Check your connection and try again.", actions: ["retry"] };
        }
        // The gate's 503 says which dependency is down (the chain's node, a busy database) and when to retry.
        if (own.serverStatus === 503) return { title: "The site is unavailable for a moment", detail: own.serverDetail ?? "Try again in a few seconds.", actions: ["retry"] };
        return { title: "The site answered with an error", detail, actions: ["retry"] };
      case "ChainTransactionError":
        return { title: "The transaction failed", detail, actions: ["retry"] };
      case "ChannelUnavailableError":
        return { title: "The channel cannot do that", detail, actions: ["retry"] };
      case "MalformedAmountError":
        return { title: "That amount does not work", detail, actions: [] };
      case "ServiceUnavailableError":
        return {
          title: own.dependency === "database" ? "The site is busy right now" : "The site cannot reach the chain right now",
          detail: "Try again in a few seconds.",
          actions: ["retry"],
        };
      default:
        return { title: "Something went wrong", detail, actions: ["retry"] };
    }
  }

  if (has((e) => e.name === "HttpRequestError" || e.name === "TimeoutError" || e.name === "WebSocketRequestError")) {
    return { title: "The chain cannot be reached", detail: "The site's blockchain node did not answer. Check your connection and try again.", actions: ["retry"] };
  }
  if (has((e) => e.name === "TypeError" && /fetch|network/i.test(e.message ?? ""))) {
    return { title: "The site cannot be reached", detail: "Check your connection and try again.", actions: ["retry"] };
  }
  if (has((e) => e.code === 4902)) {
    return { title: "Your wallet does not know this network", detail: "Add the network in your wallet, or pick another wallet.", actions: ["switch-network"] };
  }
  const top = causes[0];
  const text = firstLine(top?.shortMessage ?? top?.message) || "An unexpected error happened.";
  return { title: "Something went wrong", detail: text.length > 300 ? `${text.slice(0, 300)}…` : text, actions: ["retry"] };
}
