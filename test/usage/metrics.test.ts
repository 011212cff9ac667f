import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { Counter, Histogram, Registry } from "prom-client";
import { countCredentialStates } from "../../src/metrics/credential-states.ts";
import { metricsHandler } from "../../src/metrics/handler.ts";
import { metricsFor, ProxyMetrics } from "../../src/metrics/registry.ts";
import { FastCounter, FastHistogram } from "../../src/metrics/series.ts";
import { newUsageRecord } from "../../src/usage/record.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the Prometheus text format (prom-client ships none): samples, HELP and TYPE. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      types.set(name, type);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `malformed sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const s = samples.find(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  );
  return s?.value;
}

function record(status: number, model = "gpt-4o") {
  return newUsageRecord({
    time: Date.now(),
    clientKey: "client-key-123456789",
    provider: "openai-compatibility",
    credentialId: "cred-1",
    credentialLabel: "openrouter sk-o...abcd",
    modelRequested: model,
    modelServed: model,
    format: "openai-chat",
    stream: false,
    status,
    latencyMs: 250,
    ttftMs: 240,
    usage: { inputTokens: 100, outputTokens: 40, cachedInputTokens: 30, reasoningTokens: 10 },
  });
}

describe("metrics", () => {
  it("counters, histograms and gauges move as requests are observed", async () => {
    const m = new ProxyMetrics();
    m.setCredentialStateSource(() =>
      countCredentialStates(
        [
          { id: "a", provider: "claude" },
          { id: "b", provider: "claude" },
          { id: "c", provider: "gemini" },
        ],
        [{ credentialId: "b" }, { credentialId: "b" }],
      ),
    );
    m.requestStarted();
    m.requestStarted();
    m.observe(record(200), 200);
    m.observe(record(200), 230);
    m.observe({ ...record(429), upstreamMs: 20 });
    m.requestFinished();

    const { body, contentType } = await m.exposition();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(body);
    const base = { route: "openai-chat", provider: "openai-compatibility", model: "gpt-4o" };
    assert.equal(value(samples, "cliproxy_requests_total", { ...base, status: "200" }), 2);
    assert.equal(value(samples, "cliproxy_requests_total", { ...base, status: "429" }), 1);
    assert.equal(types.get("cliproxy_requests_total"), "counter");
    assert.equal(value(samples, "cliproxy_tokens_total", { kind: "input" }), 300);
    assert.equal(value(samples, "cliproxy_tokens_total", { kind: "output" }), 120);
    assert.equal(value(samples, "cliproxy_tokens_total", { kind: "cached" }), 90);
    assert.equal(value(samples, "cliproxy_tokens_total", { kind: "reasoning" }), 30);
    assert.equal(
      value(samples, "cliproxy_upstream_duration_seconds_count", { provider: "openai-compatibility" }),
      3,
    );
    const upstreamSum = value(samples, "cliproxy_upstream_duration_seconds_sum", {
      provider: "openai-compatibility",
    });
    assert.ok(Math.abs((upstreamSum ?? 0) - 0.45) < 1e-9);
    // Overhead = latency (250) - upstream wait: 50 + 20 + 230 ms.
    assert.ok(
      Math.abs((value(samples, "cliproxy_proxy_overhead_seconds_sum", { route: "openai-chat" }) ?? 0) - 0.3) <
        1e-9,
    );
    assert.equal(
      value(samples, "cliproxy_proxy_overhead_seconds_bucket", { route: "openai-chat", le: "0.025" }),
      1,
    );
    assert.equal(
      value(samples, "cliproxy_time_to_first_token_seconds_count", { provider: "openai-compatibility" }),
      3,
    );
    assert.equal(types.get("cliproxy_time_to_first_token_seconds"), "histogram");
    assert.equal(value(samples, "cliproxy_in_flight_requests"), 1);
    assert.equal(value(samples, "cliproxy_credentials", { provider: "claude", state: "available" }), 1);
    assert.equal(value(samples, "cliproxy_credentials", { provider: "claude", state: "cooling" }), 1);
    assert.equal(value(samples, "cliproxy_credentials", { provider: "gemini", state: "available" }), 1);

    m.observe(record(200), 200);
    const again = parseExposition((await m.exposition()).body).samples;
    assert.equal(value(again, "cliproxy_requests_total", { ...base, status: "200" }), 3);
  });

  it("each proxy instance has its own registry", async () => {
    const a = metricsFor({});
    const ownerB = {};
    const b = metricsFor(ownerB);
    assert.equal(metricsFor(ownerB), b);
    a.observe(record(200));
    const bText = (await b.exposition()).body;
    assert.equal(value(parseExposition(bText).samples, "cliproxy_requests_total"), undefined);
  });

  it("client-chosen model names cannot grow the label set without bound", async () => {
    const m = new ProxyMetrics();
    for (let i = 0; i < 600; i++) m.observe(record(404, `made-up-${i}`));
    const { samples } = parseExposition((await m.exposition()).body);
    const models = new Set(
      samples.filter((s) => s.name === "cliproxy_requests_total").map((s) => s.labels.model),
    );
    assert.ok(models.size <= 501);
    assert.equal(value(samples, "cliproxy_requests_total", { model: "other" }), 100);
  });

  it("GET /metrics: loopback clients by default, or whoever the authorizer admits", async () => {
    const m = new ProxyMetrics();
    m.observe(record(200));
    const denyAll = new Hono().get("/metrics", metricsHandler(m));
    // app.request has no socket: not loopback.
    assert.equal((await denyAll.request("/metrics")).status, 403);

    const withKey = new Hono().get(
      "/metrics",
      metricsHandler(m, { authorize: (c) => c.req.header("authorization") === "Bearer mgmt" }),
    );
    assert.equal((await withKey.request("/metrics")).status, 403);
    const ok = await withKey.request("/metrics", { headers: { authorization: "Bearer mgmt" } });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(await ok.text(), /cliproxy_requests_total\{/);

    const server = createServer(getRequestListener(denyAll.fetch));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      assert.equal(res.status, 200, "a loopback client is served by default");
      assert.equal(
        value(parseExposition(await res.text()).samples, "cliproxy_requests_total", { status: "200" }),
        1,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("fast series", () => {
  it("render exactly what prom-client's own Counter and Histogram render for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const bounds = [0.1, 0.5, 1, 5];
    const fastCounter = new FastCounter(ours, "c_total", "a counter", ["a", "b"]);
    const fastHistogram = new FastHistogram(ours, "h_seconds", "a histogram", ["p"], bounds);
    const counter = new Counter({
      name: "c_total",
      help: "a counter",
      labelNames: ["a", "b"],
      registers: [theirs],
    });
    const histogram = new Histogram({
      name: "h_seconds",
      help: "a histogram",
      labelNames: ["p"],
      buckets: bounds,
      registers: [theirs],
    });
    const observations: Array<[string, number]> = [
      ["x", 0.05],
      ["x", 0.1],
      ["y", 0.7],
      ["x", 9],
      ["y", 5],
      ['q"uote\\', 0.3],
    ];
    for (const [p, v] of observations) {
      fastHistogram.observe([p], v);
      histogram.observe({ p }, v);
      fastCounter.inc([p, "k"], 2);
      counter.inc({ a: p, b: "k" }, 2);
    }
    fastCounter.inc(["x", "other"]);
    counter.inc({ a: "x", b: "other" });
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});
