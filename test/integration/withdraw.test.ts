// `npm run receiver -- withdraw` and `status`, as a publisher types them, beside a running site
// (whose watcher sends the withdrawals) and without one (the command sends them itself): the
// receiver withdraws from several channels, then a channel closes cooperatively, and every
// party's token balance is exact. Real next start, Hardhat node, SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, it } from "node:test";
import { getAddress, parseEther, type Hex } from "viem";
import { channelManagerAbi } from "../../lib/chain/abis.generated";
import { fromDbAmount } from "../../lib/db/amount";
import { root } from "../../scripts/lib/processes";
import { describeEachDatabase } from "../db/databases";
import { seedArticles } from "../helpers/articles";
import { tokenBalance } from "../helpers/chain";
import { jsonOf, send } from "../helpers/http";
import { channelRow } from "../helpers/ledger";
import { startSite, startTestChain, type TestChain, type TestSite } from "../helpers/localSite";
import { chainClients, openChannel, programHeaders, RECEIVER, type TestChannel } from "../helpers/reader";

const PRICE = parseEther("0.01");
const DEPOSIT = parseEther("1");
const articles = Array.from({ length: 4 }, (_, i) => ({ slug: `story-${i}`, price: BigInt(i + 1) * PRICE }));

let chain: TestChain;
before(async () => (chain = await startTestChain()));
after(() => chain?.stop());

/** Runs `npm run receiver -- …args` against `site`'s database and chain; resolves with its output. */
function receiverCli(site: TestSite, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "receiver", "--", ...args], { cwd: root, env: { ...process.env, ...site.env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describeEachDatabase("npm run receiver", (database) => {
  let site: TestSite;
  before(async () => {
    await seedArticles(database().db, articles);
    site = await startSite({ databaseUrl: database().url, chain });
  });
  after(() => site?.stop());

  const balances = new Map<TestChannel, bigint>();
  async function buy(channel: TestChannel, slug: string) {
    const price = articles.find((a) => a.slug === slug)!.price;
    const balance = (balances.get(channel) ?? 0n) + price;
    const answer = await send(site, `/articles/${slug}`, { headers: programHeaders(await channel.sign(balance)) });
    assert.equal(answer.status, 200, answer.text);
    balances.set(channel, balance);
  }

  it("withdraws from every open channel through the running site, then a cooperative close pays the rest exactly", async () => {
    const channels = [await openChannel(chain, 2, { deposit: DEPOSIT }), await openChannel(chain, 3, { deposit: DEPOSIT }), await openChannel(chain, 4, { deposit: DEPOSIT })];
    await buy(channels[0], "story-0");
    await buy(channels[0], "story-1");
    await buy(channels[1], "story-2");
    await buy(channels[2], "story-3");
    const receiverBefore = await tokenBalance(chain, RECEIVER);

    const run = await receiverCli(site, ["withdraw"]);
    assert.equal(run.code, 0, run.output);
    const total = [...balances.values()].reduce((a, b) => a + b, 0n);
    assert.match(run.output, new RegExp(`Withdrawing ${Number(total) / 1e18} TOLL from 3 channel\\(s\\)`));
    for (const stage of [/: sent 0x[0-9a-f]{64} \(nonce \d+\)/, /: mined in block \d+/, /: confirmed in block \d+/]) {
      assert.equal(run.output.split("\n").filter((line) => stage.test(line)).length, 3, `${stage}\n${run.output}`);
    }
    assert.equal(await tokenBalance(chain, RECEIVER), receiverBefore + total);
    for (const channel of channels) assert.equal(fromDbAmount((await channelRow(database().db, channel))!.withdrawn), balances.get(channel));

    // Again: nothing left to withdraw.
    const again = await receiverCli(site, ["withdraw"]);
    assert.equal(again.code, 0);
    assert.match(again.output, /Nothing to withdraw/);

    // Then the first reader reads on and closes cooperatively: the receiver gets what is beyond
    // its withdrawal, the reader the rest of the deposit, the manager lets go of the rest.
    const [reader] = channels;
    await buy(reader, "story-2");
    const balance = balances.get(reader)!;
    const withdrawn = 3n * PRICE;
    const closing = jsonOf<{ closingSignature: Hex }>(
      await send(site, `/api/channels/${reader.sender}/${reader.openBlock}/close`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(await reader.closeRequest(balance)),
      }),
    );
    const manager = chain.deployment.channelManager;
    const [receiverBeforeClose, readerBefore, managerBefore] = await Promise.all([RECEIVER, reader.sender, manager].map((a) => tokenBalance(chain, a)));
    const { client, wallet } = chainClients(chain, reader.account);
    const proof = await reader.sign(balance);
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: manager,
        abi: channelManagerAbi,
        functionName: "cooperativeClose",
        args: [reader.sender, getAddress(RECEIVER), reader.openBlock, balance, proof.balanceSignature, closing.closingSignature],
      }),
    });
    assert.equal(await tokenBalance(chain, RECEIVER), receiverBeforeClose + balance - withdrawn);
    assert.equal(await tokenBalance(chain, reader.sender), readerBefore + DEPOSIT - balance);
    assert.equal(await tokenBalance(chain, manager), managerBefore - (DEPOSIT - withdrawn));
  });

  it("sends the withdrawals itself when no site is running, and skips channels below --min", async () => {
    const small = await openChannel(chain, 5, { deposit: DEPOSIT });
    const large = await openChannel(chain, 6, { deposit: DEPOSIT });
    await buy(small, "story-0");
    await buy(large, "story-3");
    await site.stop();
    try {
      const receiverBefore = await tokenBalance(chain, RECEIVER);
      const run = await receiverCli(site, ["withdraw", "--min", "0.02"]);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /from 1 channel\(s\)/);
      assert.equal(await tokenBalance(chain, RECEIVER), receiverBefore + 4n * PRICE);

      const status = await receiverCli(site, ["status"]);
      assert.equal(status.code, 0, status.output);
      const line = (channel: TestChannel) => status.output.split("\n").find((l) => l.startsWith(`${channel.sender.toLowerCase()}/${channel.openBlock}`)) ?? "";
      assert.match(line(large), /open\s+1 TOLL\s+0\.04 TOLL\s+0\.04 TOLL\s+0 TOLL/, status.output);
      assert.match(line(small), /open\s+1 TOLL\s+0\.01 TOLL\s+0 TOLL\s+0\.01 TOLL/, status.output);
      assert.match(status.output, /Watcher\s+block \d+ of \d+/);
    } finally {
      await site.restart();
    }
    const bad = await receiverCli(site, ["withdraw", "--min", "lots"]);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /--min/);
  });
});
