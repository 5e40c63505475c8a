import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, it } from "node:test";
import { createPublicClient, http } from "viem";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { deploymentSchema } from "../../lib/chain/deployment";
import { devAccount, startLocalChain } from "../../scripts/lib/localChain";
import { root, stop } from "../../scripts/lib/processes";
import { freePort } from "../helpers/localSite";

let chain: Awaited<ReturnType<typeof startLocalChain>>;
before(async () => (chain = await startLocalChain({ port: await freePort() })));
after(() => stop(chain.node));

/** Runs `npm run deploy -- …`'s script as a user would, collecting its output. */
function deploy(args: string[], { mine = false } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/deploy.ts", ...args], { cwd: root, env: { ...process.env, RPC_URL: "", DEPLOYER_KEY: "" } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    // The node mines only on transactions: mine empty blocks so that confirmations accrue.
    const miner = mine
      ? setInterval(() => fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }) }).catch(() => undefined), 200)
      : undefined;
    child.on("exit", (code) => (clearInterval(miner), resolve({ code, output })));
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

it("refuses a malformed key or URL with a message, before sending anything", async () => {
  const { code, output } = await deploy(["--rpc-url", "not a url", "--key", "0x1234"]);
  assert.equal(code, 2);
  assert.match(output, /--rpc-url \(or RPC_URL\) must be the chain's JSON-RPC URL/);
  assert.match(output, /--key \(or DEPLOYER_KEY\) must be a 0x-prefixed 32-byte private key/);
});
