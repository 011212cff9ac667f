import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ProxyMetrics } from "../../src/metrics/registry.ts";
import { createRequestLogger } from "../../src/request-log/logger.ts";
import { CallObserver } from "../../src/usage/call-observer.ts";
import { UsageRecorder } from "../../src/usage/recorder.ts";
import { usageReport } from "../../src/usage/report.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cpa-observe-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metricValue(text: string, line: RegExp): number {
  const m = text.split("\n").find((l) => line.test(l));
  return m ? Number(m.slice(m.lastIndexOf(" ") + 1)) : Number.NaN;
}

describe("CallObserver", () => {
  it("one call feeds usage, metrics and (on failure) the error log", async () => {
    const usage = new UsageRecorder({ enabled: true, path: join(dir, "usage.db"), retentionDays: 30 });
    const metrics = new ProxyMetrics();
    const logs = join(dir, "logs");
    const requestLog = createRequestLogger({
      enabled: false,
      dir: logs,
      errorLogsMaxFiles: 5,
      maxBodyBytes: 1 << 20,
    });
    const sinks = { usage, metrics, requestLog };
    const start = {
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: "Bearer client-key-abcdefghijkl" },
      body: '{"model":"fast"}',
      format: "openai-chat" as const,
      clientKey: "client-key-abcdefghijkl",
      modelRequested: "fast",
      stream: true,
    };

    const ok = new CallObserver(sinks, start);
    assert.match((await metrics.exposition()).body, /cliproxy_in_flight_requests 1/);
    ok.attempt({
      provider: "claude",
      credentialId: "c1",
      credentialLabel: "claude sk-...1",
      upstreamModel: "claude-haiku",
    });
    ok.waitStart();
    await sleep(30);
    ok.waitEnd();
    ok.firstByte();
    ok.setUsage({ inputTokens: 20, outputTokens: 8 });
    assert.ok(ok.overheadMs() < 25, `overhead ${ok.overheadMs()} excludes the upstream wait`);
    const rec = ok.finish(200);
    assert.ok(rec);
    assert.equal(ok.finish(200), undefined, "finish counts once");
    assert.equal(rec.modelServed, "claude-haiku");
    assert.ok(rec.latencyMs >= 30 && rec.ttftMs !== undefined && rec.ttftMs >= 30);

    const failed = new CallObserver(sinks, { ...start, stream: false });
    failed.attempt({
      provider: "claude",
      credentialId: "c2",
      credentialLabel: "claude sk-...2",
      upstreamModel: "claude-haiku",
    });
    failed.log.upstreamError(429, '{"error":"rate limited"}');
    failed.finish(429, { body: '{"error":{"message":"all credentials cooling"}}' });
    await requestLog.idle();

    const cut = new CallObserver(sinks, start);
    cut.firstByte();
    cut.markFailed();
    assert.equal(cut.finish(200)?.failed, true, "a stream cut after the first byte counts as failed");

    const report = usageReport(usage);
    assert.equal(report.usage.total_requests, 3);
    assert.equal(report.failed_requests, 2);
    assert.equal(report.usage.total_tokens, 28);
    const text = (await metrics.exposition()).body;
    assert.equal(metricValue(text, /^cliproxy_in_flight_requests /), 0);
    assert.equal(metricValue(text, /^cliproxy_requests_total\{.*status="429"/), 1);
    assert.equal(metricValue(text, /^cliproxy_upstream_duration_seconds_count\{provider="claude"\}/), 2);
    assert.equal(metricValue(text, /^cliproxy_requests_total\{.*provider="none".*status="200"/), 1);
    const files = await readdir(logs);
    assert.equal(files.length, 1);
    assert.match(files[0], /^error-v1-chat-completions-/);
    usage.close();
  });

  it("works with no sinks at all", () => {
    const o = new CallObserver(
      {},
      {
        method: "POST",
        url: "/v1/messages",
        headers: {},
        format: "anthropic",
        modelRequested: "m",
        stream: false,
      },
    );
    o.log.responseChunk("x");
    assert.equal(o.finish(200), undefined);
  });
});
