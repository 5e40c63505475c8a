import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import { createPublicClient, createWalletClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import { channelManagerAbi, tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { getChannelInfo } from "../../lib/chain/getChannelInfo";
import { devAccount } from "../../scripts/lib/localChain";
import { root, waitFor } from "../../scripts/lib/processes";
import { freePort } from "../helpers/localSite";

it("npm run demo starts the chain, deploys, seeds and serves the site, and prints where", { timeout: 240_000 }, async () => {
  const [port, chainPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-demo-"));
  const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    cwd: root,
    detached: true,
    env: { ...process.env, PORT: String(port), CHAIN_PORT: String(chainPort), DEMO_DB_FILE: path.join(dir, "demo.db") },
  });
  let output = "";
  demo.stdout.on("data", (chunk) => (output += chunk));
  demo.stderr.on("data", (chunk) => (output += chunk));
  try {
    await new Promise<void>((resolve, reject) => {
      demo.stdout.on("data", () => output.includes("Press Ctrl-C to stop.") && resolve());
      demo.on("exit", () => reject(new Error(`demo exited early:\n${output}`)));
    });
    const manager = /ChannelManager\s+(0x[0-9a-fA-F]{40})/.exec(output)?.[1] as `0x${string}`;
    assert.ok(manager, output);
    assert.match(output, new RegExp(`Site\\s+http://localhost:${port}`));
    assert.match(output, /npm run tollgate -- get http:\/\/localhost:\d+\/articles\//);

    const client = createPublicClient({ transport: http(`http://127.0.0.1:${chainPort}`) });
    assert.equal(await client.readContract({ address: manager, abi: channelManagerAbi, functionName: "challengePeriod" }), 120n);
    const catalog = await (await fetch(`http://127.0.0.1:${port}/api/articles`)).json();
    assert.ok(catalog.articles.length >= 4, "sample articles are seeded");
    assert.ok(catalog.articles.some((a: { price: string }) => a.price === "0"), "some are free");
    assert.ok(catalog.articles.some((a: { price: string }) => a.price !== "0"), "some are priced");
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);

    // The command the demo prints, as printed (on this chain's port), buys the article from the
    // pre-funded development account.
    const command = /npm run tollgate -- (get .+)$/m.exec(output)![1]!.trim().split(" ");
    assert.deepEqual(command.slice(-2), ["--rpc-url", `http://127.0.0.1:${chainPort}`], "a chain on another port is named in the command");
    const cli = spawnSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...command, "--state", path.join(dir, "cli")], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /A channel starts with a deposit/);

    // The chain makes blocks by itself (confirmations deepen with nobody transacting).
    const head = await client.getBlockNumber({ cacheTime: 0 });
    await waitFor("the demo chain to make a block", async () => (await client.getBlockNumber({ cacheTime: 0 })) > head, 10_000);

    // The reader closes on its own at 0 after reading: the site's watcher disputes it with the
    // reader's latest proof, and the receiver is paid what it was paid off-chain.
    const reader = devAccount(2);
    const [created] = await client.getContractEvents({ address: manager, abi: channelManagerAbi, eventName: "ChannelCreated", args: { sender: reader.address }, fromBlock: 0n });
    const { receiver, openBlock } = created.args as { receiver: Address; openBlock: bigint };
    const token = await client.readContract({ address: manager, abi: channelManagerAbi, functionName: "token" });
    // What the CLI's purchase paid the receiver off-chain.
    const earned = BigInt(catalog.articles.find((a: { slug: string; price: string }) => command[1]!.endsWith(`/${a.slug}`))!.price);
    const before = await client.readContract({ address: token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [receiver] });
    const wallet = createWalletClient({ account: reader, chain: { ...hardhat, rpcUrls: { default: { http: [`http://127.0.0.1:${chainPort}`] } } }, transport: http(`http://127.0.0.1:${chainPort}`) });
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: manager, abi: channelManagerAbi, functionName: "uncooperativeClose", args: [receiver, openBlock, 0n] }),
    });
    await waitFor("the demo's watcher to dispute the close", async () => (await getChannelInfo(client, manager, { sender: reader.address, receiver, openBlock })) === null, 60_000);
    assert.equal(await client.readContract({ address: token, abi: tollgateTokenAbi, functionName: "balanceOf", args: [receiver] }), before + earned);
    assert.match(output, /disputing/);
  } finally {
    process.kill(-demo.pid!, "SIGTERM");
    await new Promise((resolve) => (demo.exitCode === null ? demo.on("exit", resolve) : resolve(null)));
    rmSync(dir, { recursive: true, force: true });
  }
});
