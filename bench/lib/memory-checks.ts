/** The two memory bars: RSS across 1,000-event streams, and RSS with 2,000 credentials. */
import type { MemoryFigures } from "./bars.ts";
import type { BodyFiles, LoadWorker } from "./measure.ts";
import { RssSampler, readRss } from "./memory.ts";
import { longStream, smokeScenarios } from "./scenarios.ts";
import { loadedCredentials, startProxy } from "./stack.ts";
import { round } from "./stats.ts";

/** Concurrent 1,000-event streams: enough in flight that buffering a whole stream would show. */
const LONG_STREAM_CONCURRENCY = 16;

/**
 * Serves 1,000-event streams for a warm-up period (the heap grows to its working size), then for
 * a measured period; "flat" means the measured peak stays near the warm-up peak.
 */
export async function longStreamMemory(
  worker: LoadWorker,
  proxyUrl: string,
  proxyPid: number,
  bodies: BodyFiles,
  durationMs: number,
): Promise<NonNullable<MemoryFigures["longStream"]>> {
  const shape = longStream(LONG_STREAM_CONCURRENCY);
  const run = () =>
    worker.measure({
      url: proxyUrl + shape.path,
      bodyFile: bodies.path(shape.body),
      concurrency: shape.concurrency,
      durationMs,
      warmupMs: 0,
      expect: shape.expect,
    });
  const warmSampler = new RssSampler(proxyPid);
  const warm = await run();
  const warmRss = warmSampler.stop();
  const measuredSampler = new RssSampler(proxyPid);
  const measured = await run();
  const measuredRss = measuredSampler.stop();
  return {
    warmPeakMb: round(warmRss.maxMb, 1),
    measuredPeakMb: round(measuredRss.maxMb, 1),
    growthMb: round(Math.max(0, measuredRss.maxMb - warmRss.maxMb), 1),
    streams: measured.requests,
    errors: warm.errors + measured.errors + (measured.requests === 0 ? 1 : 0),
  };
}

/** Sequential requests served by the credentials proxy before its peak RSS is read. */
const CREDENTIALS_REQUESTS = 200;

/**
 * A second proxy holding `count` credentials, serving a few hundred sequential requests; its
 * VmHWM is the figure. The credentials are OAuth-shaped files in auth-dir; a proxy that does
 * not load auth-dir yet gets them as config API keys instead (the files stay, so the count is
 * what the proxy reports it loaded). Sequential on purpose: under concurrent load V8 grows its
 * heap lazily (the bare floor reaches 250-300 MB at c=64), which is throughput headroom, not
 * the cost of holding credentials.
 */
export async function credentialsMemory(
  worker: LoadWorker,
  proxyEntry: string | undefined,
  dir: string,
  upstream: string,
  count: number,
  bodies: BodyFiles,
): Promise<NonNullable<MemoryFigures["credentials"]>> {
  let source: "auth-dir" | "config" = "auth-dir";
  let proxy = await startProxy({ dir, upstream, authFiles: count, entry: proxyEntry });
  if ((loadedCredentials(proxy.service) ?? 0) < count) {
    await proxy.service.stop();
    source = "config";
    proxy = await startProxy({ dir, upstream, authFiles: count, configKeys: count, entry: proxyEntry });
  }
  try {
    // Let start-up work (file loading, first GC) settle before the idle reading.
    await new Promise((r) => setTimeout(r, 500));
    const idle = readRss(proxy.service.pid);
    const shape = smokeScenarios()[0].requests.proxy;
    const result = await worker.measure({
      url: proxy.url + shape.path,
      bodyFile: bodies.path(shape.body),
      concurrency: 1,
      requests: CREDENTIALS_REQUESTS,
      warmupMs: 0,
      expect: shape.expect,
    });
    const after = readRss(proxy.service.pid);
    return {
      count: loadedCredentials(proxy.service) ?? count,
      source,
      idleMb: round(idle?.rssMb ?? Number.NaN, 1),
      peakMb: round(after?.peakMb ?? Number.NaN, 1),
      errors: result.errors + (result.requests === 0 ? 1 : 0),
    };
  } finally {
    await proxy.service.stop();
  }
}
