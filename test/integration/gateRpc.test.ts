// Once the watcher runs, the gate never calls the chain on a request's behalf: a flood of
// well-formed payments for channels that do not exist, and paid reads, cost no RPC call. The
// site runs with WATCHER=off and reaches the chain only through a counting proxy; `npm run
// watcher`, beside it on the same database, is what follows the chain.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, it } from "node:test";
import { parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { RdnHeader } from "../../lib/protocol/headers";
import { root, stop } from "../../scripts/lib/processes";
import { describeEachDatabase } from "../db/databases";
import { seedArticles } from "../helpers/articles";
import { blockNumber } from "../helpers/chain";
import { send } from "../helpers/http";
import { startSite, startTestChain, watcherReached, type TestChain, type TestSite } from "../helpers/localSite";
import { accessTokenOf, domainOf, openChannel, programHeaders, RECEIVER, signProof, withAccessToken } from "../helpers/reader";
import { startRpcProxy, type RpcProxy } from "../helpers/rpcProxy";

const PRICE = parseEther("0.01");

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

describeEachDatabase("the gate and the chain's RPC", (database) => {
  let proxy: RpcProxy;
  let site: TestSite;
  let watcher: ChildProcess;
  let watcherOutput = "";
  before(async () => {
    await seedArticles(database().db, [{ slug: "alpha", price: PRICE }, { slug: "beta", price: PRICE }]);
    proxy = await startRpcProxy(chain.url);
    site = await startSite({ databaseUrl: database().url, chain, env: { RPC_URL: proxy.url, WATCHER: "off" } });
    watcher = spawn("npm", ["run", "--silent", "watcher"], { cwd: root, detached: true, env: { ...process.env, ...site.env, RPC_URL: chain.url } });
    watcher.stdout!.on("data", (chunk) => (watcherOutput += chunk));
    watcher.stderr!.on("data", (chunk) => (watcherOutput += chunk));
    await watcherReached(site.url, await blockNumber(chain)).catch((error) => {
      throw new Error(`${error.message}\n${watcherOutput}`);
    });
  });
  after(async () => {
    stop(watcher);
    await site?.stop();
    await proxy?.close();
  });

  it("answers a flood of payments for channels that do not exist without one RPC call", async () => {
    const before = proxy.total();
    const head = await blockNumber(chain);
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const sender = privateKeyToAccount(generatePrivateKey());
        const id = { sender: sender.address, receiver: RECEIVER, openBlock: BigInt(i % 3 === 0 ? head + BigInt(i) * 1000n : i) };
        return send(site, "/articles/alpha", { headers: programHeaders(await signProof(sender, domainOf(chain), id, PRICE)) });
      }),
    );
    for (const answer of answers) assert.equal(answer.status, 402, answer.text);
    assert.equal(proxy.total(), before, `the gate called the chain: ${JSON.stringify(Object.fromEntries(proxy.calls))}`);
  });

  it("serves paid reads and re-reads without an RPC call, the channel known from the watcher", async () => {
    const channel = await openChannel(chain, 2);
    await watcherReached(site.url, channel.openBlock).catch(async (error) => {
      const cursor = await database().db.chainCursor.findFirst();
      const health = await (await fetch(`${site.url}/api/health`)).text();
      throw new Error(`${error.message}\n${watcherOutput}\nDB cursor ${cursor?.blockNumber} synced ${cursor?.syncedAt.toISOString()} now ${new Date().toISOString()}\nhealth ${health}`);
    });
    const before = proxy.total();
    const tokens: string[] = [];
    for (const [slug, balance] of [["alpha", PRICE], ["beta", 2n * PRICE]] as const) {
      const answer = await send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get(RdnHeader.cost), PRICE.toString());
      tokens.push(accessTokenOf(answer));
    }
    // The buyer re-reads with the token the paid answer returned (beside the proof it holds).
    const reread = await send(site, "/articles/alpha", { headers: withAccessToken(programHeaders(await channel.sign(2n * PRICE)), tokens[0]) });
    assert.equal(reread.status, 200, reread.text);
    assert.equal(reread.headers.get(RdnHeader.cost), null, "a re-read is not a payment");
    assert.equal(proxy.total(), before, `the gate called the chain: ${JSON.stringify(Object.fromEntries(proxy.calls))}`);
    assert.match(watcherOutput, /watcher: this process leads/);
  });
});
