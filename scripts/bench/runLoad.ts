/**
 * One timed load over autocannon's programmatic API. Each connection is a {@link Lane}: it decides
 * what its next request is and learns from each answer, so a connection can walk its own
 * channel's pre-signed proofs in order. Only 200s count as successes; every other status is
 * tallied so that the caller can declare the run void.
 */
import autocannon from "autocannon";

export type LaneRequest = { path: string; headers: Record<string, string> };

export type Lane = {
  /** The request to send now. Called once per request, right before it is written. */
  next(): LaneRequest;
  /** The answer to the last request (response headers with their names as the server sent them). */
  answered(status: number, headers: Record<string, string | string[]>): void;
};

export type LoadResult = {
  /** Wall-clock seconds from the first request to the stop. */
  seconds: number;
  /** Responses with status 200. */
  ok: number;
  /** Count per status, 200 included. */
  statuses: Record<number, number>;
  /** Connection errors and timeouts (requests that got no status at all). */
  errors: number;
  timeouts: number;
  /** Latency of every 200, in milliseconds (autocannon's own histogram rounds to whole ms). */
  latenciesMs: number[];
  /** The run's span on the monotonic clock (µs), the clock of V8's CPU profiles. */
  startUs: number;
  endUs: number;
};

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export function runLoad({
  url,
  connections,
  seconds,
  lane,
}: {
  url: string;
  connections: number;
  seconds: number;
  /** The lane of connection `index` (0 … connections − 1). */
  lane: (index: number) => Lane;
}): Promise<LoadResult> {
  let clients = 0;
  const latenciesMs: number[] = [];
  const statuses: Record<number, number> = {};
  const startUs = monotonicUs();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        // One request in flight per connection: a channel's proofs must arrive in order.
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        setupClient(client) {
          const own = lane(clients++);
          client.setRequests([
            {
              method: "GET",
              setupRequest: (request) => ({ ...request, ...own.next() }),
              onResponse: (status, _body, _context, headers) => own.answered(status, headers),
            },
          ]);
        },
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          seconds: result.duration,
          ok: statuses[200] ?? 0,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          latenciesMs,
          startUs,
          endUs: monotonicUs(),
        });
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) latenciesMs.push(ms);
    });
  });
}

/** The `q`-quantile (0 < q ≤ 1) by nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A response header by name, whatever case the server used. */
export function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
