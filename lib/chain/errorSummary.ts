/**
 * One line for a log from any error: viem's `shortMessage` when there is one (its `message`
 * spans many lines, with request bodies), the first line of `message` otherwise, bounded.
 */
export function errorSummary(error: unknown): string {
  const text = (error as { shortMessage?: string })?.shortMessage ?? (error instanceof Error ? error.message : String(error));
  return text.split("\n")[0].slice(0, 300);
}
