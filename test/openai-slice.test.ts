import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type Harness, openaiCompatConfig, startHarness, waitFor } from "./helpers/harness.ts";

describe("OpenAI client -> openai-compatibility upstream", () => {
  let h: Harness;
  let client: OpenAI;

  before(async () => {
    h = await startHarness((url, dir) => openaiCompatConfig(url, dir));
    client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  after(() => h.close());

  it("answers a non-stream chat through the SDK, with the alias mapped to the upstream name", async () => {
    h.upstream.reset();
    const res = await client.chat.completions.create({
      model: "echo-model",
      messages: [{ role: "user", content: "hello there" }],
    });
    assert.equal(res.choices[0].message.content, "echo: hello there");
    assert.equal(res.choices[0].finish_reason, "stop");
    assert.ok(res.usage && res.usage.prompt_tokens > 0);
    const sent = h.upstream.requests.at(-1)!;
    assert.equal(sent.body.model, "fake-echo");
    assert.deepEqual(sent.body.messages, [{ role: "user", content: "hello there" }]);
  });

  it("streams chunks as they arrive and ends with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "echo-model",
      messages: [{ role: "user", content: "stream me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "echo: stream me");
    assert.ok(chunks > 2, `expected several chunks, got ${chunks}`);
    assert.ok(usage && usage.completion_tokens > 0);
  });

  it("accumulates a streamed tool call", async () => {
    const stream = client.chat.completions.stream({
      model: "tool-model",
      messages: [{ role: "user", content: "weather?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { location: { type: "string" } } },
          },
        },
      ],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.ok(JSON.parse(call.function.arguments).location);
    assert.equal(final.choices[0].finish_reason, "tool_calls");
  });

  it("round-robins across api-key-entries", async () => {
    h.upstream.reset();
    for (let i = 0; i < 6; i++) {
      await client.chat.completions.create({
        model: "echo-model",
        messages: [{ role: "user", content: `n${i}` }],
      });
    }
    const keys = h.upstream.requests.map((r) => String(r.headers.authorization));
    assert.deepEqual(keys, [
      "Bearer upstream-key-1",
      "Bearer upstream-key-2",
      "Bearer upstream-key-1",
      "Bearer upstream-key-2",
      "Bearer upstream-key-1",
      "Bearer upstream-key-2",
    ]);
  });

  it("serves unlisted models through name://model", async () => {
    h.upstream.reset();
    const res = await client.chat.completions.create({
      model: "fake://some-unlisted-echo-model",
      messages: [{ role: "user", content: "direct" }],
    });
    assert.equal(res.choices[0].message.content, "echo: direct");
    const sent = h.upstream.requests.at(-1)!;
    assert.equal(sent.body.model, "some-unlisted-echo-model");
    assert.match(String(sent.headers.authorization), /^Bearer upstream-key-[12]$/);
  });

  it("lists configured models in OpenAI format", async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id).sort();
    assert.deepEqual(ids, ["echo-model", "tool-model"]);
    assert.equal(list.data[0].owned_by, "fake");
  });

  it("returns upstream errors in the OpenAI envelope with their status", async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: "fake://fake-bad-request",
        messages: [{ role: "user", content: "x" }],
      }),
      (err: any) => {
        assert.equal(err.status, 400);
        assert.ok(err.error?.message, "error.message present");
        return true;
      },
    );
  });

  it("answers an unknown model with a 404 model_not_found", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
      (err: any) => err.status === 404 && err.code === "model_not_found",
    );
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    h.upstream.reset();
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "longfake://fake-long", messages: [{ role: "user", content: "go" }], stream: true },
      { signal: ac.signal },
    );
    let seen = 0;
    try {
      for await (const _ of stream) {
        if (++seen === 5) ac.abort();
      }
    } catch {
      // the SDK may surface the abort as an error; either way the stream stops
    }
    assert.ok(seen < 100_000, "the stream stopped early");
    await waitFor(() => h.upstream.requests.at(-1)?.aborted === true, 3000);
  });
});

describe("stream keep-alive", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(
      (url, dir) =>
        `${openaiCompatConfig(url, dir, "streaming:\n  keepalive-seconds: 1")}  - name: "pausing"
    base-url: "${url}/v1"
    headers:
      x-fake-events: "1"
      x-fake-interval-ms: "1500"
    api-key-entries:
      - api-key: "k"
`,
    );
  });
  after(() => h.close());

  it("writes SSE comments while the upstream is silent, and the SDK ignores them", async () => {
    const body: OpenAI.ChatCompletionCreateParamsStreaming = {
      model: "pausing://fake-long",
      stream: true,
      messages: [{ role: "user", content: "x" }],
    };
    const client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    // Both at once: each takes a few quiet seconds upstream.
    const [raw, deltas] = await Promise.all([
      fetch(`${h.proxy.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(body) }).then((r) =>
        r.text(),
      ),
      (async () => {
        let n = 0;
        for await (const c of await client.chat.completions.create(body))
          if (c.choices[0]?.delta?.content) n++;
        return n;
      })(),
    ]);
    assert.match(raw, /^: keep-alive$/m);
    assert.match(raw, /data: \[DONE\]/);
    assert.equal(deltas, 1);
  });
});

describe("/v1/responses/compact", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(
      (url, dir) =>
        `${openaiCompatConfig(url, dir)}codex-api-key:
  - api-key: "codex-key"
    base-url: "${url}/v1"
    models: [{ name: "gpt-fake-echo", alias: "codex-echo" }]
`,
    );
  });
  after(() => h.close());

  const compact = (model: string) =>
    fetch(`${h.proxy.url}/v1/responses/compact`, {
      method: "POST",
      body: JSON.stringify({
        model,
        instructions: "Summarise the conversation.",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "first" }] },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "second" }] },
        ],
      }),
    });

  it("goes to the Codex upstream's compact endpoint as is", async () => {
    h.upstream.reset();
    const res = await compact("codex-echo");
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.output[0].content[0].text, "compacted 2 items");
    const sent = h.upstream.requests.at(-1)!;
    assert.equal(sent.path, "/v1/responses/compact");
    assert.equal(sent.body.model, "gpt-fake-echo");
  });

  it("on other upstreams, runs the compaction as a generation and answers with output items", async () => {
    h.upstream.reset();
    const res = await compact("echo-model");
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.deepEqual(Object.keys(body), ["output"]);
    assert.equal(body.output[0].type, "message");
    assert.match(body.output[0].content[0].text, /^echo: /);
    assert.equal(h.upstream.requests.at(-1)!.path, "/v1/chat/completions");
  });
});
