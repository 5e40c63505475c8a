import assert from "node:assert/strict";
import { it } from "node:test";
import { MANAGER, createFakeChain, createFakeLedger, createFakeSite } from "../../test/client/fakes";
import { createTollgateClient } from "./createTollgateClient";
import { createMemoryStorage } from "./storage/createMemoryStorage";

it("asks the chain for its id again after the RPC failed once, instead of failing for good", async () => {
  const ledger = createFakeLedger();
  const site = createFakeSite(ledger);
  const reader = createFakeChain(undefined, ledger);
  ledger.mint(reader.account.address, 1000n);
  let down = true;
  const chain = {
    ...reader.chain,
    getChainId: () => (down ? Promise.reject(new Error("fetch failed")) : reader.chain.getChainId()),
  };
  const client = createTollgateClient({ chain, storage: createMemoryStorage(), fetch: site.fetch, trustedContracts: [MANAGER] });
  await assert.rejects(client.getArticle(site.url("one")), /fetch failed/);
  down = false;
  const { article } = await client.getArticle(site.url("one"));
  assert.equal(article.body, "paid one");
});
