// `npm run setup` against a real Hardhat node: with flags and --yes (CI), and answered on stdin
// one question at a time as a person would; the .env it writes then starts the receiver.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEnv } from "node:util";
import { createPublicClient, http, type Address } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { createDb } from "../../lib/db/createDb";
import { devAccount, startLocalChain } from "../../scripts/lib/localChain";
import { root, stop } from "../../scripts/lib/processes";
import { freePort } from "../helpers/localSite";

let chain: Awaited<ReturnType<typeof startLocalChain>>;
let dir: string;

before(async () => {
  chain = await startLocalChain({ port: await freePort() });
  dir = mkdtempSync(path.join(tmpdir(), "tollgate-setup-"));
});
after(() => {
  if (chain) stop(chain.node);
  rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, PATH: `${root}/node_modules/.bin:${process.env.PATH}` };
const setup = (args: string[]) => spawnSync("npm", ["run", "--silent", "setup", "--", ...args], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
const readEnv = (file: string) => parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
const client = () => createPublicClient({ transport: http(chain.url) });

/** `npm run receiver -- status` on the written configuration: the start-up checks pass and the database is migrated. */
function receiverStarts(file: string) {
  const status = spawnSync("npm", ["run", "--silent", "receiver", "--", "status"], {
    cwd: root,
    env: { ...env, ...readEnv(file), __NEXT_PROCESSED_ENV: "true" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(status.status, 0, status.stderr + status.stdout);
}

describe("npm run setup -- --yes", () => {
  it("deploys on the local chain with its defaults, funds the demo readers, seeds, writes .env and says what next", async () => {
    const file = path.join(dir, "yes.env");
    const db = `file:${path.join(dir, "yes.db")}`;
    const result = setup(["--yes", "--deploy", "--rpc-url", chain.url, "--file", file, "--database-url", db, "--site-name", "Fork Gazette"]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /Next:\n\s+npm run build && npm start/);

    const written = readEnv(file);
    assert.equal(written.SITE_NAME, "Fork Gazette");
    assert.equal(written.CHAIN_ID, "31337");
    assert.equal(written.DATABASE_URL, db);
    assert.equal(written.ALLOW_DEVELOPMENT_KEYS, "yes", "the local chain's Hardhat receiver in a production build");
    const manager = written.CHANNEL_MANAGER_ADDRESS as Address;
    assert.equal(await client().readContract({ address: manager, abi: channelManagerAbi, functionName: "challengePeriod" }), 120n);
    assert.equal(await client().readContract({ address: manager, abi: channelManagerAbi, functionName: "token" }), written.TOKEN_ADDRESS);
    const funded = await client().readContract({ address: written.TOKEN_ADDRESS as Address, abi: tollgateTokenAbi, functionName: "balanceOf", args: [devAccount(2).address] });
    assert.ok(funded >= 1000n * 10n ** 18n, "the CLI's reader has test tokens");

    const database = createDb(db);
    try {
      assert.ok((await database.article.count()) >= 4, "the sample articles");
    } finally {
      await database.$disconnect();
    }
    receiverStarts(file);
  });

  it("refuses to overwrite an existing file without --force", () => {
    const file = path.join(dir, "existing.env");
    writeFileSync(file, "SITE_NAME=Mine\n");
    const result = setup(["--yes", "--rpc-url", chain.url, "--file", file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /exists; pass --force to overwrite it/);
    assert.equal(readFileSync(file, "utf8"), "SITE_NAME=Mine\n");
  });

  it("says to start a chain when nothing answers at the RPC URL", async () => {
    const result = setup(["--yes", "--rpc-url", `http://127.0.0.1:${await freePort()}`, "--file", path.join(dir, "none.env")]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /nothing answers JSON-RPC at .* Start a local chain first, in another terminal: npm run chain/);
  });

  it("off the local chain, asks for what has no safe default, and never deploys the faucet token unasked", async () => {
    const other = await startLocalChain({ port: await freePort(), chainId: 1337 });
    try {
      const file = path.join(dir, "public.env");
      // One confirmation: this node mines only when sent a transaction.
      const base = ["--yes", "--deploy", "--confirmations", "1", "--rpc-url", other.url, "--file", file, "--database-url", `file:${path.join(dir, "public.db")}`];
      const noSiteUrl = setup(base);
      assert.equal(noSiteUrl.status, 1);
      assert.match(noSiteUrl.stderr, /Site's public URL: an http\(s\) URL/);
      // The deployer pays in ETH it has on this node (Hardhat's #0); the receiver is a new key.
      const deployer = ["--site-url", "https://news.example", "--deployer-key", `0x${Buffer.from(devAccount(0).getHdKey().privateKey!).toString("hex")}`];
      const noToken = setup([...base, ...deployer]);
      assert.equal(noToken.status, 1);
      assert.match(noToken.stderr, /Address of the ERC-20 token readers pay in: an ERC-20's 0x address/);
      const faucet = setup([...base, ...deployer, "--deploy-faucet-token", "--force"]);
      assert.equal(faucet.status, 0, faucet.stderr + faucet.stdout);
      const written = readEnv(file);
      assert.equal(written.CHAIN_ID, "1337");
      assert.equal(written.ALLOW_DEVELOPMENT_KEYS, undefined, "no development keys off the local chain");
      assert.notEqual(written.RECEIVER_PRIVATE_KEY, undefined);
      assert.equal(await createPublicClient({ transport: http(other.url) }).readContract({ address: written.CHANNEL_MANAGER_ADDRESS as Address, abi: channelManagerAbi, functionName: "challengePeriod" }), 86400n);
      assert.match(faucet.stdout, /no ETH yet: send it some for the gas/);
    } finally {
      stop(other.node);
    }
  });
});

describe("npm run setup, answered on stdin", () => {
  it("asks each value with its default, asks again after a wrong answer, and writes what was typed", { timeout: 180_000 }, async () => {
    const file = path.join(dir, "asked.env");
    const db = `file:${path.join(dir, "asked.db")}`;
    const child = spawn("npm", ["run", "--silent", "setup", "--", "--file", file], { cwd: root, env, detached: true });
    let output = "";
    let answered = 0;
    // Each answer goes when its question is on screen, as a person types.
    const answers: [RegExp, string][] = [
      [/Site name \[Tollgate\]: $/, "Interactive Times"],
      [/Chain RPC URL \[http:\/\/127\.0\.0\.1:8545\]: $/, chain.url],
      [/Receiver \(publisher\) private key, or Enter for Hardhat's account #1 \[0x59c6.*\]: $/, "0x12"],
      [/a private key is 0x and 64 hex digits\nReceiver \(publisher\) private key.*: $/, ""],
      [/Site's public URL \[http:\/\/localhost:3000\]: $/, ""],
      [/(Deploy the contracts now|deploy new contracts instead) \(y\/n\) \[[yn]\]: $/, "y"],
      [/Deployer private key \(pays the deployment's gas\) \[0x.*\]: $/, ""],
      [/Token readers pay in \(0x…\), or Enter to deploy the faucet test token \[test\]: $/, ""],
      [/Challenge period, in seconds .* \[120\]: $/, "300"],
      [/Confirmations before a new channel counts \[1\]: $/, ""],
      [/Database URL .* \[file:\.\/tollgate\.db\]: $/, db],
      [/Add the sample articles \(y\/n\) \[y\]: $/, "n"],
    ];
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      const next = answers[answered];
      if (next && next[0].test(output)) {
        answered++;
        child.stdin.write(`${next[1]}\n`);
      }
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", (chunk) => (output += chunk));
    const status = await exited;
    assert.equal(status, 0, output);
    assert.equal(answered, answers.length, `unanswered: ${answers[answered]?.[0]}\n${output}`);

    const written = readEnv(file);
    assert.equal(written.SITE_NAME, "Interactive Times");
    assert.equal(written.RPC_URL, chain.url);
    assert.equal(written.SITE_URL, "http://localhost:3000");
    assert.equal(await client().readContract({ address: written.CHANNEL_MANAGER_ADDRESS as Address, abi: channelManagerAbi, functionName: "challengePeriod" }), 300n);
    const database = createDb(db);
    try {
      assert.equal(await database.article.count(), 0, "no sample articles when answered n");
    } finally {
      await database.$disconnect();
    }
    receiverStarts(file);
  });
});
