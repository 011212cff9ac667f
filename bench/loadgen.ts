/**
 * Load generator, run in its own process so its CPU use is visible and separate from the
 * server under test. One undici Pool with one connection per virtual user (pipelining 1);
 * each user sends its next request as soon as the previous response has been read to the end.
 *
 *   node bench/loadgen.ts --url URL [--method POST] [--body-file F] [--header "k: v"]...
 *     [--concurrency 16] [--duration 3000 | --requests N] [--warmup 500] [--expect TEXT]
 *   node bench/loadgen.ts --serve      (jobs as JSON lines on stdin; see LoadJob)
 *
 * Prints one JSON line (LoadResult) on stdout.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { type Dispatcher, Pool } from "undici";
import { type Distribution, distribution, round } from "./lib/stats.ts";

export interface LoadOptions {
  url: string;
  method: "GET" | "POST";
  body?: Buffer;
  headers: Record<string, string>;
  concurrency: number;
  /** Measure for this long (ms) ... */
  durationMs?: number;
  /** ... or until this many requests have completed. */
  requests?: number;
  /** Unrecorded traffic before measuring, ms (JIT, connection setup, upstream pools). */
  warmupMs: number;
  /** A response counts as an error unless its last bytes contain this text (e.g. `[DONE]`). */
  expect?: string;
}

export interface LoadResult {
  url: string;
  concurrency: number;
  requests: number;
  errors: number;
  /** First error seen, for diagnosis. */
  firstError?: string;
  elapsedMs: number;
  rps: number;
  /** Request sent -> last body byte, ms. */
  latency: Distribution;
  /** Request sent -> first body byte, ms. */
  ttfb: Distribution;
  bytesPerResponse: number;
}

/** How many trailing bytes of a body are kept for the `expect` check. */
const TAIL_BYTES = 512;

interface Sample {
  latencyMs: number;
  ttfbMs: number;
  bytes: number;
}

class RequestFailed extends Error {}

/** One request on the pool, timed with hrtime, without materialising the body. */
function timedRequest(
  pool: Pool,
  opts: Dispatcher.DispatchOptions,
  expect: string | undefined,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let firstByte = 0n;
    let status = 0;
    let bytes = 0;
    let tail = "";
    pool.dispatch(opts, {
      // Its presence is what marks this handler as undici's controller-style API.
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData(_controller, chunk) {
        if (firstByte === 0n) firstByte = process.hrtime.bigint();
        bytes += chunk.length;
        if (expect !== undefined || status >= 400) {
          const end = chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES)).toString("latin1");
          tail = (tail + end).slice(-TAIL_BYTES);
        }
      },
      onResponseEnd() {
        const end = process.hrtime.bigint();
        if (status < 200 || status >= 300) {
          reject(new RequestFailed(`HTTP ${status}: ${tail.slice(-200)}`));
        } else if (expect !== undefined && !tail.includes(expect)) {
          reject(
            new RequestFailed(`response did not end with ${JSON.stringify(expect)}: ${tail.slice(-200)}`),
          );
        } else {
          if (firstByte === 0n) firstByte = end;
          resolve({ latencyMs: Number(end - start) / 1e6, ttfbMs: Number(firstByte - start) / 1e6, bytes });
        }
      },
      onResponseError(_controller, err) {
        reject(err);
      },
    });
  });
}

/**
 * Keeps one Pool per origin and concurrency, so a long-lived load generator (`--serve`) measures
 * on warm keep-alive connections slice after slice.
 */
export class PoolCache {
  readonly #pools = new Map<string, Pool>();

  get(origin: string, connections: number): Pool {
    const key = `${connections} ${origin}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.destroy()));
    this.#pools.clear();
  }
}

export async function runLoad(options: LoadOptions, pools?: PoolCache): Promise<LoadResult> {
  const target = new URL(options.url);
  const ownPools = pools ?? new PoolCache();
  const pool = ownPools.get(target.origin, options.concurrency);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  const dispatchOptions: Dispatcher.DispatchOptions = {
    origin: target.origin,
    path: target.pathname + target.search,
    method: options.method,
    headers,
    body: options.body,
  };

  try {
    if (options.warmupMs > 0) {
      await drive(pool, dispatchOptions, options, performance.now() + options.warmupMs, undefined, () => {});
    }
    const latencies: number[] = [];
    const ttfbs: number[] = [];
    let bytes = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline =
      options.durationMs !== undefined ? started + options.durationMs : Number.POSITIVE_INFINITY;
    await drive(pool, dispatchOptions, options, deadline, options.requests, (sample, err) => {
      if (sample) {
        latencies.push(sample.latencyMs);
        ttfbs.push(sample.ttfbMs);
        bytes += sample.bytes;
      } else {
        errors++;
        firstError ??= String((err as Error)?.message ?? err);
      }
    });
    const elapsedMs = performance.now() - started;
    return {
      url: options.url,
      concurrency: options.concurrency,
      requests: latencies.length,
      errors,
      firstError,
      elapsedMs: round(elapsedMs, 1),
      rps: round((latencies.length / elapsedMs) * 1000, 1),
      latency: roundDistribution(distribution(latencies)),
      ttfb: roundDistribution(distribution(ttfbs)),
      bytesPerResponse: latencies.length > 0 ? Math.round(bytes / latencies.length) : 0,
    };
  } finally {
    if (pools === undefined) await ownPools.close();
  }
}

/** Runs `concurrency` users until the deadline or until `limit` requests have been started. */
async function drive(
  pool: Pool,
  dispatchOptions: Dispatcher.DispatchOptions,
  options: LoadOptions,
  deadline: number,
  limit: number | undefined,
  record: (sample: Sample | undefined, err?: unknown) => void,
): Promise<void> {
  let started = 0;
  const user = async () => {
    while (performance.now() < deadline && (limit === undefined || started < limit)) {
      started++;
      try {
        record(await timedRequest(pool, dispatchOptions, options.expect));
      } catch (err) {
        record(undefined, err);
        // A refused or reset connection fails instantly; don't spin on it.
        if (!(err instanceof RequestFailed)) await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, user));
}

function roundDistribution(d: Distribution): Distribution {
  return {
    count: d.count,
    min: round(d.min),
    mean: round(d.mean),
    p50: round(d.p50),
    p90: round(d.p90),
    p99: round(d.p99),
    max: round(d.max),
  };
}

function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(":");
  if (colon <= 0) throw new Error(`--header wants "name: value", got ${JSON.stringify(line)}`);
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}

function optionalNumber(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : Number(raw);
}

/** One job of `--serve` mode, a JSON line on stdin. */
export interface LoadJob {
  id: number;
  url: string;
  bodyFile?: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs?: number;
  requests?: number;
  warmupMs: number;
  expect?: string;
}

/**
 * `--serve`: reads LoadJob lines on stdin, answers each with `{id, result}` or `{id, error}` on
 * stdout, one job at a time, keeping connections (and the JIT) warm between jobs.
 */
async function serve(): Promise<void> {
  const pools = new PoolCache();
  const bodies = new Map<string, Buffer>();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let id = -1;
    try {
      const job = JSON.parse(line) as LoadJob;
      id = job.id;
      let body: Buffer | undefined;
      if (job.bodyFile !== undefined) {
        body = bodies.get(job.bodyFile) ?? readFileSync(job.bodyFile);
        bodies.set(job.bodyFile, body);
      }
      const result = await runLoad(
        {
          url: job.url,
          method: body ? "POST" : "GET",
          body,
          headers: job.headers ?? {},
          concurrency: job.concurrency,
          durationMs: job.durationMs,
          requests: job.requests,
          warmupMs: job.warmupMs,
          expect: job.expect,
        },
        pools,
      );
      process.stdout.write(`${JSON.stringify({ id, result })}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ id, error: String((err as Error)?.message ?? err) })}\n`);
    }
  }
  await pools.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "boolean", default: false },
      url: { type: "string" },
      method: { type: "string" },
      "body-file": { type: "string" },
      header: { type: "string", multiple: true },
      concurrency: { type: "string", default: "1" },
      duration: { type: "string" },
      requests: { type: "string" },
      warmup: { type: "string", default: "0" },
      expect: { type: "string" },
    },
  });
  if (values.serve) return serve();
  if (!values.url) throw new Error("--url is required (or --serve)");
  const body = values["body-file"] ? readFileSync(values["body-file"]) : undefined;
  const requests = optionalNumber(values.requests);
  const durationMs = optionalNumber(values.duration) ?? (requests === undefined ? 3000 : undefined);
  const method = (values.method ?? (body ? "POST" : "GET")).toUpperCase();
  if (method !== "GET" && method !== "POST") throw new Error(`unsupported --method ${method}`);
  const result = await runLoad({
    url: values.url,
    method,
    body,
    headers: Object.fromEntries((values.header ?? []).map(parseHeader)),
    concurrency: Math.max(1, Number(values.concurrency)),
    durationMs,
    requests,
    warmupMs: Number(values.warmup),
    expect: values.expect,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.main) {
  main().catch((err) => {
    process.stderr.write(`loadgen: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  });
}
