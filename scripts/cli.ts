/**
 * `npm run tollgate -- <command> …`: read and pay for Tollgate articles from a terminal, and
 * manage the channels that pay for them. A thin shell over the SDK in lib/client; see
 * docs/client.md, or run it with --help.
 */
import { isTollgateError } from "../lib/protocol/errors";
import * as commands from "./cli/commands";
import { CliError, parseOptions, USAGE, UsageError } from "./cli/options";
import { setup } from "./cli/setup";

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = { stdout: (text: string) => process.stdout.write(text) };

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv, process.env);
  if (options === "help") {
    out.stdout(`${USAGE}\n`);
    return 0;
  }
  const ctx = await setup(options, log);
  await commands[options.command](ctx, options, out);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      log(`tollgate: ${error.message}\n(npm run tollgate -- --help for usage)`);
      process.exit(2);
    }
    // The SDK's errors carry a sentence for people and a docs link; anything else is unexpected.
    if (error instanceof CliError) log(`tollgate: ${error.message}`);
    else if (isTollgateError(error)) log(`tollgate: ${error.shortMessage}\n  see ${error.docsPath}`);
    else log(`tollgate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
