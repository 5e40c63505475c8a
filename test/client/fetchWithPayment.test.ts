/**
 * The SDK's decisions, against the in-process fakes: when to sign, on what balance, when to
 * re-sign, top up or refuse. No network, no chain node.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createTollgateClient, type TollgateClientOptions } from "../../lib/client/createTollgateClient";
import { BudgetExceededError, ChannelUnavailableError, UntrustedServerProofError, UntrustedTermsError } from "../../lib/client/errors";
import { createMemoryStorage } from "../../lib/client/storage/createMemoryStorage";
import { encodeChannelStateHeaders } from "../../lib/protocol/channelState";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import { MANAGER, ORIGIN, createFakeChain, createFakeLedger, createFakeSite, domain } from "./fakes";

function setup(options: Partial<TollgateClientOptions> = {}, prices?: Record<string, bigint>) {
  const ledger = createFakeLedger();
  const site = createFakeSite(ledger, prices ? { prices } : {});
  const reader = createFakeChain(undefined, ledger);
  ledger.mint(reader.account.address, 1000n);
  const storage = createMemoryStorage();
  const warnings: string[] = [];
  const client = createTollgateClient({ chain: reader.chain, storage, fetch: site.fetch, trustedContracts: [MANAGER], warn: (m) => warnings.push(m), ...options });
  return { ledger, site, reader, storage, client, warnings };
}

describe("paying on 402", () => {
  it("opens a channel on the first 402, pays each article once, and re-reads for free", async () => {
    const { client, site, reader, ledger } = setup();
    const first = await client.getArticle(site.url("one"));
    assert.equal(first.article.body, "paid one");
    assert.equal(first.receipt?.cost, 10n);
    assert.equal(first.receipt?.balance, 10n);
    assert.equal(first.receipt?.deposit, 100n, "default deposit: 10 × the price");
    assert.equal(ledger.channels.size, 1);
    assert.deepEqual(reader.events.map((e) => e.action), ["createChannelWithPermit"]);

    const second = await client.getArticle(site.url("two"));
    assert.equal(second.receipt?.balance, 20n);

    const again = await client.getArticle(site.url("one"));
    assert.equal(again.receipt?.cost, 0n, "already paid");
    assert.equal(again.receipt?.balance, 20n);
    assert.equal(client.budget.spent, 20n);
    // pay 10; then the latest proof (10) as a probe, refused as stale, so once more with a signed
    // access request (this fake site hands out no token), refused, and 20; then the re-read's probe (20)
    assert.deepEqual(site.log.map((entry) => entry.balance), [10n, 10n, 10n, 20n, 20n]);

    const free = await client.getArticle(site.url("free"));
    assert.equal(free.receipt, undefined);
  });

  it("stops at the budget before signing or opening anything", async () => {
    const { client, site, ledger } = setup({ budget: { maxPrice: 5n } });
    await assert.rejects(client.getArticle(site.url("one")), (error: unknown) => error instanceof BudgetExceededError && error.limit === "price");
    assert.equal(ledger.channels.size, 0, "no deposit for a refused price");
    assert.equal(site.log.length, 0, "no proof sent");

    const total = setup({ budget: { maxTotal: 15n } });
    await total.client.getArticle(total.site.url("one"));
    await assert.rejects(total.client.getArticle(total.site.url("two")), /only 5 of your total budget of 15 is left/);
    assert.equal(total.client.budget.spent, 10n);
    assert.equal(total.client.budget.reserved, 0n, "the refused hold is released");
    assert.deepEqual(total.site.log.map((entry) => entry.balance), [10n, 10n, 10n], "only the first payment and the second's probe (and its access request) went out");
  });

  it("re-signs once on the server's stored proof after a concurrent client spent it (shared session key)", async () => {
    const { client, site, storage, reader, ledger } = setup({ sessionKey: true });
    await client.getArticle(site.url("one"));
    // A second client with a copy of the state: same channel, same session key.
    const copy = createMemoryStorage(storage.snapshot());
    const twin = createTollgateClient({ chain: createFakeChain(reader.account, ledger).chain, storage: copy, fetch: site.fetch, trustedContracts: [MANAGER] });
    await client.getArticle(site.url("two")); // balance 20; the twin still believes 10
    const paid = await twin.getArticle(site.url("three"));
    assert.equal(paid.receipt?.cost, 10n);
    assert.equal(paid.receipt?.balance, 30n, "signed on top of the adopted 20");
    assert.equal(twin.budget.spent, 10n);
    const [channel] = ledger.channels.values();
    assert.ok(channel!.delegate, "opened with a session key as delegate");
  });

  it("re-signs after a concurrent client got in first with another price, though this request had signed already", async () => {
    const { client, site, storage, reader, ledger } = setup({ sessionKey: true }, { one: 10n, cheap: 5n, two: 10n, free: 0n });
    await client.openChannel(ORIGIN, 100n);
    const twin = createTollgateClient({ chain: createFakeChain(reader.account, ledger).chain, storage: createMemoryStorage(storage.snapshot()), fetch: site.fetch, trustedContracts: [MANAGER] });
    await twin.getArticle(site.url("one"));
    await twin.getArticle(site.url("cheap")); // the server holds 15; this client still believes 0
    const paid = await client.getArticle(site.url("two"));
    assert.equal(paid.receipt?.balance, 25n, "signed 10 (refused as stale), then 15 + 10 on the twin's verified proof");
    // Between them, the twin's 15 with an access request (this fake site hands out no token: the
    // server might hold a purchase of "two" by the reader), refused: then 25.
    assert.deepEqual(site.log.slice(-3).map((entry) => entry.balance), [10n, 15n, 25n]);
    assert.equal(client.budget.spent, 20n, "both signatures raised what this client knew the reader had signed");
    assert.equal(paid.receipt?.cost, 10n, "the refused 10 lies below the twin's 15: the request raised the reader's signed balance by one price");
  });

  it("keeps the highest signed balance across a restart: a site rolled back to an older proof gets nothing new", async () => {
    const { client, site, storage, reader, ledger } = setup();
    await client.getArticle(site.url("one"));
    const { receipt } = await client.getArticle(site.url("two"));
    // The site loses its last payment (or pretends to): it is back at the proof of 10.
    const stored = site.stored.get(`${client.sender}/${site.receiver.address}/${receipt!.channel.openBlock}`.toLowerCase())!;
    stored.balance = 10n;
    stored.bought.delete("two");
    const restarted = createTollgateClient({ chain: createFakeChain(reader.account, ledger).chain, storage, fetch: site.fetch, trustedContracts: [MANAGER] });
    const again = await restarted.getArticle(site.url("two"));
    assert.equal(again.receipt?.cost, 0n, "the proof of 20 was signed before the restart");
    assert.equal(restarted.budget.spent, 0n);
    assert.equal(site.log.at(-1)?.balance, 20n);
  });

  it("refuses a stored proof that is not signed by the sender or the delegate", async () => {
    const { client, site } = setup();
    await client.getArticle(site.url("one"));
    // The site answers the next refusal with a "stored" proof of 90 signed by someone else.
    const forger = privateKeyToAccount(generatePrivateKey());
    const [channel0] = await client.channels(ORIGIN);
    const id = { sender: client.sender, receiver: site.receiver.address, openBlock: channel0!.openBlock };
    const forged = await forger.signTypedData(balanceProofTypedData(domain, id, 90n));
    site.setTamper((response) => {
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(encodeChannelStateHeaders({ ...id, balance: 90n, balanceSignature: forged }))) headers.set(name, value);
      return new Response(response.body, { status: response.status, headers });
    });
    await assert.rejects(client.getArticle(site.url("two")), (error: unknown) => {
      assert.ok(error instanceof UntrustedServerProofError, String(error));
      assert.match(error.shortMessage, new RegExp(`claims that this channel's balance is 90, but its signature was made by ${forger.address}`));
      return true;
    });
    const [channel] = await client.channels(ORIGIN);
    assert.equal(channel!.balance, 10n, "nothing adopted");
  });

  it("tops up when the next balance would pass the deposit, then pays", async () => {
    const { client, site, reader, ledger } = setup({ deposit: 10n, topUp: 25n });
    await client.getArticle(site.url("one"));
    const second = await client.getArticle(site.url("two"));
    assert.equal(second.receipt?.balance, 20n);
    assert.equal(second.receipt?.deposit, 35n);
    assert.deepEqual(reader.events.map((e) => e.action), ["createChannelWithPermit", "topUp"]);
    assert.equal(ledger.channels.size, 1);
  });

  it("tops up after the server says the deposit is insufficient (it knew better)", async () => {
    const { client, site, reader, storage } = setup({ deposit: 10n, topUp: 10n });
    await client.getArticle(site.url("one"));
    // Make the local record believe in a larger deposit than the chain holds.
    const [key] = await storage.keys("channel.");
    const record = JSON.parse((await storage.get(key!))!);
    await storage.set(key!, JSON.stringify({ ...record, deposit: "1000" }));
    const second = await client.getArticle(site.url("two"));
    assert.equal(second.receipt?.balance, 20n);
    assert.deepEqual(reader.events.map((e) => e.action), ["createChannelWithPermit", "topUp"]);
  });

  it("opens a new channel instead of topping up when top-ups are off", async () => {
    const { client, site, ledger } = setup({ deposit: 10n, topUp: false });
    await client.getArticle(site.url("one"));
    const second = await client.getArticle(site.url("two"));
    assert.equal(second.receipt?.balance, 10n);
    assert.equal(ledger.channels.size, 2);

    const strict = setup({ deposit: 10n, topUp: false, autoOpen: false });
    await assert.rejects(strict.client.getArticle(strict.site.url("one")), ChannelUnavailableError);
  });

  it("recovers a fresh client's channel from the site, verified, and pays on top of it", async () => {
    const { client, site, reader, ledger } = setup();
    await client.getArticle(site.url("one"));
    await client.getArticle(site.url("two"));
    const fresh = createTollgateClient({ chain: createFakeChain(reader.account, ledger).chain, storage: createMemoryStorage(), fetch: site.fetch, trustedContracts: [MANAGER] });
    const [recovered] = await fresh.channels(ORIGIN);
    assert.equal(recovered!.balance, 20n);
    assert.equal(recovered!.deposit, 100n);
    const reread = await fresh.getArticle(site.url("one"));
    assert.equal(reread.receipt?.cost, 0n, "a re-read after a restart is not charged again");
    const third = await fresh.getArticle(site.url("three"));
    assert.equal(third.receipt?.balance, 30n);
    assert.equal(ledger.channels.size, 1, "no second channel");
    // The recovered 20 was signed by this reader, but not by this client: its budget counts only its own.
    assert.equal(fresh.budget.spent, 10n);
  });

  it("recovers from the chain's logs when the site knows nothing, ignoring a forged server balance", async () => {
    const { client, site, reader, ledger, warnings } = setup();
    await client.openChannel(ORIGIN, 50n);
    const fresh = createTollgateClient({ chain: createFakeChain(reader.account, ledger).chain, storage: createMemoryStorage(), fetch: site.fetch, trustedContracts: [MANAGER] });
    const [found] = await fresh.channels(ORIGIN);
    assert.equal(found!.deposit, 50n);
    assert.equal(found!.balance, 0n);

    // The site now claims a balance with a signature that is not the reader's.
    const id = { sender: client.sender, receiver: site.receiver.address, openBlock: found!.openBlock };
    const forger = privateKeyToAccount(generatePrivateKey());
    site.stored.set(`${id.sender}/${id.receiver}/${id.openBlock}`.toLowerCase(), {
      balance: 40n,
      balanceSignature: await forger.signTypedData(balanceProofTypedData(domain, id, 40n)),
      bought: new Set(),
    });
    const [merged] = await createTollgateClient({
      chain: createFakeChain(reader.account, ledger).chain,
      fetch: site.fetch,
      trustedContracts: [MANAGER],
      warn: (m) => warnings.push(m),
    }).channels(ORIGIN);
    assert.equal(merged!.balance, 0n);
    assert.match(warnings.join("\n"), /neither the sender nor the channel's delegate/);
  });

  it("closes cooperatively with a verified closing signature and gets the rest back", async () => {
    const { client, site, reader, ledger } = setup();
    await client.getArticle(site.url("one"));
    const [result] = await client.close(ORIGIN);
    assert.equal(result!.balance, 10n);
    assert.equal(result!.refund, 90n);
    assert.equal(ledger.channels.size, 0);
    assert.equal(ledger.balances.get(site.receiver.address.toLowerCase()), 10n);
    assert.equal(ledger.balances.get(reader.account.address.toLowerCase()), 990n);
    assert.equal(result!.channel.status, "settled");
  });

  it("refuses a site on another chain, or a contract it does not trust, before any transaction", async () => {
    const { site, reader, ledger } = setup();
    const other = createTollgateClient({ chain: { ...reader.chain, getChainId: async () => 1 }, fetch: site.fetch, trustedContracts: [MANAGER] });
    await assert.rejects(other.getArticle(site.url("one")), (error: unknown) => error instanceof UntrustedTermsError && /chain 31337, but this client's RPC is on chain 1/.test(error.shortMessage));
    const picky = createTollgateClient({ chain: reader.chain, fetch: site.fetch, trustedContracts: [site.receiver.address] });
    await assert.rejects(picky.getArticle(site.url("one")), new RegExp(`channel manager ${MANAGER} is not one this client trusts`));
    assert.equal(ledger.channels.size, 0);
  });

  it("pays concurrent requests to one site one after the other", async () => {
    const { client, site } = setup();
    const results = await Promise.all(["one", "two", "three"].map((slug) => client.getArticle(site.url(slug))));
    assert.deepEqual(results.map((r) => r.receipt?.balance).sort(), [10n, 20n, 30n]);
    assert.equal(client.budget.spent, 30n);
  });
});
