import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http, type Address } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { deploymentSchema } from "../../lib/chain/deployment";
import { devAccount, startLocalChain } from "../../scripts/lib/localChain";
import { root, stop } from "../../scripts/lib/processes";
import { freePort } from "../helpers/localSite";

let chain: Awaited<ReturnType<typeof startLocalChain>>;
before(async () => (chain = await startLocalChain({ port: await freePort() })));
after(() => stop(chain.node));

/** Runs `npm run deploy -- …`'s script as a user would, collecting its output. */
function deploy(args: string[], { mine = false, node = chain } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/deploy.ts", ...args], { cwd: root, env: { ...process.env, RPC_URL: "", DEPLOYER_KEY: "" } });
    let output = "";
    // The node mines only on transactions. With `mine`, one empty block is mined each time the
    // script says it is waiting for a confirmation, and only then: so every stage it reports is
    // one it saw, whatever the machine's speed (a miner on a timer could bury a transaction
    // before the script looks at it).
    let answered = 0;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const waiting = output.split("\n").filter((line) => /: confirming \d+\/\d+/.test(line)).length;
      for (; mine && answered < waiting; answered++) {
        void fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }) });
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

it("deploys both contracts by RPC URL and key, waits for confirmations, and records the deployment", async () => {
  const key = devAccount(0).getHdKey().privateKey!;
  const hex = `0x${Buffer.from(key).toString("hex")}`;
  const { code, output } = await deploy(["--rpc-url", chain.url, "--key", hex, "--challenge-period", "120", "--confirmations", "2"], { mine: true });
  assert.equal(code, 0, output);
  assert.match(output, /TollgateToken: confirming 1\/2/);
  assert.match(output, /ChannelManager: confirmed in block/);

  const recorded = deploymentSchema.parse(JSON.parse(await readFile(path.join(root, "deployments/31337.json"), "utf8")));
  const client = createPublicClient({ transport: http(chain.url) });
  assert.equal(await client.readContract({ address: recorded.channelManager, abi: channelManagerAbi, functionName: "token" }), recorded.token);
  assert.equal(await client.readContract({ address: recorded.channelManager, abi: channelManagerAbi, functionName: "challengePeriod" }), 120n);
  assert.equal(await client.readContract({ address: recorded.token, abi: tollgateTokenAbi, functionName: "symbol" }), "TOLL");
  const generated = await readFile(path.join(root, "lib/chain/deployments.generated.ts"), "utf8");
  assert.ok(generated.includes(recorded.channelManager), "the generated module lists the new deployment");
});

const deployerKey = () => `0x${Buffer.from(devAccount(0).getHdKey().privateKey!).toString("hex")}`;

it("refuses a malformed key or URL with a message, before sending anything", async () => {
  const { code, output } = await deploy(["--rpc-url", "not a url", "--key", "0x1234"]);
  assert.equal(code, 2);
  assert.match(output, /--rpc-url \(or RPC_URL\) must be the chain's JSON-RPC URL/);
  assert.match(output, /--key \(or DEPLOYER_KEY\) must be a 0x-prefixed 32-byte private key/);
});

describe("off the local chain", () => {
  // A Hardhat node under another chain id stands in for a public chain.
  const CHAIN_ID = 31338;
  let publicChain: Awaited<ReturnType<typeof startLocalChain>>;
  let client: ReturnType<typeof createPublicClient>;
  const deployer = devAccount(0).address;
  const sent = () => client.getTransactionCount({ address: deployer });
  before(async () => {
    publicChain = await startLocalChain({ port: await freePort(), chainId: CHAIN_ID });
    client = createPublicClient({ transport: http(publicChain.url) });
  });
  after(async () => {
    stop(publicChain.node);
    // The deployments written here are this test's, not the project's.
    await rm(path.join(root, `deployments/${CHAIN_ID}.json`), { force: true });
    execFileSync(process.execPath, ["--import", "tsx", "scripts/generate-abis.ts"], { cwd: root, stdio: "ignore" });
  });

  it("refuses to deploy the faucet token (anyone can mint it) without --token, before sending anything", async () => {
    assert.equal(await client.getChainId(), CHAIN_ID);
    const { code, output } = await deploy(["--rpc-url", publicChain.url, "--key", deployerKey(), "--confirmations", "1"], { node: publicChain });
    assert.equal(code, 2, output);
    assert.match(output, /chain 31338 is not the local chain \(31337\): without --token this would deploy TollgateToken, whose faucet lets anyone mint it/);
    assert.match(output, /Pass --token 0x… with the ERC-20 your readers pay in/);
    assert.equal(await sent(), 0, "no transaction was sent");
  });

  it("refuses a --token with no contract on the chain", async () => {
    const { code, output } = await deploy(["--rpc-url", publicChain.url, "--key", deployerKey(), "--token", devAccount(7).address], { node: publicChain });
    assert.equal(code, 2, output);
    assert.match(output, /there is no contract at --token/);
    assert.equal(await sent(), 0);
  });

  it("deploys the faucet token only when asked in so many words, and only the manager with --token", async () => {
    const asked = await deploy(["--rpc-url", publicChain.url, "--key", deployerKey(), "--deploy-faucet-token", "--confirmations", "1"], { node: publicChain });
    assert.equal(asked.code, 0, asked.output);
    const first = deploymentSchema.parse(JSON.parse(await readFile(path.join(root, `deployments/${CHAIN_ID}.json`), "utf8")));
    assert.equal(await client.readContract({ address: first.token, abi: tollgateTokenAbi, functionName: "symbol" }), "TOLL");
    assert.equal(await sent(), 2, "the token and the manager");

    // That token now stands in for a real ERC-20 already on the chain: only a manager is deployed.
    const existing: Address = first.token;
    const withToken = await deploy(["--rpc-url", publicChain.url, "--key", deployerKey(), "--token", existing, "--confirmations", "1"], { node: publicChain });
    assert.equal(withToken.code, 0, withToken.output);
    assert.doesNotMatch(withToken.output, /Deploying TollgateToken/);
    const second = deploymentSchema.parse(JSON.parse(await readFile(path.join(root, `deployments/${CHAIN_ID}.json`), "utf8")));
    assert.equal(second.token, existing);
    assert.equal(await client.readContract({ address: second.channelManager, abi: channelManagerAbi, functionName: "token" }), existing);
    assert.equal(await sent(), 3, "one more transaction: the manager");
  });

  it("refuses --token together with --deploy-faucet-token", async () => {
    const { code, output } = await deploy(["--rpc-url", publicChain.url, "--key", deployerKey(), "--token", devAccount(7).address, "--deploy-faucet-token"], { node: publicChain });
    assert.equal(code, 2, output);
    assert.match(output, /either --token \(an existing ERC-20\) or --deploy-faucet-token, not both/);
  });
});
