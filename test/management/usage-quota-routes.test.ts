import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { maskSecret } from "../../src/logging/redact.ts";
import { catalogs } from "../../src/providers/catalog.ts";
import { type Harness, startHarness, waitForSecretHashed } from "../helpers/harness.ts";
import { baseConfig, chat, claudeKey, keysUsed, messages } from "../routing/helpers/client.ts";
import { call, SECRET, waitFor } from "./helpers.ts";

// GET /api-key-usage, POST /reset-quota and GET /model-definitions/:channel through HTTP.

const IDLE_KEY = "sk-ant-idle-key-0000000000000001";
const COMPAT_KEY = "compat-key-000000000000000001";
const SECRETS = [
  "limited-key-000000000001",
  "good-key-00000000000001",
  "broken-key-0000000000001",
  IDLE_KEY,
  COMPAT_KEY,
];

async function mgmt(h: Harness, method: string, path: string, body?: unknown) {
  const r = await call(h, method, path, body);
  for (const s of SECRETS) assert.ok(!r.text.includes(s), `secret ${s} in ${r.text}`);
  return r;
}

describe("management api-key-usage, reset-quota, model-definitions", () => {
  let h: Harness;
  let upstreamUrl = "";
  const credId = (key: string) => h.proxy.runtime.registry.credentials.find((c) => c.apiKey === key)!.id;

  before(async () => {
    h = await startHarness((url, dir) => {
      upstreamUrl = url;
      return (
        baseConfig(
          dir,
          `remote-management:\n  secret-key: "${SECRET}"\nusage-statistics-enabled: true\nrequest-retry: 0\nrouting:\n  strategy: "fill-first"`,
        ) +
        "claude-api-key:\n" +
        claudeKey(url, SECRETS[0], {
          models: [["model-one", "m1"]],
          headers: { "x-fake-scenario": "rate-limit", "x-fake-reset-seconds": "60" },
        }) +
        claudeKey(url, SECRETS[1], { models: [["model-one", "m1"]] }) +
        claudeKey(url, SECRETS[2], {
          models: [["model-two", "m2"]],
          headers: { "x-fake-scenario": "server-error" },
        }) +
        `  - api-key: "${IDLE_KEY}"\n` +
        `openai-compatibility:\n  - name: "Fake"\n    base-url: "${url}/v1"\n` +
        `    api-key-entries:\n      - api-key: "${COMPAT_KEY}"\n` +
        `    models:\n      - name: "fake-echo"\n        alias: "echo-model"\n`
      );
    });
    await waitForSecretHashed(h.configPath);
  });
  after(() => h.close());

  it("lists every config key with zero counts and 20 ten-minute slots before any request", async () => {
    const slotStart = (d: Date) => {
      const minutes = d.getHours() * 60 + d.getMinutes();
      return minutes - (minutes % 10);
    };
    const before = slotStart(new Date());
    const r = await mgmt(h, "GET", "api-key-usage");
    const after = slotStart(new Date());
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ["claude", "fake"]);
    assert.deepEqual(
      Object.keys(r.body.claude).sort(),
      [
        `${upstreamUrl}|${maskSecret(SECRETS[2])}`,
        `${upstreamUrl}|${maskSecret(SECRETS[1])}`,
        `${upstreamUrl}|${maskSecret(SECRETS[0])}`,
        `|${maskSecret(IDLE_KEY)}`,
      ].sort(),
    );
    const idle = r.body.claude[`|${maskSecret(IDLE_KEY)}`];
    assert.equal(idle.success, 0);
    assert.equal(idle.failed, 0);
    assert.equal(idle.recent_requests.length, 20);
    for (const b of idle.recent_requests) {
      assert.match(b.time, /^\d\d:\d\d-\d\d:\d\d$/);
      assert.equal(b.success + b.failed, 0);
    }
    // The newest slot is the current one.
    const [sh, sm] = idle.recent_requests.at(-1).time.slice(0, 5).split(":").map(Number);
    assert.ok([before, after].includes(sh * 60 + sm), idle.recent_requests.at(-1).time);
  });

  it("counts successes and failures per key, in the current slot, by the key that served", async () => {
    assert.equal((await chat(h.proxy.url, "echo-model")).status, 200);
    assert.equal((await chat(h.proxy.url, "echo-model", { stream: true })).status, 200);
    const m1 = await messages(h.proxy.url, "m1");
    assert.equal(m1.status, 200, m1.text); // the limited key answers 429, the good key serves
    assert.equal((await messages(h.proxy.url, "m2")).status >= 500, true);

    const usage = async () => (await mgmt(h, "GET", "api-key-usage")).body;
    await waitFor(
      async () => (await usage()).fake[`${upstreamUrl}/v1|${maskSecret(COMPAT_KEY)}`].success === 2,
    );
    const body = await usage();
    const compat = body.fake[`${upstreamUrl}/v1|${maskSecret(COMPAT_KEY)}`];
    assert.deepEqual([compat.success, compat.failed], [2, 0]);
    assert.deepEqual([compat.recent_requests.at(-1).success, compat.recent_requests.at(-1).failed], [2, 0]);
    const good = body.claude[`${upstreamUrl}|${maskSecret(SECRETS[1])}`];
    assert.deepEqual([good.success, good.failed], [1, 0]);
    const broken = body.claude[`${upstreamUrl}|${maskSecret(SECRETS[2])}`];
    assert.deepEqual([broken.success, broken.failed], [0, 1]);
    assert.deepEqual([broken.recent_requests.at(-1).success, broken.recent_requests.at(-1).failed], [0, 1]);
    const limited = body.claude[`${upstreamUrl}|${maskSecret(SECRETS[0])}`];
    assert.deepEqual(
      [limited.success, limited.failed],
      [0, 0],
      "a failover attempt is not the request's key",
    );
  });

  it("reports nothing new while usage statistics are off", async () => {
    assert.equal((await mgmt(h, "PUT", "usage-statistics-enabled", { value: false })).status, 200);
    await waitFor(() => h.proxy.runtime.observe.usage?.enabled === false);
    const body = (await mgmt(h, "GET", "api-key-usage")).body;
    assert.equal(body.fake[`${upstreamUrl}/v1|${maskSecret(COMPAT_KEY)}`].success, 0);
    assert.equal((await mgmt(h, "PUT", "usage-statistics-enabled", { value: true })).status, 200);
    await waitFor(() => h.proxy.runtime.observe.usage?.enabled === true);
  });

  it("reset-quota ends a key's cooldown so routing tries it again at once", async () => {
    h.upstream.reset();
    assert.equal((await messages(h.proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), [SECRETS[1]], "the rate-limited key is cooling");

    const r = await mgmt(h, "POST", "reset-quota", { auth_index: credId(SECRETS[0]) });
    assert.deepEqual(r.body, { status: "ok", auth_index: credId(SECRETS[0]), models: ["model-one"] });

    h.upstream.reset();
    assert.equal((await messages(h.proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), [SECRETS[0], SECRETS[1]], "tried first again");

    const idle = await mgmt(h, "POST", "reset-quota", { auth_index: credId(IDLE_KEY) });
    assert.deepEqual(idle.body.models, []);
  });

  it("reset-quota refuses bad input (400) and unknown credentials (404)", async () => {
    for (const [body, message] of [
      [{}, /body\.auth_index: is required/],
      [{ auth_index: "   " }, /auth_index is required/],
      [{ auth_index: 5 }, /auth_index/],
      ["{", /not valid JSON/],
    ] as const) {
      const r = await mgmt(h, "POST", "reset-quota", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, message);
    }
    const unknown = await mgmt(h, "POST", "reset-quota", { auth_index: "claude:claude:0000000000" });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, "auth not found");
  });

  it("model-definitions serves a channel's built-in catalog in the original's model shape", async () => {
    const codex = await mgmt(h, "GET", "model-definitions/codex");
    assert.equal(codex.status, 200);
    assert.equal(codex.body.channel, "codex");
    assert.deepEqual(
      codex.body.models.map((m: any) => m.id),
      catalogs.codex!.map((m) => m.id),
    );
    const gpt5 = codex.body.models.find((m: any) => m.id === "gpt-5");
    assert.deepEqual(gpt5, {
      id: "gpt-5",
      object: "model",
      owned_by: "openai",
      type: "openai",
      display_name: "GPT-5",
      context_length: 400_000,
      max_completion_tokens: 128_000,
      thinking: { levels: ["minimal", "low", "medium", "high"] },
    });

    const gemini = await mgmt(h, "GET", "model-definitions/%20Gemini-CLI%20");
    assert.equal(gemini.body.channel, "gemini-cli");
    const pro = gemini.body.models.find((m: any) => m.id === "gemini-2.5-pro");
    assert.equal(pro.name, "models/gemini-2.5-pro");
    assert.equal(pro.inputTokenLimit, 1_048_576);
    assert.deepEqual(pro.thinking, { min: 128, max: 32768, dynamic_allowed: true });
    assert.equal(pro.owned_by, "google");

    const claude = (await mgmt(h, "GET", "model-definitions/claude")).body.models[0];
    assert.equal(claude.thinking.zero_allowed, true);
    assert.equal(claude.owned_by, "anthropic");
  });

  it("model-definitions: an unknown channel is a 400 naming the known ones", async () => {
    const r = await mgmt(h, "GET", "model-definitions/vertex");
    assert.equal(r.status, 400);
    assert.equal(r.body.error, "unknown channel");
    assert.equal(r.body.channel, "vertex");
    assert.ok(r.body.channels.includes("codex") && r.body.channels.includes("antigravity"));
    const blank = await mgmt(h, "GET", "model-definitions/%20");
    assert.equal(blank.status, 400);
    assert.equal(blank.body.error, "channel is required");
  });
});
