// The test wallet every browser suite pays with (helpers/testWallet.ts), proved on its own
// against a Hardhat node: first through window.ethereum as any dapp calls it, then through
// wagmi's injected connector found over EIP-6963, as the reader pages (RainbowKit) find it.
// The page is a blank one served by the test itself, so this suite needs no site build. It is
// served for real, from the loopback: a page Playwright fulfils has no address, so Chromium
// counts it as public and refuses its requests to the node (Local Network Access).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { after, before, it } from "node:test";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { encodeFunctionData, isAddressEqual, parseEther, recoverMessageAddress, recoverTypedDataAddress, stringify, type Hex } from "viem";
import { tollgateTokenAbi } from "../../lib/chain/abis.generated";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import { devAccount } from "../../scripts/lib/localChain";
import { rpc, tokenBalance } from "../helpers/chain";
import { startTestChain, type TestChain } from "../helpers/localSite";
import { RECEIVER } from "../helpers/reader";
import type { WagmiHarness } from "./fixtures/wagmiPage";
import { describeInBrowser, launchBrowser, newContext } from "./helpers/browser";
import { installTestWallet, type ProviderError, type TestWalletOptions } from "./helpers/testWallet";

const RDNS = "dev.tollgate.testwallet";

type Answer = { result?: unknown; error?: ProviderError };

/** `window.ethereum.request(…)` in the page, with the error's EIP-1193 code. */
function request(page: Page, method: string, params?: unknown[]): Promise<Answer> {
  return page.evaluate(
    async ({ method, params }) => {
      const ethereum = (window as unknown as { ethereum: { request(a: object): Promise<unknown> } }).ethereum;
      try {
        return { result: await ethereum.request(params === undefined ? { method } : { method, params }) };
      } catch (error) {
        const { code, message } = error as ProviderError;
        return { error: { code, message } };
      }
    },
    { method, params },
  );
}

/** Records the provider's events in the page; `events(page)` reads them. */
const recordEvents = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { ethereum: { on(e: string, l: (p: unknown) => void): void }; walletEvents: [string, unknown][] };
    w.walletEvents = [];
    for (const event of ["accountsChanged", "chainChanged"]) w.ethereum.on(event, (payload) => w.walletEvents.push([event, payload]));
  });
const events = (page: Page) => page.evaluate(() => (window as unknown as { walletEvents: [string, unknown][] }).walletEvents);

describeInBrowser("the test wallet", () => {
  let chain: TestChain;
  let browser: Browser;
  let wagmiBundle: string;
  let blankPage: { url: string; server: Server };
  before(async () => {
    [chain, browser, wagmiBundle, blankPage] = await Promise.all([startTestChain(), launchBrowser(), bundleWagmiPage(), serveBlankPage()]);
  });
  after(async () => {
    await browser?.close();
    chain?.stop();
    blankPage?.server.close();
  });

  async function open(options: Partial<TestWalletOptions> = {}) {
    const context = await newContext(browser);
    const wallet = await installTestWallet(context, { rpcUrl: chain.url, ...options });
    const page = await context.newPage();
    await page.goto(blankPage.url);
    return { context, wallet, page, [Symbol.asyncDispose]: () => context.close() };
  }

  it("starts disconnected, connects on eth_requestAccounts with an accountsChanged event, and stays connected across a reload", async () => {
    await using session = await open();
    const { wallet, page } = session;
    await recordEvents(page);
    assert.deepEqual(await request(page, "eth_accounts"), { result: [] });
    assert.deepEqual(await request(page, "wallet_getPermissions"), { result: [] });
    assert.deepEqual(await request(page, "eth_requestAccounts"), { result: [wallet.address] });
    assert.deepEqual(await events(page), [["accountsChanged", [wallet.address]]]);
    assert.deepEqual(await request(page, "eth_accounts"), { result: [wallet.address] });
    const permissions = (await request(page, "wallet_getPermissions")).result as { parentCapability: string; caveats: { value: string[] }[] }[];
    assert.equal(permissions[0].parentCapability, "eth_accounts");
    assert.deepEqual(permissions[0].caveats[0].value, [wallet.address]);
    assert.equal(wallet.address, devAccount(2).address, "the default account is development account #2");

    await page.reload();
    assert.deepEqual(await request(page, "eth_accounts"), { result: [wallet.address] });
    // Connecting was the one prompt; asking again while connected is not one.
    await request(page, "eth_requestAccounts");
    assert.deepEqual(
      wallet.prompts().map((r) => r.method),
      ["eth_requestAccounts"],
    );
  });

  it("forwards what it does not answer itself to the node", async () => {
    await using session = await open();
    const { page } = session;
    const block = await rpc<string>(chain, "eth_blockNumber");
    assert.deepEqual(await request(page, "eth_blockNumber"), { result: block });
    const { result: code } = await request(page, "eth_getCode", [chain.deployment.channelManager, "latest"]);
    assert.ok(typeof code === "string" && code.length > 2, "no code at the channel manager");
    assert.equal((await request(page, "eth_call", [{ to: "0x0000000000000000000000000000000000000000", data: "0x" }, "latest"])).error, undefined);
  });

  it("signs balance proofs (eth_signTypedData_v4) and messages (personal_sign) with the account's key, for that account only", async () => {
    await using session = await open({ account: 4 });
    const { wallet, page } = session;
    await request(page, "eth_requestAccounts");
    const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.channelManager };
    const typedData = balanceProofTypedData(domain, { sender: wallet.address, receiver: RECEIVER, openBlock: 7n }, parseEther("0.03"));
    const signed = await request(page, "eth_signTypedData_v4", [wallet.address, stringify(typedData)]);
    assert.equal(signed.error, undefined, signed.error?.message);
    const signer = await recoverTypedDataAddress({ ...typedData, signature: signed.result as Hex });
    assert.ok(isAddressEqual(signer, devAccount(4).address), `signed by ${signer}`);

    const message = await request(page, "personal_sign", ["0x68656c6c6f", wallet.address]);
    assert.ok(isAddressEqual(await recoverMessageAddress({ message: { raw: "0x68656c6c6f" }, signature: message.result as Hex }), wallet.address));

    const other = devAccount(5).address;
    assert.equal((await request(page, "personal_sign", ["0x68656c6c6f", other])).error?.code, 4100, "signed for an account it was not given");
  });

  it("signs transactions with the account's key and sends them raw (the token's faucet)", async () => {
    await using session = await open({ account: 6 });
    const { wallet, page } = session;
    await request(page, "eth_requestAccounts");
    const before = await tokenBalance(chain, wallet.address);
    const data = encodeFunctionData({ abi: tollgateTokenAbi, functionName: "faucet", args: [parseEther("5")] });
    const sent = await request(page, "eth_sendTransaction", [{ from: wallet.address, to: chain.deployment.token, data }]);
    assert.equal(sent.error, undefined, sent.error?.message);
    const receipt = await rpc<{ status: string; from: string }>(chain, "eth_getTransactionReceipt", [sent.result]);
    assert.equal(receipt.status, "0x1");
    assert.ok(isAddressEqual(receipt.from as Hex, wallet.address));
    assert.equal(await tokenBalance(chain, wallet.address), before + parseEther("5"));
  });

  it("rejects the next request of a method with 4001 when told, once", async () => {
    await using session = await open();
    const { wallet, page } = session;
    wallet.rejectNext("eth_requestAccounts");
    assert.equal((await request(page, "eth_requestAccounts")).error?.code, 4001);
    assert.equal(wallet.connected, false);
    assert.deepEqual(await request(page, "eth_requestAccounts"), { result: [wallet.address] });
    wallet.rejectNext("personal_sign");
    assert.deepEqual(await request(page, "personal_sign", ["0x01", wallet.address]), { error: { code: 4001, message: "User rejected the request." } });
    assert.equal((await request(page, "personal_sign", ["0x01", wallet.address])).error, undefined);
    assert.deepEqual(
      wallet.calls("personal_sign").map((r) => r.error?.code ?? "signed"),
      [4001, "signed"],
    );
  });

  it("on a wrong network: refuses chain-bound requests, switches when asked (chainChanged), 4902 for an unknown chain", async () => {
    await using session = await open({ chainId: 1 });
    const { wallet, page } = session;
    await recordEvents(page);
    await request(page, "eth_requestAccounts");
    assert.deepEqual(await request(page, "eth_chainId"), { result: "0x1" });
    const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.channelManager };
    const typedData = stringify(balanceProofTypedData(domain, { sender: wallet.address, receiver: RECEIVER, openBlock: 1n }, 1n));
    assert.equal((await request(page, "eth_signTypedData_v4", [wallet.address, typedData])).error?.code, -32602, "signed for chain 31337 while on chain 1");
    assert.equal((await request(page, "eth_sendTransaction", [{ from: wallet.address, to: wallet.address }])).error?.code, 4901);

    assert.equal((await request(page, "wallet_switchEthereumChain", [{ chainId: "0x5" }])).error?.code, 4902);
    wallet.rejectNext("wallet_switchEthereumChain");
    assert.equal((await request(page, "wallet_switchEthereumChain", [{ chainId: "0x7a69" }])).error?.code, 4001);
    assert.equal(wallet.chainId, 1);
    assert.deepEqual(await request(page, "wallet_switchEthereumChain", [{ chainId: "0x7a69" }]), { result: null });
    assert.equal(wallet.chainId, 31337);
    assert.deepEqual(await request(page, "eth_chainId"), { result: "0x7a69" });
    assert.equal((await request(page, "eth_signTypedData_v4", [wallet.address, typedData])).error, undefined);

    assert.deepEqual(await request(page, "wallet_addEthereumChain", [{ chainId: "0x5", chainName: "Goerli", rpcUrls: ["http://127.0.0.1:9"] }]), { result: null });
    assert.equal(wallet.chainId, 5);
    const changes = (await events(page)).filter(([event]) => event === "chainChanged").map(([, id]) => id);
    assert.deepEqual(changes, ["0x7a69", "0x5"]);
  });

  it("tells the page when the user switches chain or account, or disconnects, in the wallet", async () => {
    await using session = await open();
    const { wallet, page } = session;
    await request(page, "eth_requestAccounts");
    await recordEvents(page);
    await wallet.switchChain(1);
    await wallet.switchAccount(7);
    await wallet.disconnect();
    assert.deepEqual(await events(page), [
      ["chainChanged", "0x1"],
      ["accountsChanged", [devAccount(7).address]],
      ["accountsChanged", []],
    ]);
    assert.deepEqual(await request(page, "eth_accounts"), { result: [] });
    assert.deepEqual(wallet.prompts(), [wallet.calls("eth_requestAccounts")[0]], "the user's own moves in the wallet are not requests");
  });

  it("is found by wagmi over EIP-6963 and used by its injected connector: no auto-connect, connect from chain 1 with a switch, sign, send, reject, reconnect after a reload", async () => {
    await using session = await open({ chainId: 1, account: 8 });
    const { wallet, page } = session;
    const wagmi = async <K extends keyof WagmiHarness>(action: K, ...args: Parameters<WagmiHarness[K]>) => {
      return page.evaluate(
        ({ action, args }) => {
          const harness = (window as unknown as { wagmiHarness: Record<string, (...a: unknown[]) => unknown> }).wagmiHarness;
          return harness[action](...args);
        },
        { action, args: args as unknown[] },
      ) as Promise<Awaited<ReturnType<WagmiHarness[K]>>>;
    };
    const load = async () => {
      await page.addScriptTag({ content: wagmiBundle });
      return wagmi("setup", chain.url);
    };

    const connectors = await load();
    const ours = connectors.find((c) => c.id === RDNS);
    assert.ok(ours, `wagmi did not discover the test wallet: ${JSON.stringify(connectors)}`);
    assert.equal(ours.name, "Test Wallet");
    assert.equal(ours.type, "injected");
    assert.equal((await wagmi("account")).status, "disconnected", "wagmi connected without being asked");
    assert.deepEqual(wallet.prompts(), []);

    const connected = await wagmi("connect", RDNS, 31337);
    assert.deepEqual(connected, { ok: { accounts: [wallet.address], chainId: 31337 } });
    assert.deepEqual(
      wallet.prompts().map((r) => r.method),
      ["wallet_requestPermissions", "wallet_switchEthereumChain"],
    );
    assert.deepEqual(await wagmi("account"), { status: "connected", address: wallet.address, chainId: 31337, connector: RDNS });

    const proof = {
      chainId: chain.deployment.chainId,
      verifyingContract: chain.deployment.channelManager,
      sender: wallet.address,
      receiver: RECEIVER,
      openBlock: "12",
      balance: parseEther("0.05").toString(),
    };
    const signed = await wagmi("signBalanceProof", proof);
    assert.ok("ok" in signed, JSON.stringify(signed));
    const typedData = balanceProofTypedData(proof, { sender: proof.sender, receiver: proof.receiver, openBlock: 12n }, parseEther("0.05"));
    assert.ok(isAddressEqual(await recoverTypedDataAddress({ ...typedData, signature: signed.ok }), wallet.address));

    const data = encodeFunctionData({ abi: tollgateTokenAbi, functionName: "faucet", args: [1n] });
    assert.deepEqual(await wagmi("send", chain.deployment.token, data), { ok: "success" });

    wallet.rejectNext("eth_signTypedData_v4");
    const rejected = await wagmi("signBalanceProof", proof);
    assert.ok("error" in rejected && rejected.error.name === "UserRejectedRequestError", JSON.stringify(rejected));

    // The user moves the wallet to another network: wagmi follows the chainChanged event.
    await wallet.switchChain(1);
    assert.equal((await wagmi("account")).chainId, 1);
    assert.deepEqual(await wagmi("switchChain", 31337), { ok: 31337 });

    await page.reload();
    await load();
    assert.deepEqual(await wagmi("account"), { status: "connected", address: wallet.address, chainId: 31337, connector: RDNS }, "no reconnect after a reload");
    const disconnected = await wagmi("disconnect");
    assert.ok(!("error" in disconnected), JSON.stringify(disconnected));
    assert.equal(wallet.connected, false, "wagmi's disconnect did not revoke the permission");
  });
});

/** A page with nothing on it, on the loopback, for the wallet to be injected into. */
async function serveBlankPage(): Promise<{ url: string; server: Server }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>wallet test</title><p>wallet test</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** wagmi's page script (fixtures/wagmiPage.ts) as one browser script. */
async function bundleWagmiPage(): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [path.join(import.meta.dirname, "fixtures/wagmiPage.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    logLevel: "silent",
    // wagmi's optional connectors' peers are not installed and not used here.
    external: ["@coinbase/*", "@metamask/*", "@safe-global/*", "@walletconnect/*", "@base-org/*", "porto", "porto/*"],
    define: { "process.env.NODE_ENV": '"production"' },
  });
  return outputFiles[0].text;
}
