import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";

// request-scoped-errors: per-provider rules that decide, instead of the status alone, whether
// an upstream error stops the request or moves on to the next key, and whether the key cools.

describe("request-scoped-errors through HTTP", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(
      (url, dir) => `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
openai-compatibility:
  - name: "ruled"
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "key-a"
      - api-key: "key-b"
    request-scoped-errors:
      - status: 400
        match: ["scenario bad-request"]
        action: continue-and-cooldown
      - status: 500
        match-regexr: ["scenario server-error\\\\)", "["]
        action: stop
      - status: 500
        match: ["never in the text"]
        action: continue
    models:
      - name: "fake-bad-request"
        alias: "refused"
      - name: "fake-server-error"
        alias: "broken"
  - name: "plain"
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "key-c"
      - api-key: "key-d"
    models:
      - name: "fake-server-error"
        alias: "plain-broken"
`,
    );
  });
  after(() => h.close());

  const send = (model: string) =>
    fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const upstreamCalls = () => h.upstream.requests.splice(0).map((r) => r.auth);

  it("continue-and-cooldown: a matching 400 moves on to the next key and cools each one", async () => {
    const first = await send("refused");
    assert.equal(first.status, 400);
    assert.match(first.body.error.message, /bad-request/);
    assert.deepEqual(upstreamCalls().sort(), ["key-a", "key-b"], "both keys tried (a 400 alone stops)");
    // Both keys now cool for this model: the next request reaches no upstream.
    const second = await send("refused");
    assert.equal(second.status, 429);
    assert.deepEqual(upstreamCalls(), []);
  });

  it("stop: a matching 500 goes to the client at once, and the key does not cool", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await send("broken");
      assert.equal(r.status, 500);
      assert.equal(upstreamCalls().length, 1, "no failover to the other key");
    }
  });

  it("without rules the status decides: a 500 is retried on the other key", async () => {
    const r = await send("plain-broken");
    assert.equal(r.status, 500);
    assert.deepEqual(upstreamCalls().sort(), ["key-c", "key-d"]);
  });
});

describe("oauth-request-scoped-errors through HTTP", () => {
  it("a channel's rule turns an account's 400 into a move to the next account", async () => {
    const { claudeCall, claudeFile, startAuthHarness } = await import("../auth/helpers.ts");
    const h = await startAuthHarness(
      {
        // This account's requests all come back 400 (the file's headers reach the fake upstream).
        "claude-a.json": claudeFile({
          access: "at-a",
          email: "a@example.com",
          extra: { headers: { "x-fake-scenario": "bad-request" } },
        }),
        "claude-b.json": claudeFile({ access: "at-b", email: "b@example.com" }),
      },
      `oauth-request-scoped-errors:
  claude:
    - status: 400
      match: ["scenario bad-request"]
      action: continue`,
    );
    try {
      for (let i = 0; i < 3; i++) {
        const res = await claudeCall(h);
        assert.equal(res.status, 200, await res.clone().text());
        await res.arrayBuffer();
      }
      const seen = new Set(h.upstream.requests.map((r) => r.auth));
      assert.ok(seen.has("at-a") || [...seen].some((a) => a?.includes("at-a")), JSON.stringify([...seen]));
    } finally {
      await h.close();
    }
  });
});
