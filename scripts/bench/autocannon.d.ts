// The slice of autocannon 9's programmatic API the benchmark uses (the package ships no types).
// Shapes follow node_modules/autocannon/lib/{run,httpClient,requestIterator}.js.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    /** A request as autocannon builds it; `setupRequest` may rewrite it before every send. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
    }

    /** One connection. `setRequests` may only be called while pipelining is 1. */
    interface Client extends EventEmitter {
      setRequests(requests: Request[]): void;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      headers?: Record<string, string>;
      setupClient?: (client: Client) => void;
    }

    interface Result {
      /** Seconds, rounded to 10 ms. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
      latency: { p50: number; p99: number };
    }

    interface Instance extends EventEmitter {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export = autocannon;
}
