/**
 * `npm run chain`: a standalone local Hardhat node on 127.0.0.1:8545 (CHAIN_PORT or --port
 * to move it) that makes a block a second, as the demo's does, for `npm run setup` and a site of
 * one's own. Its state lives in memory: stopping it forgets every deployment and channel, so run
 * `npm run setup` again after a restart. Ctrl-C stops it; so does any failure.
 */
import { parseArgs } from "node:util";
import { startLocalChain } from "./lib/localChain";
import { stopAll } from "./lib/processes";

const { values } = parseArgs({ options: { port: { type: "string", default: process.env.CHAIN_PORT ?? "8545" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`chain: --port (or CHAIN_PORT) must be a port number, got ${values.port}`);
  process.exit(2);
}

const stop = (code: number) => (stopAll(), process.exit(code));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

try {
  const { url, node } = await startLocalChain({ port, blockIntervalMs: 1000 });
  // The node going away on its own ends this process too, with its status.
  node.on("exit", (code) => {
    console.error(`chain: the Hardhat node exited (${code ?? "signal"})`);
    stop(1);
  });
  console.log(`Local chain (id 31337) on ${url}, a block a second. Next, in another terminal: npm run setup\nPress Ctrl-C to stop it.`);
} catch (error) {
  console.error(`chain: ${error instanceof Error ? error.message : error}`);
  stop(1);
}
