import assert from "node:assert/strict";
import { it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { loadPublicConfig } from "./config";

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
