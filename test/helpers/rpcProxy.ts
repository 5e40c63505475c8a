/**
 * A real HTTP server between a site (or the receiver) and the Hardhat node: it forwards JSON-RPC
 * as is, counts the calls by method, and can be cut off (every request refused) to play an RPC
 * that is down.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcProxy = {
  url: string;
  /** Calls forwarded so far, by method. */
  calls: Map<string, number>;
  total(): number;
  /** Requests refused while down. */
  refused(): number;
  /** While down, every request (or every call of `methods`) is answered 503, as an overloaded or dead endpoint would be. */
  setDown(down: boolean, methods?: string[]): void;
  close(): Promise<void>;
};

export async function startRpcProxy(upstream: string): Promise<RpcProxy> {
  const calls = new Map<string, number>();
  let down: false | "all" | Set<string> = false;
  let refused = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const methods = ([JSON.parse(body)].flat() as { method: string }[]).map((call) => call.method);
    if (down === "all" || (down && methods.some((m) => (down as Set<string>).has(m)))) {
      refused++;
      response.writeHead(503).end();
      return;
    }
    for (const method of methods) calls.set(method, (calls.get(method) ?? 0) + 1);
    const answer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
    response.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    refused: () => refused,
    setDown: (value, methods) => void (down = !value ? false : methods ? new Set(methods) : "all"),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
