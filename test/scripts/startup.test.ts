// Start-up refuses a wrong configuration (issue 10) and a wrong chain or Hardhat's public keys in
// production (issue 9 §4), with a message that names the variable and no stack trace: tried on
// the real `next start`, `npm run watcher` and `npm run receiver` against a real Hardhat node.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { ensureBuild } from "../../scripts/lib/build";
import { bin, root } from "../../scripts/lib/processes";
import { createTestDatabase, type TestDatabase } from "../db/databases";
import { startSite, startTestChain, type TestChain } from "../helpers/localSite";

let chain: TestChain;
let database: TestDatabase;

before(async () => {
  chain = await startTestChain();
  database = await createTestDatabase("sqlite");
  ensureBuild({ quiet: true });
});
after(async () => {
  chain?.stop();
  await database?.[Symbol.asyncDispose]();
});

/** The environment of a site on the test chain, as startSite gives it, with `change` applied. */
const siteEnv = (change: Record<string, string | undefined>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    RPC_URL: chain.url,
    CHAIN_ID: String(chain.deployment.chainId),
    CHANNEL_MANAGER_ADDRESS: chain.deployment.channelManager,
    TOKEN_ADDRESS: chain.deployment.token,
    NODE_ENV: "production",
    ALLOW_DEVELOPMENT_KEYS: "yes",
    __NEXT_PROCESSED_ENV: "true",
    PATH: `${root}/node_modules/.bin:${process.env.PATH}`,
  };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
};

/** Runs `command` to its exit (it must exit: a refused start-up) and returns its status and output. */
async function refused(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  const child = spawn(command, args, { cwd: root, env, detached: true });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 60_000);
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  return { status, output };
}

const nextStart = (env: NodeJS.ProcessEnv) => refused(bin("next"), ["start", "-p", "0", "-H", "127.0.0.1"], env);
const watcher = (env: NodeJS.ProcessEnv) => refused("npm", ["run", "--silent", "watcher"], env);
const receiverStatus = (env: NodeJS.ProcessEnv) => refused("npm", ["run", "--silent", "receiver", "--", "status"], env);

/** Exited non-zero, said `patterns`, and printed no stack trace. */
function assertRefused({ status, output }: { status: number | null; output: string }, ...patterns: RegExp[]) {
  assert.notEqual(status, 0, `it started:\n${output}`);
  for (const pattern of patterns) assert.match(output, pattern);
  assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace:\n${output}`);
}

describe("next start", () => {
  it("refuses a malformed variable, naming it and what to put there", async () => {
    assertRefused(await nextStart(siteEnv({ RPC_URL: "127.0.0.1:8545" })), /RPC_URL: is "127\.0\.0\.1:8545"/, /Put the chain's JSON-RPC endpoint/);
  });

  it("refuses a bad SITE_NAME (the pages' part of the configuration) before serving a page", async () => {
    assertRefused(await nextStart(siteEnv({ SITE_NAME: "x".repeat(61) })), /SITE_NAME: .*Put the site's name/);
  });

  it("refuses an RPC that serves another chain than CHAIN_ID", async () => {
    const result = await nextStart(
      siteEnv({ CHAIN_ID: "11155111", RECEIVER_PRIVATE_KEY: `0x${"ab".repeat(32)}`, SITE_URL: "https://news.example" }),
    );
    assertRefused(result, new RegExp(`CHAIN_ID: is 11155111, but the RPC at RPC_URL \\(${chain.url.replace(/\./g, "\\.")}\\) answers eth_chainId 31337`));
  });

  it("refuses Hardhat's development receiver key under NODE_ENV=production (next start's), unless ALLOW_DEVELOPMENT_KEYS=yes", async () => {
    assertRefused(await nextStart(siteEnv({ ALLOW_DEVELOPMENT_KEYS: undefined })), /RECEIVER_PRIVATE_KEY: .*Hardhat's public development key, which NODE_ENV=production refuses/);
    // The opt-in starts, and keeps the development wallet on the local chain (the demo's).
    const site = await startSite({ databaseUrl: database.url, chain });
    try {
      const html = await (await fetch(site.url)).text();
      assert.match(html, /<title>Tollgate<\/title>/);
    } finally {
      await site.stop();
    }
  });

  it("names the site SITE_NAME in the header and the title, with the logo from public/", async () => {
    const site = await startSite({ databaseUrl: database.url, chain, env: { SITE_NAME: "The Daily Toll" } });
    try {
      const html = await (await fetch(site.url)).text();
      assert.match(html, /<title>The Daily Toll<\/title>/);
      assert.match(html, /class="brand"[^>]*><img src="\/logo\.svg"[^>]*\/>The Daily Toll</);
      for (const asset of ["/logo.svg", "/favicon.ico"]) assert.equal((await fetch(`${site.url}${asset}`)).status, 200, asset);
    } finally {
      await site.stop();
    }
  });
});

describe("npm run watcher and npm run receiver", () => {
  it("refuse a malformed variable", async () => {
    assertRefused(await watcher(siteEnv({ WATCHER_BLOCK_RANGE: "all" })), /WATCHER_BLOCK_RANGE: is "all"/, /Put the most blocks one eth_getLogs asks for/);
    assertRefused(await receiverStatus(siteEnv({ CONFIRMATIONS: "0" })), /CONFIRMATIONS: is "0"/, /Put blocks a channel's creating transaction/);
  });

  it("refuse an RPC of another chain", async () => {
    const env = siteEnv({ CHAIN_ID: "1", RECEIVER_PRIVATE_KEY: `0x${"cd".repeat(32)}`, SITE_URL: "https://news.example" });
    assertRefused(await watcher(env), /CHAIN_ID: is 1, but the RPC .* answers eth_chainId 31337/);
    assertRefused(await receiverStatus(env), /CHAIN_ID: is 1, but the RPC .* answers eth_chainId 31337/);
  });

  it("refuse contracts that are not the configured deployment's", async () => {
    // The token is a contract but not a channel manager; the manager's token is not TOKEN_ADDRESS.
    assertRefused(await watcher(siteEnv({ CHANNEL_MANAGER_ADDRESS: `0x${"12".repeat(20)}` })), /CHANNEL_MANAGER_ADDRESS: there is no contract at 0x1212/);
    assertRefused(await watcher(siteEnv({ TOKEN_ADDRESS: chain.deployment.channelManager })), new RegExp(`TOKEN_ADDRESS: is ${chain.deployment.channelManager}, but the ChannelManager .* takes payment in ${chain.deployment.token}`));
    assertRefused(await receiverStatus(siteEnv({ TOKEN_DECIMALS: "6" })), /TOKEN_DECIMALS: is 6, but the token .* has 18 decimals/);
  });

  it("refuse Hardhat's keys under NODE_ENV=production, whatever the chain", async () => {
    assertRefused(await watcher(siteEnv({ ALLOW_DEVELOPMENT_KEYS: undefined })), /RECEIVER_PRIVATE_KEY: .*NODE_ENV=production refuses/);
    const hardhat7 = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";
    assertRefused(await receiverStatus(siteEnv({ ALLOW_DEVELOPMENT_KEYS: undefined, RECEIVER_PRIVATE_KEY: hardhat7 })), /RECEIVER_PRIVATE_KEY: is not valid: is one of Hardhat's public development keys/);
  });

  it("start on a good configuration", () => {
    const status = spawnSync("npm", ["run", "--silent", "receiver", "--", "status"], { cwd: root, env: siteEnv({}), encoding: "utf8", timeout: 60_000 });
    assert.equal(status.status, 0, status.stderr);
  });
});
