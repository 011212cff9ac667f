import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, openaiCompatConfig, startHarness } from "./helpers/harness.ts";

/** Plain HTTP checks of the server surface: info routes, CORS, bad input in each envelope. */
describe("server surface", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((url, dir) => openaiCompatConfig(url, dir, "body-limit-mb: 1"));
  });
  after(() => h.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(h.proxy.url + path, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });

  it("GET / names the service, its version and endpoints", async () => {
    const res = await fetch(`${h.proxy.url}/`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.name, "CLI Proxy API");
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.ok(body.endpoints.includes("POST /v1/chat/completions"));
  });

  it("GET /healthz is ok", async () => {
    const res = await fetch(`${h.proxy.url}/healthz`);
    assert.deepEqual(await res.json(), { status: "ok" });
  });

  it("sends CORS headers on every response and answers preflight with 204", async () => {
    const pre = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "http://example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.equal(pre.headers.get("access-control-allow-headers"), "authorization,content-type");
    const get = await fetch(`${h.proxy.url}/v1/models`);
    assert.equal(get.headers.get("access-control-allow-origin"), "*");
    const err = await post("/v1/chat/completions", "{");
    assert.equal(err.headers.get("access-control-allow-origin"), "*");
    // The hot generate routes write their own heads: every kind of answer carries CORS once.
    const chat = (extra: object) =>
      post("/v1/chat/completions", JSON.stringify({ model: "echo-model", messages: [], ...extra }));
    const answers = [
      await chat({}),
      await chat({ stream: true }),
      await post("/v1/messages/count_tokens", JSON.stringify({ model: "echo-model", messages: [] })),
      await post("/v1/chat/completions", JSON.stringify({ model: "no-such-model", messages: [] })),
      await post("/v1/chat/completions", "x".repeat(2 * 1024 * 1024)),
      await post("/v1beta/models/echo-model:generateContent", JSON.stringify({ contents: [] })),
    ];
    for (const res of answers) {
      await res.arrayBuffer();
      assert.equal(res.headers.get("access-control-allow-origin"), "*", `${res.status} ${res.url}`);
      assert.equal(res.headers.get("access-control-expose-headers"), "*");
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /^GET, POST/);
    }
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 404, 413, 200],
    );
  });

  it("accepts Claude Code telemetry at /api/event_logging/batch", async () => {
    const res = await post("/api/event_logging/batch", JSON.stringify({ events: [] }));
    assert.equal(res.status, 200);
  });

  it("malformed JSON is a 400 in each caller's envelope", async () => {
    const openai = await post("/v1/chat/completions", "{not json");
    assert.equal(openai.status, 400);
    const ob = (await openai.json()) as any;
    assert.equal(ob.error.type, "invalid_request_error");
    assert.match(ob.error.message, /not valid JSON/);

    const anthropic = await post("/v1/messages", "[1,2]");
    assert.equal(anthropic.status, 400);
    const ab = (await anthropic.json()) as any;
    assert.equal(ab.type, "error");
    assert.equal(ab.error.type, "invalid_request_error");

    const gemini = await post("/v1beta/models/echo-model:generateContent", "");
    assert.equal(gemini.status, 400);
    const gb = (await gemini.json()) as any;
    assert.equal(gb.error.code, 400);
    assert.equal(gb.error.status, "INVALID_ARGUMENT");
  });

  it("a missing model is a 400 naming the field", async () => {
    const res = await post("/v1/chat/completions", JSON.stringify({ messages: [] }));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error.message, /'model'/);
  });

  it("an unknown model is a 404 in the Anthropic envelope on /v1/messages", async () => {
    const res = await post(
      "/v1/messages",
      JSON.stringify({ model: "nope", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    );
    assert.equal(res.status, 404);
    const body = (await res.json()) as any;
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "not_found_error");
  });

  it("a body over body-limit-mb is a 413, also when streamed without content-length", async () => {
    const big = JSON.stringify({
      model: "echo-model",
      messages: [{ role: "user", content: "x".repeat(1_200_000) }],
    });
    const res = await post("/v1/chat/completions", big);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as any).error.message, /limit/);

    const chunked = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 413);
  });

  it("unknown routes are a 404 in the envelope of their family", async () => {
    const res = await fetch(`${h.proxy.url}/v1/nope`);
    assert.equal(res.status, 404);
    assert.ok(((await res.json()) as any).error.message);
    const g = await fetch(`${h.proxy.url}/v1beta/models/unknown-model`);
    assert.equal(g.status, 404);
    assert.equal(((await g.json()) as any).error.status, "NOT_FOUND");
  });
});
