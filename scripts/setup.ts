/**
 * `npm run setup`: walks a new publisher through the values a Tollgate site needs, deploys the
 * contracts when asked (through scripts/deploy.ts), prepares the database and writes `.env`.
 * Every question has a default (Enter takes it); each also has a flag, and `--yes` takes every
 * default without asking, for CI and tests:
 *
 *   npm run setup                                  # asks
 *   npm run setup -- --yes                         # a local site on `npm run chain`'s node
 *   npm run setup -- --yes --rpc-url https://… --receiver-key 0x… --site-url https://… --token 0x…
 *
 * On the local chain (31337) the defaults are the demo's: Hardhat's development accounts, the
 * faucet test token, a 120 s challenge period. Anywhere else the receiver's key, the site's URL
 * and the token readers pay in must be given (or typed), and the faucet token is refused unless
 * --deploy-faucet-token asks for it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createPublicClient, http, isAddress, isHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { deploymentSchema, type Deployment } from "../lib/chain/deployment";
import { DEMO_READERS, devAccount, fundReaders } from "./lib/localChain";
import { root } from "./lib/processes";

const LOCAL_CHAIN_ID = 31337;
const hex = (bytes: Uint8Array | null) => `0x${Buffer.from(bytes!).toString("hex")}` as Hex;

const { values: flags } = parseArgs({
  options: {
    yes: { type: "boolean", short: "y", default: false },
    force: { type: "boolean", default: false },
    "file": { type: "string", default: path.join(root, ".env") },
    "site-name": { type: "string" },
    "site-url": { type: "string" },
    "rpc-url": { type: "string" },
    "receiver-key": { type: "string" },
    deploy: { type: "boolean" },
    "no-deploy": { type: "boolean" },
    "deployer-key": { type: "string" },
    token: { type: "string" },
    "deploy-faucet-token": { type: "boolean", default: false },
    "challenge-period": { type: "string" },
    confirmations: { type: "string" },
    "database-url": { type: "string" },
    seed: { type: "boolean" },
    "no-seed": { type: "boolean" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (flags.help) {
  console.log(`Usage: npm run setup [-- options]

Asks for each value (Enter takes the default shown), or takes every default with --yes.

  --yes, -y                 ask nothing: flags and defaults only
  --file PATH               where to write the configuration (default .env)
  --force                   overwrite an existing env file without asking
  --site-name NAME          the site's name (default Tollgate)
  --rpc-url URL             the chain's JSON-RPC endpoint (default http://127.0.0.1:8545, \`npm run chain\`)
  --receiver-key 0x…        the publisher's key (default: a new one; Hardhat's account #1 locally)
  --site-url URL            the site's public origin (default http://localhost:3000 locally)
  --deploy, --no-deploy     deploy the contracts (default: when the chain has no recorded deployment)
  --deployer-key 0x…        the key that pays for the deployment (default: the receiver's; #0 locally)
  --token 0x…               the ERC-20 readers pay in (default: the faucet test token, local chain only)
  --deploy-faucet-token     deploy the faucet test token off the local chain (a test network only)
  --challenge-period SECS   the channel manager's challenge period (default 120 locally, 86400 elsewhere)
  --confirmations N         blocks before a new channel's proofs count (default 1 locally, 5 elsewhere)
  --database-url URL        file:./tollgate.db (default) or postgres://…
  --seed, --no-seed         put the sample articles in the database (default: yes locally)`);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`setup: ${message}`);
  process.exit(1);
}

// Questions read stdin line by line through one iterator, so answers typed (or piped) ahead of
// their question wait for it instead of being lost.
const lines = flags.yes ? undefined : createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();

/**
 * One value: the flag's when given, else the answer to `question` (the default when empty, or
 * with --yes), checked by `check` (a message to ask again with, or undefined when fine).
 */
async function ask(question: string, { flag, fallback, check }: { flag?: string | undefined; fallback?: string; check?: (value: string) => string | undefined }): Promise<string> {
  for (;;) {
    let value = flag;
    if (value === undefined && lines) {
      process.stdout.write(`${question}${fallback ? ` [${fallback}]` : ""}: `);
      const next = await lines.next();
      if (next.done) fail(`stdin ended before "${question}" was answered`);
      value = next.value.trim();
    }
    value = value || fallback || "";
    const problem = check?.(value);
    if (!problem) return value;
    if (flag !== undefined || !lines) fail(`${question}: ${problem}`);
    console.log(`  ${problem}`);
  }
}

const yesNo = async (question: string, flag: boolean | undefined, fallback: boolean): Promise<boolean> =>
  /^y/i.test(
    await ask(`${question} (y/n)`, {
      flag: flag === undefined ? undefined : flag ? "y" : "n",
      fallback: fallback ? "y" : "n",
      check: (v) => (/^(y|yes|n|no)$/i.test(v) ? undefined : "answer y or n"),
    }),
  );

const isKey = (k: string) => (isHex(k) && k.length === 66 ? undefined : "a private key is 0x and 64 hex digits");
const isUrl = (u: string) => (z.url({ protocol: /^https?$/ }).safeParse(u).success ? undefined : "an http(s) URL, e.g. https://news.example");
const isCount = (n: string) => (/^[1-9]\d*$/.test(n) ? undefined : "a whole number, 1 or more");

const envFile = path.resolve(flags["file"]);
if (existsSync(envFile) && !flags.force) {
  const overwrite = await yesNo(`${envFile} exists: overwrite it`, flags.yes ? false : undefined, false);
  if (!overwrite) fail(`${envFile} exists; pass --force to overwrite it, or --file to write another file`);
}

console.log("Tollgate setup: Enter takes the value in brackets.\n");
const siteName = await ask("Site name", { flag: flags["site-name"], fallback: "Tollgate", check: (v) => (v.length <= 60 ? undefined : "at most 60 characters") });
const rpcUrl = await ask("Chain RPC URL", { flag: flags["rpc-url"], fallback: "http://127.0.0.1:8545", check: isUrl });
// Retries: the node may close an idle keep-alive connection while the deployment runs in its child.
const chain = createPublicClient({ transport: http(rpcUrl) });
const chainId = await chain.getChainId().catch(() =>
  fail(
    `nothing answers JSON-RPC at ${rpcUrl}.` +
      (/127\.0\.0\.1|localhost/.test(rpcUrl) ? " Start a local chain first, in another terminal: npm run chain" : " Check the URL (and any API key it needs)."),
  ),
);
const isLocal = chainId === LOCAL_CHAIN_ID;
console.log(`  chain id ${chainId}${isLocal ? " (the local Hardhat chain)" : ""}`);

// Locally the demo's publisher (Hardhat's account #1, which holds test ETH for gas); elsewhere a
// new key, which the publisher funds and keeps.
const localReceiver = hex(devAccount(1).getHdKey().privateKey);
const receiverKey = (await ask("Receiver (publisher) private key, or Enter for " + (isLocal ? "Hardhat's account #1" : "a new key"), {
  flag: flags["receiver-key"],
  fallback: isLocal ? localReceiver : generatePrivateKey(),
  check: isKey,
})) as Hex;
const receiver = privateKeyToAccount(receiverKey);
const siteUrl = await ask("Site's public URL", { flag: flags["site-url"], fallback: isLocal ? "http://localhost:3000" : undefined, check: isUrl });

const recordFile = path.join(root, "deployments", `${chainId}.json`);
const recorded = existsSync(recordFile) ? deploymentSchema.parse(JSON.parse(readFileSync(recordFile, "utf8"))) : undefined;
// A record whose contract is gone (a restarted local chain forgets everything) is no deployment.
const recordedLive = recorded && (await chain.getCode({ address: recorded.channelManager })) ? recorded : undefined;
const deployFlag = flags.deploy ? true : flags["no-deploy"] ? false : undefined;
const shouldDeploy = await yesNo(
  recordedLive ? `deployments/${chainId}.json has ChannelManager ${recordedLive.channelManager}: deploy new contracts instead` : "Deploy the contracts now",
  deployFlag,
  !recordedLive,
);

let deployment: Deployment;
if (shouldDeploy) {
  const deployerKey = await ask("Deployer private key (pays the deployment's gas)", {
    flag: flags["deployer-key"],
    fallback: isLocal ? hex(devAccount(0).getHdKey().privateKey) : receiverKey,
    check: isKey,
  });
  const token = await ask(isLocal ? "Token readers pay in (0x…), or Enter to deploy the faucet test token" : "Address of the ERC-20 token readers pay in", {
    flag: flags.token,
    fallback: isLocal || flags["deploy-faucet-token"] ? "test" : undefined,
    check: (t) => (t === "test" || isAddress(t) ? undefined : "an ERC-20's 0x address" + (isLocal ? ', or "test"' : "")),
  });
  const challengePeriod = await ask("Challenge period, in seconds (how long a reader's lone close waits)", {
    flag: flags["challenge-period"],
    fallback: isLocal ? "120" : "86400",
    check: isCount,
  });
  const confirmations = await ask("Confirmations before a new channel counts", { flag: flags.confirmations, fallback: isLocal ? "1" : "5", check: isCount });
  const args = ["--rpc-url", rpcUrl, "--key", deployerKey, "--challenge-period", challengePeriod, "--confirmations", confirmations];
  if (token !== "test") args.push("--token", token);
  else if (!isLocal) args.push("--deploy-faucet-token");
  console.log("");
  try {
    // scripts/deploy.ts refuses the faucet token off the local chain unless asked, checks that
    // the token is a contract, writes deployments/<chainId>.json and regenerates the TS record.
    execFileSync(process.execPath, ["--import", "tsx", "scripts/deploy.ts", ...args], { cwd: root, stdio: "inherit" });
  } catch {
    fail("the deployment failed (see above); nothing was written");
  }
  deployment = deploymentSchema.parse(JSON.parse(readFileSync(recordFile, "utf8")));
  if (isLocal && token === "test") {
    await fundReaders(rpcUrl, deployment, DEMO_READERS);
    console.log(`Gave ${DEMO_READERS.map((i) => `account #${i}`).join(" and ")} 1000 test tokens each (the CLI reader and the development wallet)`);
  }
} else {
  if (!recordedLive) fail(`there is no live deployment on chain ${chainId}: run setup again and answer y to deploy, or run npm run deploy`);
  deployment = recordedLive;
}

const databaseUrl = await ask("Database URL (file:… for SQLite, postgres://… for PostgreSQL)", {
  flag: flags["database-url"],
  fallback: "file:./tollgate.db",
  check: (u) => (/^(file:|postgres(ql)?:\/\/)/.test(u) ? undefined : "file:./tollgate.db or postgres://user:password@host:5432/db"),
});
const seed = await yesNo("Add the sample articles", flags.seed ? true : flags["no-seed"] ? false : undefined, isLocal);

const run = (script: string) => execFileSync(process.execPath, ["--import", "tsx", script], { cwd: root, stdio: "inherit", env: { ...process.env, DATABASE_URL: databaseUrl } });
try {
  run("scripts/db/migrate.ts");
  if (seed) run("scripts/db/seed.ts");
} catch {
  fail(`could not prepare the database ${databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@")} (see above)`);
}

const quote = (value: string) => (/^[\w@%+=:,./-]*$/.test(value) ? value : JSON.stringify(value));
const entries: [string, string, string][] = [
  ["SITE_NAME", siteName, "the site's name (header, titles)"],
  ["SITE_URL", siteUrl, "the site's public origin (sign-in messages name it)"],
  ["RPC_URL", rpcUrl, "the chain's JSON-RPC endpoint"],
  ["CHAIN_ID", String(chainId), "checked against the RPC's eth_chainId at start-up"],
  ["CHANNEL_MANAGER_ADDRESS", deployment.channelManager, `deployed in block ${deployment.deployedAtBlock}, challenge period ${deployment.challengePeriod} s`],
  ["TOKEN_ADDRESS", deployment.token, "the ERC-20 readers pay in"],
  ["RECEIVER_PRIVATE_KEY", receiverKey, `the publisher, ${receiver.address}: keep this secret`],
  ["DATABASE_URL", databaseUrl, "the receiver's state"],
];
if (isLocal && receiverKey === localReceiver) {
  entries.push(["ALLOW_DEVELOPMENT_KEYS", "yes", "the local chain's Hardhat keys in a production build (never on a real site)"]);
}
writeFileSync(
  envFile,
  `# Written by npm run setup on ${new Date().toISOString().slice(0, 10)}; every variable is described in .env.example.\n` +
    entries.map(([name, value, comment]) => `# ${comment}\n${name}=${quote(value)}\n`).join(""),
  { mode: 0o600 },
);

const gas = await chain.getBalance({ address: receiver.address });
console.log(`
Wrote ${path.relative(process.cwd(), envFile).startsWith("..") ? envFile : path.relative(process.cwd(), envFile)}.

  Site        ${siteName} at ${siteUrl}
  Chain       ${chainId} at ${rpcUrl}
  Contracts   ChannelManager ${deployment.channelManager}, token ${deployment.token}
  Receiver    ${receiver.address} (${gas === 0n ? "no ETH yet: send it some for the gas of withdrawals and disputes" : "has ETH for gas"})

Next:
  npm run build && npm start          the site on http://localhost:3000
  npm run db:seed                     after adding your articles to scripts/db/sampleArticles.ts
  npm run tollgate -- get ${siteUrl}/articles/micropayment-channels-explained${isLocal ? "" : " --key 0x…"}
See docs/forking.md for what to change for your own site.`);
process.exit(0);
