/**
 * The CLI's command line and environment, parsed with zod (a trust edge like any other).
 * Amounts stay strings here: they are read in the token's units once its decimals are known.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { addressCodec } from "../../lib/protocol/wire";

export const USAGE = `Usage: npm run tollgate -- <command> [options]

Commands:
  get <article-url>       fetch an article, paying for it if needed; prints it to stdout
  catalog <site-url>      list the site's articles and prices
  channels <site-url>     list your channels with the site (recovered from the site and the chain)
  close <site-url>        close your open channels with the site cooperatively
                          (--uncooperative: start closing without the receiver)
  settle <site-url>       settle your channels whose challenge period is over
  faucet <site-url>       take --amount test tokens (default 100, at most 1000) from the site's
                          token faucet (TollgateToken on a test chain)

Options:
  --key 0x…               the reader's private key (or env TOLLGATE_KEY); on the local chain
                          (id 31337) Hardhat's development account #2 is used when neither is set
  --rpc-url URL           the chain's JSON-RPC endpoint (env TOLLGATE_RPC_URL; default http://127.0.0.1:8545)
  --state DIR             where channels and session keys are kept (env TOLLGATE_STATE; default ~/.tollgate)
  --max-price AMOUNT      refuse articles costing more than this, in tokens (e.g. 0.05)
  --budget AMOUNT         refuse to sign or deposit more than this in total in this run, in tokens
                          (a deposit counts when made; paying out of it costs nothing more)
  --deposit AMOUNT        deposit of a new channel, in tokens (default 1)
  --top-up AMOUNT         add this much when a channel runs out, in tokens (default: the deposit; 0: never)
  --permit                open channels with one EIP-2612 permit transaction instead of approve + create
  --contract 0x…          the channel manager to trust (default: this chain's known deployment)
  --amount AMOUNT         with faucet: how many tokens to take (default 100)
  --uncooperative         with close: close without the receiver (settle after the challenge period)
  -h, --help              show this help`;

const amount = z.string().regex(/^\s*(\d+(\.\d*)?|\.\d+)\s*$/, { error: "must be a plain decimal number of tokens, such as 0.05" });
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: "must be a 0x-prefixed 32-byte hex private key" });

const optionsSchema = z.object({
  command: z.enum(["get", "catalog", "channels", "close", "settle", "faucet"], {
    error: "must be one of get, catalog, channels, close, settle, faucet",
  }),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  key: privateKey.optional(),
  rpcUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  state: z.string().min(1).optional(),
  maxPrice: amount.optional(),
  budget: amount.optional(),
  deposit: amount.default("1"),
  topUp: amount.optional(),
  amount: amount.default("100"),
  permit: z.boolean().default(false),
  contract: z.optional(addressCodec),
  uncooperative: z.boolean().default(false),
});

export type CliOptions = z.output<typeof optionsSchema>;

/** Thrown for a command line that cannot run; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the CLI explains in one sentence (no stack trace); exits 1. */
export class CliError extends Error {
  override name = "CliError";
}

/** Reads `argv` (without node and the script) and the environment. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: "string" },
        "rpc-url": { type: "string" },
        state: { type: "string" },
        "max-price": { type: "string" },
        budget: { type: "string" },
        deposit: { type: "string" },
        "top-up": { type: "string" },
        amount: { type: "string" },
        permit: { type: "boolean" },
        contract: { type: "string" },
        uncooperative: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return "help";
  if (positionals.length !== 2) throw new UsageError(`expected a command and one URL, got: ${positionals.join(" ")}`);
  const result = optionsSchema.safeParse({
    command: positionals[0],
    url: positionals[1],
    key: values.key ?? (env.TOLLGATE_KEY || undefined),
    rpcUrl: values["rpc-url"] ?? (env.TOLLGATE_RPC_URL || "http://127.0.0.1:8545"),
    state: values.state ?? (env.TOLLGATE_STATE || undefined),
    maxPrice: values["max-price"],
    budget: values.budget,
    deposit: values.deposit,
    topUp: values["top-up"],
    amount: values.amount,
    permit: values.permit,
    contract: values.contract,
    uncooperative: values.uncooperative,
  });
  if (!result.success) {
    const [issue] = result.error.issues;
    const where = issue?.path.join(".") ?? "";
    const name = { command: "command", url: "URL", key: "--key (or TOLLGATE_KEY)", rpcUrl: "--rpc-url" }[where] ?? `--${where.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${name} ${issue?.message ?? "is invalid"}`);
  }
  if (result.data.uncooperative && result.data.command !== "close") throw new UsageError("--uncooperative only goes with close");
  return result.data;
}
