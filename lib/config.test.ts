import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { ConfigError, configSchema, loadPublicConfig } from "./config";

const contracts = { CHANNEL_MANAGER_ADDRESS: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", TOKEN_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

it("gives the browser the development wallet on the local chain, funded demo reader #3", () => {
  const config = loadPublicConfig({ ...contracts, RPC_URL: "http://10.0.0.5:8545", PUBLIC_RPC_URL: "https://rpc.example.org/" } as unknown as NodeJS.ProcessEnv);
  assert.equal(config.isLocalChain, true);
  assert.equal(config.rpcUrl, "https://rpc.example.org/");
  assert.equal(privateKeyToAccount(config.devWallet!.privateKey).address, "0x90F79bf6EB2c4f870365E785982E1f101E93b906");
});

it("never on any other chain, and nothing secret goes to the browser", () => {
  const receiverKey = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
  const config = loadPublicConfig({ ...contracts, CHAIN_ID: "11155111", RECEIVER_PRIVATE_KEY: receiverKey, RPC_URL: "https://rpc.example.org", SITE_URL: "https://news.example" } as unknown as NodeJS.ProcessEnv);
  assert.equal(config.isLocalChain, false);
  assert.equal(config.devWallet, undefined);
  assert.equal(config.rpcUrl, "https://rpc.example.org", "PUBLIC_RPC_URL defaults to RPC_URL");
  assert.equal(config.chainName, "Chain 11155111");
  assert.equal(config.receiver, privateKeyToAccount(receiverKey).address);
  assert.ok(!JSON.stringify(config).includes(receiverKey.slice(2)), "the receiver's key reached the public config");
});

describe("a wrong configuration stops start-up with the variable's name and what to put there", () => {
  const fails = (env: Record<string, string>, ...patterns: RegExp[]) => {
    assert.throws(
      () => loadPublicConfig({ ...contracts, ...env } as unknown as NodeJS.ProcessEnv),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
        for (const pattern of patterns) assert.match(error.message, pattern);
        return true;
      },
    );
  };

  it("a malformed value, with its value and the variable's description", () => {
    fails({ RPC_URL: "localhost:8545" }, /RPC_URL: is "localhost:8545"/, /Put the chain's JSON-RPC endpoint/);
    fails({ CHAIN_ID: "mainnet" }, /CHAIN_ID: is "mainnet"/, /Put the chain's id/);
    fails({ TOKEN_DECIMALS: "eighteen" }, /TOKEN_DECIMALS: is "eighteen"/, /decimals\(\)/);
    fails({ SITE_NAME: "" }, /SITE_NAME: is not set/, /Put the site's name/);
    fails({ WATCHER: "maybe" }, /WATCHER: is "maybe"/, /Put on, or off/);
    fails({ DATABASE_URL: "mysql://db/x" }, /DATABASE_URL: is not valid: must start with file: \(SQLite\) or postgres/);
  });

  it("several at once, each on its line", () => {
    fails({ RPC_URL: "nope", MAX_FEE_PER_GAS_GWEI: "lots" }, /\n {2}RPC_URL: .*\n {2}MAX_FEE_PER_GAS_GWEI: /s);
  });

  it("never repeats a secret", () => {
    const secret = "0x1234";
    assert.throws(
      () => loadPublicConfig({ ...contracts, RECEIVER_PRIVATE_KEY: secret } as unknown as NodeJS.ProcessEnv),
      (error: Error) => /RECEIVER_PRIVATE_KEY: is not valid: must be a 0x-prefixed 32-byte key\. Put the publisher's key/.test(error.message) && !error.message.includes(secret),
    );
  });

  it("off the local chain: the receiver's key, the site's URL and the contracts are required", () => {
    assert.throws(
      () => loadPublicConfig({ CHAIN_ID: "11155111" } as unknown as NodeJS.ProcessEnv),
      (error: Error) =>
        /RECEIVER_PRIVATE_KEY: is not set: is required off the local chain/.test(error.message) &&
        /SITE_URL: is not set: is required off the local chain/.test(error.message) &&
        /CHANNEL_MANAGER_ADDRESS: is not set: there is no deployments\/11155111\.json .*npm run setup/.test(error.message) &&
        /TOKEN_ADDRESS: is not set/.test(error.message),
    );
  });
});

describe("NODE_ENV=production refuses Hardhat's development keys, whatever the chain", () => {
  const hardhatKey5 = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
  const production = (env: Record<string, string>) => loadPublicConfig({ ...contracts, NODE_ENV: "production", ...env } as unknown as NodeJS.ProcessEnv);

  it("the default receiver key (RECEIVER_PRIVATE_KEY unset)", () => {
    assert.throws(() => production({}), /RECEIVER_PRIVATE_KEY: is not set: the default is Hardhat's public development key, which NODE_ENV=production refuses \(ALLOW_DEVELOPMENT_KEYS=yes/);
  });

  it("any other Hardhat account's key, on another chain too", () => {
    assert.throws(() => production({ RECEIVER_PRIVATE_KEY: hardhatKey5 }), /is one of Hardhat's public development keys/);
    assert.throws(
      () => production({ RECEIVER_PRIVATE_KEY: hardhatKey5, CHAIN_ID: "11155111", SITE_URL: "https://news.example" }),
      /is one of Hardhat's public development keys/,
    );
  });

  it("and the development wallet is not offered to the browser", () => {
    const ownKey = "0x" + "ab".repeat(32);
    assert.equal(production({ RECEIVER_PRIVATE_KEY: ownKey }).devWallet, undefined);
  });

  it("unless ALLOW_DEVELOPMENT_KEYS=yes (the demo, the suites)", () => {
    const config = production({ ALLOW_DEVELOPMENT_KEYS: "yes" });
    assert.ok(config.devWallet);
    assert.throws(() => production({ ALLOW_DEVELOPMENT_KEYS: "true" }), /ALLOW_DEVELOPMENT_KEYS: is "true"/);
  });

  it("a key of one's own starts", () => {
    assert.doesNotThrow(() => production({ RECEIVER_PRIVATE_KEY: "0x" + "ab".repeat(32) }));
  });
});

it(".env.example lists exactly the configuration's variables, each under a comment", () => {
  const lines = readFileSync(path.join(import.meta.dirname, "../.env.example"), "utf8").split("\n");
  const listed = new Map<string, number>();
  lines.forEach((line, index) => {
    const match = /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match) listed.set(match[1]!, index);
  });
  assert.deepEqual([...listed.keys()].sort(), Object.keys(configSchema.shape).sort());
  for (const [name, index] of listed) {
    // Above it: its comment, or the comment of a group of variables listed together.
    let above = index - 1;
    while (/^(?:# )?[A-Z][A-Z0-9_]*=/.test(lines[above] ?? "")) above--;
    assert.match(lines[above] ?? "", /^# (?!-)\S/, `${name} has no comment above it`);
  }
  for (const [name, schema] of Object.entries(configSchema.shape)) assert.ok(schema.description, `${name} has no description in lib/config.ts`);
});
