import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "./helpers/harness.ts";

// Response options of the original: `nonstream-keepalive-interval` (blank lines while a
// non-stream answer is pending) and `passthrough-headers` (upstream response headers forwarded).

function config(upstream: string, dir: string, extra: string): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
${extra}
openai-compatibility:
  - name: "fake"
    base-url: "${upstream}/v1"
    headers:
      x-fake-delay-ms: "2300"
    api-key-entries:
      - api-key: "upstream-key-1"
    models:
      - name: "fake-slow"
        alias: "slow-model"
      - name: "fake-rate-limit"
        alias: "limited-model"
  - name: "quick"
    base-url: "${upstream}/v1"
    api-key-entries:
      - api-key: "upstream-key-2"
    models:
      - name: "fake-echo"
        alias: "echo-model"
`;
}

/** POSTs and records when each piece of the body arrived (ms after the response head). */
function timedPost(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; pieces: Array<[number, string]> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      const t0 = Date.now();
      const pieces: Array<[number, string]> = [];
      res.setEncoding("utf8");
      res.on("data", (d: string) => pieces.push([Date.now() - t0, d]));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, pieces }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("nonstream-keepalive-interval", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((url, dir) => config(url, dir, "nonstream-keepalive-interval: 1"));
  });
  after(() => h.close());

  it("sends blank lines while the upstream is slow, then the answer, which still parses", async () => {
    const started = Date.now();
    const r = await timedPost(`${h.proxy.url}/v1/chat/completions`, {
      model: "slow-model",
      messages: [{ role: "user", content: "wait for it" }],
    });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started >= 2200);
    const text = r.pieces.map(([, d]) => d).join("");
    assert.match(text, /^\n\n\{/, JSON.stringify(text.slice(0, 20)));
    assert.equal(JSON.parse(text).choices[0].message.content, "echo: wait for it");
    assert.equal(r.headers["access-control-allow-origin"], "*");
    // The blank lines arrived before the answer did.
    assert.ok(r.pieces.length >= 2 && r.pieces[0][1].trim() === "");
  });

  it("an error after the head was committed still arrives as the caller's JSON error body", async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "limited-model",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    assert.equal(res.status, 200); // committed by the keep-alive lines
    const body = JSON.parse(await res.text());
    assert.equal(body.type, "error");
    assert.match(body.error.message, /limited-model|rate|quota|cool/i);
  });

  it("Amp clients (strict JSON parsers) get no blank lines", async () => {
    const res = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-amp-client-application": "cli" },
      body: JSON.stringify({ model: "slow-model", messages: [{ role: "user", content: "amp" }] }),
    });
    assert.match(await res.text(), /^\{/);
  });

  it("a fast answer gets no blank line and streams are not affected", async () => {
    const res = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "echo-model", messages: [{ role: "user", content: "quick" }] }),
    });
    assert.match(await res.text(), /^\{/);
  });
});

describe("passthrough-headers", () => {
  const chat = (h: Harness, stream: boolean) =>
    fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "echo-model", stream, messages: [{ role: "user", content: "hi" }] }),
    });

  it("off (default): upstream headers stay upstream", async () => {
    const h = await startHarness((url, dir) => config(url, dir, ""));
    try {
      const res = await chat(h, false);
      await res.text();
      assert.equal(res.headers.get("x-fake-auth"), null);
    } finally {
      await h.close();
    }
  });

  it("on: forwarded for JSON and stream answers, without connection or encoding headers", async () => {
    const h = await startHarness((url, dir) => config(url, dir, "passthrough-headers: true"));
    try {
      for (const stream of [false, true]) {
        const res = await chat(h, stream);
        const text = await res.text();
        assert.equal(res.status, 200);
        assert.ok(res.headers.get("x-fake-auth"), `x-fake-auth forwarded (stream ${stream})`);
        // The upstream's own connection headers (keep-alive: timeout=5) are not the client's.
        assert.notEqual(res.headers.get("keep-alive"), "timeout=5");
        assert.doesNotMatch(res.headers.get("keep-alive") ?? "", /,/);
        assert.match(res.headers.get("content-type") ?? "", stream ? /event-stream/ : /application\/json/);
        assert.equal(res.headers.get("access-control-allow-origin"), "*");
        if (!stream) assert.equal(JSON.parse(text).choices[0].message.content, "echo: hi");
      }
    } finally {
      await h.close();
    }
  });
});

describe("streaming.bootstrap-retries", () => {
  const cfg = (upstream: string, dir: string, retries: number) => `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
disable-cooling: true
streaming:
  bootstrap-retries: ${retries}
openai-compatibility:
  - name: "fake"
    base-url: "${upstream}/v1"
    api-key-entries:
      - api-key: "upstream-key-1"
    models:
      - name: "fake-server-error"
        alias: "broken-model"
      - name: "fake-bad-request"
        alias: "refused-model"
`;
  const send = (h: Harness, model: string, stream: boolean) =>
    fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "x" }] }),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));

  it("re-runs a stream that failed before its first byte, N more times, for transient errors only", async () => {
    const h = await startHarness((url, dir) => cfg(url, dir, 2));
    try {
      assert.equal((await send(h, "broken-model", true)).status, 500);
      assert.equal(h.upstream.requests.length, 3, "one attempt and two bootstrap retries");
      h.upstream.requests.length = 0;
      assert.equal((await send(h, "broken-model", false)).status, 500);
      assert.equal(h.upstream.requests.length, 1, "non-stream calls are not bootstrapped");
      h.upstream.requests.length = 0;
      assert.equal((await send(h, "refused-model", true)).status, 400);
      assert.equal(h.upstream.requests.length, 1, "a 400 is not retried");
    } finally {
      await h.close();
    }
  });

  it("0 (default): one attempt", async () => {
    const h = await startHarness((url, dir) => cfg(url, dir, 0));
    try {
      assert.equal((await send(h, "broken-model", true)).status, 500);
      assert.equal(h.upstream.requests.length, 1);
    } finally {
      await h.close();
    }
  });
});
