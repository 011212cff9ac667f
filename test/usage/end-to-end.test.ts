import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import { type RunningProxy, startProxy } from "../../src/start.ts";
import { waitFor } from "../helpers/harness.ts";

process.env.LOG_LEVEL ??= "fatal";

const MGMT = "usage-e2e-management-secret";
const CLIENT_KEYS = ["client-key-alpha-123456", "client-key-beta-7890123"];
const UPSTREAM_KEY = "upstream-secret-zzzzzzzzzz";

function configFor(upstream: string, dir: string): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
usage-statistics-enabled: true
error-logs-max-files: 2
remote-management:
  secret-key: "${MGMT}"
api-keys: ["${CLIENT_KEYS[0]}", "${CLIENT_KEYS[1]}"]
openai-compatibility:
  - name: up
    base-url: "${upstream}/v1"
    api-key-entries: [{ api-key: "${UPSTREAM_KEY}" }]
    models: [{ name: fake-echo, alias: oa-echo }, { name: fake-server-error, alias: oa-broken }]
claude-api-key:
  - api-key: "${UPSTREAM_KEY}"
    base-url: "${upstream}"
    models: [{ name: claude-fake-echo, alias: c-echo }]
gemini-api-key:
  - api-key: "${UPSTREAM_KEY}"
    base-url: "${upstream}"
    models: [{ name: gemini-fake-echo, alias: g-echo }]
`;
}

/** One `name{labels} value` line per sample, labels as written. */
function samples(text: string, name: string): Array<{ labels: string; value: number }> {
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const at = l.lastIndexOf(" ");
      return { labels: l.slice(name.length, at), value: Number(l.slice(at + 1)) };
    });
}

describe("usage, metrics and error logs through the real surface", () => {
  let upstream: FakeUpstream;
  let dir: string;
  let configPath: string;
  let proxy: RunningProxy;
  /** Tokens the clients were told they used, summed: the report must match exactly. */
  let expectedTokens = 0;

  const mgmt = (path: string, init: RequestInit = {}) =>
    fetch(`${proxy.url}/v0/management${path}`, {
      ...init,
      headers: { authorization: `Bearer ${MGMT}`, ...(init.headers as Record<string, string>) },
    });
  const usage = async () => ((await (await mgmt("/usage")).json()) as any).usage;

  before(async () => {
    upstream = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
    dir = await mkdtemp(join(tmpdir(), "cpa-usage-e2e-"));
    configPath = join(dir, "config.yaml");
    await writeFile(configPath, configFor(upstream.url, dir));
    proxy = await startProxy({ configPath, host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await proxy.close(1000);
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records a mix of three formats exactly", async () => {
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: CLIENT_KEYS[0], maxRetries: 0 });
    const chat = await openai.chat.completions.create({
      model: "oa-echo",
      messages: [{ role: "user", content: "count me in please" }],
    });
    expectedTokens += chat.usage!.total_tokens;

    const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: CLIENT_KEYS[1], maxRetries: 0 });
    const msg = await anthropic.messages
      .stream({ model: "c-echo", max_tokens: 100, messages: [{ role: "user", content: "stream and count" }] })
      .finalMessage();
    const u = msg.usage;
    expectedTokens +=
      u.input_tokens +
      (u.cache_read_input_tokens ?? 0) +
      (u.cache_creation_input_tokens ?? 0) +
      u.output_tokens;

    const genai = new GoogleGenAI({ apiKey: CLIENT_KEYS[0], httpOptions: { baseUrl: proxy.url } });
    const g = await genai.models.generateContent({ model: "g-echo", contents: "gemini counts too" });
    expectedTokens += g.usageMetadata!.totalTokenCount!;

    await assert.rejects(
      openai.chat.completions.create({ model: "oa-broken", messages: [{ role: "user", content: "fail" }] }),
    );

    await waitFor(async () => (await usage()).total_requests === 4, 5000);
    const report = await usage();
    assert.equal(report.success_count, 3);
    assert.equal(report.failure_count, 1);
    assert.equal(report.total_tokens, expectedTokens);
    const apis = Object.keys(report.apis);
    assert.equal(apis.length, 2, "one entry per client key");
    for (const k of apis) for (const secret of CLIENT_KEYS) assert.ok(!k.includes(secret), "keys are masked");
  });

  it("exposes Prometheus metrics behind the management key", async () => {
    assert.equal((await fetch(`${proxy.url}/metrics`)).status, 401);
    const res = await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${MGMT}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const text = await res.text();
    const requests = samples(text, "cliproxy_requests_total");
    assert.equal(
      requests.reduce((n, s) => n + s.value, 0),
      4,
    );
    assert.ok(requests.some((s) => s.labels.includes('status="500"')));
    const tokens = samples(text, "cliproxy_tokens_total").reduce((n, s) => n + s.value, 0);
    assert.ok(tokens > 0);
    assert.ok(samples(text, "cliproxy_proxy_overhead_seconds_count").length > 0);
    assert.doesNotMatch(text, new RegExp(CLIENT_KEYS[0]));
  });

  it("wrote an error log file without any key in it", async () => {
    const logDir = join(dir, "auth", "logs");
    let files: string[] = [];
    await waitFor(async () => {
      files = (await readdir(logDir).catch(() => [] as string[])).filter((f) => f.startsWith("error-"));
      return files.length === 1;
    });
    const text = await readFile(join(logDir, files[0]), "utf8");
    assert.match(text, /500/);
    for (const secret of [...CLIENT_KEYS, UPSTREAM_KEY, MGMT])
      assert.ok(!text.includes(secret), "no secret in the log");
  });

  it("survives a restart", async () => {
    const before = await usage();
    await proxy.close(1000);
    proxy = await startProxy({ configPath, host: "127.0.0.1", port: 0 });
    const after = await usage();
    assert.equal(after.total_requests, before.total_requests);
    assert.equal(after.total_tokens, before.total_tokens);
  });

  it("export then import into a fresh instance gives the same totals, and importing twice does not double count", async () => {
    const exported = await (await mgmt("/usage/export")).json();
    const original = await usage();

    const dir2 = await mkdtemp(join(tmpdir(), "cpa-usage-e2e-2-"));
    const path2 = join(dir2, "config.yaml");
    await writeFile(path2, configFor(upstream.url, dir2));
    const fresh = await startProxy({ configPath: path2, host: "127.0.0.1", port: 0 });
    try {
      const post = () =>
        fetch(`${fresh.url}/v0/management/usage/import`, {
          method: "POST",
          headers: { authorization: `Bearer ${MGMT}`, "content-type": "application/json" },
          body: JSON.stringify(exported),
        });
      assert.equal((await post()).status, 200);
      assert.equal((await post()).status, 200);
      const res = await fetch(`${fresh.url}/v0/management/usage`, {
        headers: { authorization: `Bearer ${MGMT}` },
      });
      const imported = ((await res.json()) as any).usage;
      assert.equal(imported.total_requests, original.total_requests);
      assert.equal(imported.total_tokens, original.total_tokens);
      assert.equal(imported.failure_count, original.failure_count);
      const bad = await fetch(`${fresh.url}/v0/management/usage/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${MGMT}` },
        body: "not json",
      });
      assert.equal(bad.status, 400);
    } finally {
      await fresh.close(1000);
      await rm(dir2, { recursive: true, force: true });
    }
  });
});
