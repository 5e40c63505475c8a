/**
 * `npm run demo`: the whole site on embedded defaults. Starts a local Hardhat node, deploys the
 * contracts, builds the site when its sources changed, starts it, and prints where everything is.
 * Ctrl-C stops it all.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { recordDeployment } from "./deploy/deployContracts";
import { ensureBuild } from "./lib/build";
import { DEMO_READERS, deployLocal, fundReaders, startLocalChain } from "./lib/localChain";
import { bin, portAnswers, root, start, stopAll, waitFor } from "./lib/processes";

// PORT, CHAIN_PORT and DEMO_DB_FILE let a second demo (or the demo's own test) run beside one.
const PORT = Number(process.env.PORT ?? 3000);
const CHAIN_PORT = Number(process.env.CHAIN_PORT ?? 8545);
/** A block a second: confirmations deepen, and the challenge period's clock moves, without anyone transacting. */
const BLOCK_INTERVAL_MS = 1000;
const DEMO_DB = `file:${process.env.DEMO_DB_FILE ?? "./tollgate.db"}`;
process.env.DATABASE_URL = DEMO_DB;
// The demo's site is a production build (next start) that pays and signs with Hardhat's public
// development keys, which a production build refuses unless asked in so many words.
process.env.ALLOW_DEVELOPMENT_KEYS = "yes";
// The demo is the embedded defaults whatever a fork's .env (written by `npm run setup`) says:
// this tells Next.js (@next/env) that the environment is loaded already.
process.env.__NEXT_PROCESSED_ENV = "true";
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: root, stdio: "inherit" });

process.on("SIGINT", () => (stopAll(), process.exit(0)));
process.on("SIGTERM", () => (stopAll(), process.exit(0)));

try {
  console.log("▸ Starting a local Hardhat node");
  const chain = await startLocalChain({ port: CHAIN_PORT, blockIntervalMs: BLOCK_INTERVAL_MS });
  console.log(`▸ Deploying the contracts to ${chain.url}`);
  const deployment = await deployLocal(chain.url);
  process.env.RPC_URL = chain.url;
  await fundReaders(chain.url, deployment, DEMO_READERS);
  await recordDeployment(deployment);
  run(process.execPath, ["--import", "tsx", "scripts/generate-abis.ts"]);

  // The chain is new, so the receiver's records of the last run's channels are void: start the
  // demo database afresh too (same contract addresses, so old rows would alias new channels).
  console.log(`▸ Preparing the database (${DEMO_DB})`);
  rmSync(path.resolve(root, DEMO_DB.replace(/^file:/, "")), { force: true });
  run(process.execPath, ["--import", "tsx", "scripts/db/migrate.ts"]);
  run(process.execPath, ["--import", "tsx", "scripts/db/seed.ts"]);

  ensureBuild();
  console.log("▸ Starting the site");
  start(bin("next"), ["start", "-p", String(PORT), "-H", "127.0.0.1"], { log: (line) => console.log(`  [next] ${line}`) });
  await waitFor("the site", () => portAnswers(`http://127.0.0.1:${PORT}/`));

  console.log(`
Tollgate is running.

  Site            http://localhost:${PORT}
  Chain           ${chain.url} (chain id ${deployment.chainId}, a block every ${BLOCK_INTERVAL_MS / 1000} s)
  ChannelManager  ${deployment.channelManager}
  Token           ${deployment.token}
  Challenge       ${deployment.challengePeriod} s (the site's watcher disputes a close below what it was paid)
  Database        ${DEMO_DB}

Buy an article from the command line (pays from Hardhat's development account #2):

  npm run tollgate -- get http://localhost:${PORT}/articles/micropayment-channels-explained${CHAIN_PORT === 8545 ? "" : ` --rpc-url ${chain.url}`}

Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : error}`);
  stopAll();
  process.exit(1);
}
