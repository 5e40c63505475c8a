import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// The compiler comes from the npm `solc` package: Hardhat's own download cannot run offline.
const solc = { version: "0.8.28", path: require.resolve("solc/soljson.js") };
const optimized = { ...solc, settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun" } };

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    profiles: { default: optimized, production: optimized },
  },
  paths: {
    sources: "./contracts",
    tests: { solidity: "./contracts/test", nodejs: "./test/contracts" },
  },
  networks: {
    // An RPC URL and key from the environment: `npm run deploy -- --network custom`.
    custom: {
      type: "http",
      chainType: "l1",
      url: process.env.RPC_URL ?? "http://127.0.0.1:8545",
      accounts: process.env.DEPLOYER_KEY ? [process.env.DEPLOYER_KEY] : [],
    },
  },
});
