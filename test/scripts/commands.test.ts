// The commands the README and docs/ tell people to type are executed, not only read (issue 10):
// every command of the README's Commands table, and every line of every ```sh block in README.md
// and docs/*.md, on a fresh local chain with a real site. A command that cannot run here is
// listed in SKIPPED with the reason; a new command with no way to run it fails this suite.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { toHex } from "viem";
import { seedArticles } from "../../scripts/db/seed";
import { devAccount, fundReaders } from "../../scripts/lib/localChain";
import { portAnswers, root, waitFor } from "../../scripts/lib/processes";
import { createTestDatabase, type TestDatabase } from "../db/databases";
import { freePort, startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";

/** Commands not run here, each with why, and where they are run instead. */
const SKIPPED: Record<string, string> = {
  "npm test": "this suite is part of it",
  "npm run demo": "runs until stopped, on its own chain and site: test/scripts/demo.test.ts runs it and buys the article it prints",
  "npm run bench": "minutes of load at 32 connections; docs/benchmarks.md records its runs (its --help is run here)",
  "npm run bench -- --duration 3 --warmup 1 --rounds 1": "a minute of load; the same benchmark as npm run bench",
  "npm run bench -- --only gate,acceptance --databases postgres": "minutes of load; the same benchmark as npm run bench",
  "npm install && npm run demo": "npm install is how this checkout was made; the demo: see npm run demo",
  "npm install && npm test": "npm install is how this checkout was made; npm test is what runs this suite",
  "npm run deploy -- --rpc-url https://rpc.example.org --key 0xYOUR_KEY --token 0xTheERC20YourReadersPayIn --challenge-period 86400 --confirmations 2":
    "needs a public chain; docs/operating.md's block runs the same command on the local chain",
};

let chain: TestChain;
let database: TestDatabase;
let site: TestSite;
let dir: string;

before(async () => {
  chain = await startTestChain();
  database = await createTestDatabase("sqlite");
  // The demo's sample articles: the docs' commands name them.
  await seedArticles(database.db);
  site = await startSite({ databaseUrl: database.url, chain });
  // The CLI reader (Hardhat's #2) pays from test tokens, as the demo gives it.
  await fundReaders(chain.url, chain.deployment, [2]);
  dir = mkdtempSync(path.join(tmpdir(), "tollgate-commands-"));
});
after(async () => {
  await site?.stop();
  chain?.stop();
  await database?.[Symbol.asyncDispose]();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const key = (index: number) => toHex(devAccount(index).getHdKey().privateKey!);

/** What the docs' placeholders stand for here (docs/operating.md says which it uses). */
function substitute(command: string): string {
  return command
    .replaceAll("http://localhost:3000", site.url)
    .replaceAll("http://127.0.0.1:8545", chain.url)
    .replaceAll("0xDEPLOYER_KEY", key(0))
    .replaceAll("0xTOKEN", chain.deployment.token);
}

/** The site's own environment, so that a command acts on the site under test, and the CLI's. */
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  ...site.env,
  PATH: `${root}/node_modules/.bin:${process.env.PATH}`,
  TOLLGATE_RPC_URL: chain.url,
  TOLLGATE_STATE: path.join(dir, "cli-state"),
});

function run(command: string, extra: Record<string, string> = {}) {
  const result = spawnSync("bash", ["-c", command], { cwd: root, env: { ...env(), ...extra }, encoding: "utf8", timeout: 240_000 });
  assert.equal(result.status, 0, `${command}\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/** A command that runs until stopped: started, awaited for `ready`, then Ctrl-C'd (SIGINT to its process group). */
async function runUntilReady(command: string, ready: RegExp, extra: Record<string, string> = {}): Promise<string> {
  const child = spawn("bash", ["-c", command], { cwd: root, env: { ...env(), ...extra }, detached: true });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<string>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? String(code))));
  try {
    await waitFor(`${command} to say ${ready}`, async () => ready.test(output) || child.exitCode !== null, 120_000);
    assert.match(output, ready, output);
  } finally {
    process.kill(-child.pid!, "SIGINT");
  }
  // As in a terminal: npm ends by the signal itself once its script has stopped.
  assert.ok(["0", "SIGINT"].includes(await exited), `${command} did not stop cleanly on Ctrl-C:\n${output}`);
  return output;
}

/** How each command of the README's table is run: the typed form, with its placeholders filled. */
const TABLE: Record<string, () => Promise<void> | void> = {
  "npm run chain": async () => {
    const port = await freePort();
    await runUntilReady("npm run chain", /Press Ctrl-C to stop it/, { CHAIN_PORT: String(port) });
    // Ctrl-C stopped the node too, not only the script.
    await waitFor("the chain's node to stop", async () => !(await portAnswers(`http://127.0.0.1:${port}`)), 10_000);
  },
  "npm run setup": () => {
    const output = run(`npm run setup -- --yes --deploy --rpc-url ${chain.url} --file ${dir}/setup.env --database-url file:${dir}/setup.db`);
    assert.match(output, /Next:/);
  },
  "npm run bundle-size": () => {
    // The site under test was built by startSite, so this reads that build's manifests.
    assert.match(run("npm run bundle-size"), /\/articles\/\[slug\]/);
  },
  "npm run gas": () => {
    assert.match(run("npm run gas"), /createChannel|cooperativeClose/);
  },
  "npm run tollgate -- --help": () => {
    assert.match(run("npm run tollgate -- --help"), /Usage: npm run tollgate -- <command>/);
    assert.match(run("npm run tollgate -- help"), /Usage: npm run tollgate -- <command>/);
  },
  "npm run receiver -- status": () => {
    assert.match(run("npm run receiver -- status"), /Gas/);
  },
  "npm run receiver -- withdraw [--min AMOUNT]": () => {
    run("npm run receiver -- withdraw --min 0.01");
  },
  "npm run watcher": async () => {
    await runUntilReady("npm run watcher", /watcher: chain 31337 at .*ChannelManager/);
  },
  "npm run db:migrate": () => {
    assert.match(run("npm run db:migrate", { DATABASE_URL: `file:${dir}/migrate.db` }), /applied \d+ migration/);
  },
  "npm run db:seed": () => {
    assert.match(run("npm run db:seed", { DATABASE_URL: `file:${dir}/migrate.db` }), /seeded \d+ articles/);
  },
  "npm run deploy -- --rpc-url URL --key 0x… --token 0x…": () => {
    assert.match(run(`npm run deploy -- --rpc-url ${chain.url} --key ${key(0)} --token ${chain.deployment.token} --confirmations 1`), /ChannelManager 0x/);
  },
  "npm run generate": () => {
    run("npm run generate");
  },
};

const readme = readFileSync(path.join(root, "README.md"), "utf8");

describe("the README's Commands table", () => {
  const table = readme.slice(readme.indexOf("## Commands"), readme.indexOf("\n## ", readme.indexOf("## Commands") + 1));
  const commands = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);

  it("has a way to run every command, or a reason not to", () => {
    assert.ok(commands.length >= 10, table);
    for (const command of commands) assert.ok(command in TABLE || command in SKIPPED, `no way to run ${command}: add it to TABLE or SKIPPED`);
  });

  for (const command of commands.filter((c) => c in TABLE)) {
    it(command, { timeout: 300_000 }, async () => TABLE[command]!());
  }
});

/** The ```sh blocks of a Markdown file, as lists of commands (comment lines dropped, `\` joined). */
function shellBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/^( *)```sh\n(.*?)^\1```/gms)].map((block) =>
    block[2]!
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line && !line.startsWith("#")),
  );
}

const files = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("the sh blocks of README.md and docs/", () => {
  for (const file of files) {
    shellBlocks(readFileSync(path.join(root, file), "utf8")).forEach((block, index) => {
      it(`${file}, block ${index + 1}: ${block.join("; ")}`, { timeout: 300_000 }, () => {
        for (const command of block) {
          if (command in SKIPPED) continue;
          run(substitute(command));
        }
      });
    });
  }
});
