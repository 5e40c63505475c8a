/**
 * `npm run receiver -- <command>`: the publisher's side from a terminal, against the site's
 * database and chain (the same environment as the site: DATABASE_URL, RPC_URL, …).
 *
 *   status                    every channel: deposit, received, withdrawn, state, what is pending
 *   withdraw [--min AMOUNT]   withdraw what the proofs entitle the receiver to from open channels
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config";
import { parseDatabaseUrl, redactDatabaseUrl } from "../lib/db/databaseUrl";
import { MalformedAmountError } from "../lib/protocol/errors";
import { parseAmount } from "../lib/protocol/amounts";
import { checkStartup, refuseToStart } from "../lib/receiver/checkStartup";
import { getReceiver } from "../lib/receiver/getReceiver";
import { tokenUnit } from "../lib/token";
import { printStatus } from "./receiver/status";
import { withdraw } from "./receiver/withdraw";

const USAGE = `Usage: npm run receiver -- <command> [options]

Commands:
  status                  every channel with its deposit, what it paid, what was withdrawn, its
                          state, and the receiver's transactions still under way
  withdraw                withdraw from every open channel what its latest proof entitles the
                          receiver to, one transaction per channel, and wait for each to confirm
  help                    show this help

Options:
  --min AMOUNT            with withdraw: skip channels with less than this to withdraw, in tokens
                          (e.g. 0.5; default: anything above zero)

The environment is the site's (DATABASE_URL, RPC_URL, CHAIN_ID, RECEIVER_PRIVATE_KEY, …). When a
site of this database is running, its watcher sends the withdrawals; otherwise this command does.`;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { min: { type: "string" }, help: { type: "boolean", short: "h" } } });
const command = values.help ? "help" : (positionals[0] ?? "help");

try {
  if (command === "help") {
    console.log(USAGE);
    process.exit(0);
  }
  if (command !== "status" && command !== "withdraw") {
    console.error(`receiver: unknown command "${command}"\n\n${USAGE}`);
    process.exit(2);
  }
  const receiver = getReceiver();
  await checkStartup(receiver, () => undefined);
  let ok = true;
  if (command === "status") await printStatus(receiver);
  else ok = await withdraw(receiver, { min: values.min === undefined ? 1n : parseAmount(values.min, tokenUnit.decimals) });
  await receiver.db.$disconnect();
  process.exit(ok ? 0 : 1);
} catch (error) {
  if (error instanceof ConfigError) refuseToStart(error);
  if (error instanceof MalformedAmountError) {
    console.error(`receiver: --min ${error.shortMessage}`);
    process.exit(2);
  }
  const text = error instanceof Error ? error.message : String(error);
  // Prisma's P2021: the database exists but was never migrated.
  if (/no such table|relation .* does not exist|P2021/.test(text)) {
    console.error(`receiver: the database ${redactDatabaseUrl(parseDatabaseUrl().url)} has no Tollgate tables: run \`npm run db:migrate\` with the same DATABASE_URL`);
  } else console.error(`receiver: ${text}`);
  process.exit(1);
}
