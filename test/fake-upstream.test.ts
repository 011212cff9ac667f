import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { scenarioFromModel } from "../src/fake-upstream/scenarios.ts";
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from "../src/fake-upstream/server.ts";

let up: FakeUpstream;
before(async () => {
  up = await startFakeUpstream();
});
after(() => up.close());

/** A fetch Response whose JSON body the assertions may navigate freely. */
type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

function get(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return fetch(url, { headers });
}

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<JsonResponse> {
  return fetch(up.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

interface SseEvent {
  event: string | undefined;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    events.push({ event, data: data.join("\n") });
  }
  return events;
}

async function sse(res: JsonResponse): Promise<SseEvent[]> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  return parseSse(await res.text());
}

function lastRequest(): RecordedRequest {
  return up.requests[up.requests.length - 1];
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const weatherTools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
  {
    type: "function",
    function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "integer" } } } },
  },
];

describe("scenario selection", () => {
  test("keywords match on name boundaries", () => {
    assert.equal(scenarioFromModel("fake-tool-call"), "tool-call");
    assert.equal(scenarioFromModel("claude-fake-tool-call"), "tool-call");
    assert.equal(scenarioFromModel("models/gemini-fake-LONG"), "long");
    assert.equal(scenarioFromModel("gpt-5-fake-parallel-tools"), "parallel-tools");
    assert.equal(scenarioFromModel("oblong-model"), undefined);
    assert.equal(scenarioFromModel("gpt-4o"), undefined);
  });

  test("x-fake-scenario header wins over the model name", async () => {
    const res = await post(
      "/v1/chat/completions",
      { model: "fake-tool-call", messages: [{ role: "user", content: "hi" }], tools: weatherTools },
      { "x-fake-scenario": "echo" },
    );
    const body = await res.json();
    assert.equal(body.choices[0].message.content, "echo: hi");
  });

  test("unknown x-fake-scenario is a 400, unknown path a 404", async () => {
    const bad = await post("/v1/messages", { model: "m", messages: [] }, { "x-fake-scenario": "nope" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.type, "invalid_request_error");
    const missing = await post("/v2/whatever", {});
    assert.equal(missing.status, 404);
    assert.ok((await missing.json()).error.message.includes("/v2/whatever"));
  });
});

describe("OpenAI chat completions", () => {
  test("echo, non-stream: shape, usage from input length, auth echoed and recorded", async () => {
    up.reset();
    const content = "hello world, this is a test";
    const res = await post(
      "/v1/chat/completions",
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: [{ type: "text", text: content }] },
        ],
      },
      { authorization: "Bearer sk-test-a" },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-fake-auth"), "sk-test-a");
    const body = await res.json();
    assert.equal(body.object, "chat.completion");
    assert.equal(body.model, "gpt-4o");
    assert.equal(body.choices[0].message.role, "assistant");
    assert.equal(body.choices[0].message.content, `echo: ${content}`);
    assert.equal(body.choices[0].finish_reason, "stop");
    assert.equal(body.usage.prompt_tokens, Math.ceil(("be brief".length + content.length) / 4));
    assert.equal(body.usage.completion_tokens, Math.ceil(`echo: ${content}`.length / 4));
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(up.requests.length, 1);
    const rec = lastRequest();
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/v1/chat/completions");
    assert.equal(rec.auth, "sk-test-a");
    assert.equal(rec.body.model, "gpt-4o");
    assert.equal(rec.headers.authorization, "Bearer sk-test-a");
    assert.equal(rec.aborted, false);
  });

  test("stream with include_usage and cached tokens; any */chat/completions path", async () => {
    const res = await post(
      "/api/openai/v1/chat/completions",
      {
        model: "m",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "abcd" }],
      },
      { "x-fake-cached-tokens": "7" },
    );
    const events = await sse(res);
    assert.equal(events[events.length - 1].data, "[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) {
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.id, chunks[0].id);
    }
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    assert.equal(text, "echo: abcd");
    assert.ok(chunks.filter((c) => c.choices[0]?.delta?.content).length >= 2);
    const finish = chunks[chunks.length - 2];
    assert.equal(finish.choices[0].finish_reason, "stop");
    assert.equal(finish.usage, null);
    const usage = chunks[chunks.length - 1];
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.prompt_tokens_details.cached_tokens, 7);
    assert.equal(usage.usage.prompt_tokens, 1 + 7);
  });

  test("tool-call stream: first tool, schema-derived arguments in fragments", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake-tool-call",
      stream: true,
      messages: [{ role: "user", content: "weather?" }],
      tools: weatherTools,
    });
    const chunks = (await sse(res)).slice(0, -1).map((e) => JSON.parse(e.data));
    const deltas = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    assert.equal(deltas[0].id.startsWith("call_"), true);
    assert.equal(deltas[0].function.name, "get_weather");
    const fragments = deltas.slice(1).map((d: any) => d.function.arguments);
    assert.ok(fragments.length >= 2, "arguments arrive in several fragments");
    assert.deepEqual(JSON.parse(fragments.join("")), { city: "Paris" });
    assert.equal(chunks[chunks.length - 1].choices[0].finish_reason, "tool_calls");
  });

  test("parallel-tools non-stream: calls to the first two tools", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake-parallel-tools",
      messages: [{ role: "user", content: "both" }],
      tools: weatherTools,
    });
    const message = (await res.json()).choices[0].message;
    assert.equal(message.content, null);
    assert.deepEqual(
      message.tool_calls.map((t: any) => [t.function.name, JSON.parse(t.function.arguments)]),
      [
        ["get_weather", { city: "Paris" }],
        ["get_time", { zone: 42 }],
      ],
    );
    assert.notEqual(message.tool_calls[0].id, message.tool_calls[1].id);
  });

  test("a tool result as last message gets a text answer", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake-tool-call",
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
      tools: weatherTools,
    });
    const body = await res.json();
    assert.equal(body.choices[0].message.content, "tool result received: sunny");
    assert.equal(body.choices[0].finish_reason, "stop");
  });

  test("reasoning: reasoning_content before text, reasoning tokens counted", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake-reasoning",
      stream: true,
      messages: [{ role: "user", content: "why" }],
    });
    const chunks = (await sse(res)).slice(0, -1).map((e) => JSON.parse(e.data));
    const kinds = chunks.map((c) =>
      c.choices[0].delta.reasoning_content ? "r" : c.choices[0].delta.content ? "t" : "-",
    );
    assert.match(kinds.join(""), /^-r+t+-$/);
    const plain = await (
      await post("/v1/chat/completions", {
        model: "fake-reasoning",
        messages: [{ role: "user", content: "why" }],
      })
    ).json();
    assert.match(plain.choices[0].message.reasoning_content, /why/);
    assert.ok(plain.usage.completion_tokens_details.reasoning_tokens > 0);
  });

  test("long: x-fake-events sets the number of text deltas", async () => {
    const res = await post(
      "/v1/chat/completions",
      { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "go" }] },
      { "x-fake-events": "50" },
    );
    const chunks = (await sse(res)).slice(0, -1).map((e) => JSON.parse(e.data));
    assert.equal(
      chunks.filter((c) => typeof c.choices[0].delta.content === "string" && c.choices[0].delta.content)
        .length,
      50,
    );
  });

  test("models list", async () => {
    const body = await (await get(`${up.url}/v1/models`)).json();
    assert.equal(body.object, "list");
    assert.ok(body.data.some((m: any) => m.id === "fake-tool-call" && m.object === "model"));
  });

  test("rate-limit: 429 with retry-after and x-ratelimit-reset-requests", async () => {
    const res = await post("/v1/chat/completions", { model: "fake-rate-limit", messages: [] });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "3");
    assert.equal(res.headers.get("x-ratelimit-reset-requests"), "3s");
    assert.equal((await res.json()).error.code, "rate_limit_exceeded");
  });

  test("error scenarios use the OpenAI envelope", async () => {
    for (const [scenario, status] of [
      ["server-error", 500],
      ["bad-request", 400],
      ["unauthorized", 401],
      ["overloaded", 503],
    ] as const) {
      const res = await post(
        "/v1/chat/completions",
        { model: "m", messages: [] },
        { "x-fake-scenario": scenario },
      );
      assert.equal(res.status, status, scenario);
      const body = await res.json();
      assert.equal(typeof body.error.message, "string");
      assert.equal(typeof body.error.type, "string");
    }
  });
});

describe("OpenAI Responses and the Codex backend", () => {
  test("reasoning stream: full event sequence, sequence numbers, encrypted_content", async () => {
    const res = await post("/v1/responses", { model: "gpt-5-fake-reasoning", stream: true, input: "think" });
    const events = await sse(res);
    const data = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => {
      assert.equal(e.event, data[i].type);
      assert.equal(data[i].sequence_number, i);
    });
    const types = data.map((d) => d.type);
    assert.deepEqual(types.slice(0, 4), [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
    ]);
    assert.equal(types[types.length - 1], "response.completed");
    for (const t of [
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
    ]) {
      assert.ok(types.includes(t), t);
    }
    const text = data
      .filter((d) => d.type === "response.output_text.delta")
      .map((d) => d.delta)
      .join("");
    assert.equal(text, "echo: think");
    const completed = data[data.length - 1].response;
    assert.equal(completed.status, "completed");
    const [reasoning, message] = completed.output;
    assert.equal(reasoning.type, "reasoning");
    assert.match(reasoning.encrypted_content, /^sig-/);
    assert.match(reasoning.summary[0].text, /think/);
    assert.equal(message.content[0].text, "echo: think");
    assert.equal(completed.usage.total_tokens, completed.usage.input_tokens + completed.usage.output_tokens);
    assert.ok(completed.usage.output_tokens_details.reasoning_tokens > 0);
  });

  test("the signature is deterministic", async () => {
    const input = [{ role: "user", content: [{ type: "input_text", text: "same" }] }];
    const a = await (await post("/v1/responses", { model: "fake-reasoning", input })).json();
    const b = await (await post("/v1/responses", { model: "fake-reasoning", input })).json();
    assert.equal(a.output[0].encrypted_content, b.output[0].encrypted_content);
  });

  test("tool-call stream on the ChatGPT backend path, then the round trip", async () => {
    const tools = [
      {
        type: "function",
        name: "shell",
        parameters: { type: "object", properties: { cmd: { type: "string" } } },
      },
    ];
    const res = await post(
      "/backend-api/codex/responses",
      {
        model: "gpt-5-codex",
        stream: true,
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "ls" }] }],
        tools,
      },
      { "x-fake-scenario": "tool-call" },
    );
    const data = (await sse(res)).map((e) => JSON.parse(e.data));
    const deltas = data.filter((d) => d.type === "response.function_call_arguments.delta");
    assert.ok(deltas.length >= 2);
    const done = data.find((d) => d.type === "response.function_call_arguments.done");
    assert.equal(deltas.map((d) => d.delta).join(""), done.arguments);
    const item = data[data.length - 1].response.output[0];
    assert.equal(item.type, "function_call");
    assert.equal(item.name, "shell");
    assert.deepEqual(JSON.parse(item.arguments), { cmd: "Paris" });

    const next = await post("/v1/responses", {
      model: "fake-tool-call",
      input: [
        { role: "user", content: "ls" },
        { type: "function_call", call_id: item.call_id, name: "shell", arguments: item.arguments },
        { type: "function_call_output", call_id: item.call_id, output: "a.txt" },
      ],
      tools,
    });
    const body = await next.json();
    assert.equal(body.output[0].content[0].text, "tool result received: a.txt");
  });

  test("Codex rate-limit: headers plus resets_in_seconds, seconds configurable", async () => {
    const res = await post(
      "/backend-api/codex/responses",
      { model: "gpt-5-fake-rate-limit", input: "x" },
      { "x-fake-reset-seconds": "90" },
    );
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "90");
    assert.equal(res.headers.get("x-ratelimit-reset-requests"), "1m30s");
    const body = await res.json();
    assert.equal(body.error.type, "usage_limit_reached");
    assert.equal(body.error.resets_in_seconds, 90);
  });
});

describe("Anthropic messages", () => {
  test("echo non-stream with cached tokens; x-api-key echoed", async () => {
    const res = await post(
      "/v1/messages",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 100,
        system: "sys",
        messages: [{ role: "user", content: "hey" }],
      },
      { "x-api-key": "sk-ant-b", "anthropic-version": "2023-06-01", "x-fake-cached-tokens": "12" },
    );
    assert.equal(res.headers.get("x-fake-auth"), "sk-ant-b");
    const body = await res.json();
    assert.equal(body.type, "message");
    assert.equal(body.role, "assistant");
    assert.deepEqual(body.content, [{ type: "text", text: "echo: hey" }]);
    assert.equal(body.stop_reason, "end_turn");
    assert.equal(body.usage.input_tokens, Math.ceil("syshey".length / 4));
    assert.equal(body.usage.cache_read_input_tokens, 12);
    assert.equal(body.usage.output_tokens, Math.ceil("echo: hey".length / 4));
  });

  test("reasoning stream: thinking + signature_delta, ping, text, message_delta usage, message_stop", async () => {
    const res = await post("/v1/messages", {
      model: "claude-fake-reasoning",
      stream: true,
      max_tokens: 100,
      messages: [{ role: "user", content: [{ type: "text", text: "ponder" }] }],
    });
    const events = await sse(res);
    const data = events.map((e) => JSON.parse(e.data));
    for (const [i, e] of events.entries()) assert.equal(e.event, data[i].type);
    const seq = data.map((d) => (d.type === "content_block_delta" ? d.delta.type : d.type));
    const compact = seq.filter((t, i) => t !== seq[i - 1]);
    assert.deepEqual(compact, [
      "message_start",
      "content_block_start",
      "ping",
      "thinking_delta",
      "signature_delta",
      "content_block_stop",
      "content_block_start",
      "text_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    assert.equal(data[1].content_block.type, "thinking");
    const signature = data.find((d) => d.delta?.type === "signature_delta").delta.signature;
    assert.match(signature, /^sig-/);
    const text = data
      .filter((d) => d.delta?.type === "text_delta")
      .map((d) => d.delta.text)
      .join("");
    assert.equal(text, "echo: ponder");
    const delta = data.find((d) => d.type === "message_delta");
    assert.equal(delta.delta.stop_reason, "end_turn");
    assert.ok(delta.usage.output_tokens > 0);
    // The same signature comes back in the non-stream form.
    const whole = await (
      await post("/v1/messages", {
        model: "claude-fake-reasoning",
        max_tokens: 100,
        messages: [{ role: "user", content: "ponder" }],
      })
    ).json();
    assert.equal(whole.content[0].type, "thinking");
    assert.equal(whole.content[0].signature, signature);
  });

  test("tool_use stream: input_json_delta fragments; tool_result round trip", async () => {
    const tools = [
      { name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } },
    ];
    const res = await post("/v1/messages", {
      model: "claude-fake-tool-call",
      stream: true,
      max_tokens: 100,
      messages: [{ role: "user", content: "find" }],
      tools,
    });
    const data = (await sse(res)).map((e) => JSON.parse(e.data));
    const start = data.find((d) => d.type === "content_block_start");
    assert.equal(start.content_block.type, "tool_use");
    assert.equal(start.content_block.name, "lookup");
    const parts = data.filter((d) => d.delta?.type === "input_json_delta").map((d) => d.delta.partial_json);
    assert.ok(parts.length >= 2);
    assert.deepEqual(JSON.parse(parts.join("")), { q: "Paris" });
    assert.equal(data.find((d) => d.type === "message_delta").delta.stop_reason, "tool_use");

    const next = await post("/v1/messages", {
      model: "claude-fake-tool-call",
      max_tokens: 100,
      messages: [
        { role: "user", content: "find" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: start.content_block.id, name: "lookup", input: {} }],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: start.content_block.id,
              content: [{ type: "text", text: "42" }],
            },
          ],
        },
      ],
      tools,
    });
    assert.deepEqual((await next.json()).content, [{ type: "text", text: "tool result received: 42" }]);
  });

  test("count_tokens and the Anthropic model list", async () => {
    const res = await post("/v1/messages/count_tokens", {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "12345678" }],
    });
    assert.deepEqual(await res.json(), { input_tokens: 2 });
    const list = await (await get(`${up.url}/v1/models`, { "anthropic-version": "2023-06-01" })).json();
    assert.equal(list.has_more, false);
    assert.ok(list.data.every((m: any) => m.type === "model" && typeof m.display_name === "string"));
  });

  test("rate-limit: retry-after and RFC 3339 anthropic-ratelimit-requests-reset", async () => {
    const before = Date.now();
    const res = await post(
      "/v1/messages",
      { model: "claude-fake-rate-limit", messages: [] },
      { "x-fake-reset-seconds": "10" },
    );
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "10");
    const reset = res.headers.get("anthropic-ratelimit-requests-reset") ?? "";
    assert.match(reset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const delta = Date.parse(reset) - before;
    assert.ok(delta >= 9000 && delta <= 12000, `reset ${delta} ms ahead`);
    const body = await res.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "rate_limit_error");
  });

  test("overloaded is 529, other errors in the Anthropic envelope", async () => {
    for (const [scenario, status, type] of [
      ["overloaded", 529, "overloaded_error"],
      ["server-error", 500, "api_error"],
      ["bad-request", 400, "invalid_request_error"],
      ["unauthorized", 401, "authentication_error"],
    ] as const) {
      const res = await post("/v1/messages", { model: `claude-fake-${scenario}`, messages: [] });
      assert.equal(res.status, status);
      const body = await res.json();
      assert.equal(body.type, "error");
      assert.equal(body.error.type, type);
    }
  });
});

describe("Gemini", () => {
  const contents = [{ role: "user", parts: [{ text: "bonjour" }] }];

  test("generateContent echo; ?key= and x-goog-api-key are reported", async () => {
    const res = await post("/v1beta/models/gemini-2.5-pro:generateContent?key=AIza-key-1", { contents });
    assert.equal(res.headers.get("x-fake-auth"), "AIza-key-1");
    const body = await res.json();
    assert.deepEqual(body.candidates[0].content, { role: "model", parts: [{ text: "echo: bonjour" }] });
    assert.equal(body.candidates[0].finishReason, "STOP");
    assert.equal(body.usageMetadata.promptTokenCount, 2);
    assert.equal(body.modelVersion, "gemini-2.5-pro");
    assert.equal(lastRequest().query.key, "AIza-key-1");
    const viaHeader = await post(
      "/v1beta/models/m:generateContent",
      { contents },
      { "x-goog-api-key": "goog-2" },
    );
    assert.equal(viaHeader.headers.get("x-fake-auth"), "goog-2");
  });

  test("long credentials are shortened", async () => {
    const token = "ya29.a0AfH6SMBx1234567890abcdefghijklmnop";
    const res = await post(
      "/v1beta/models/m:generateContent",
      { contents },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(res.headers.get("x-fake-auth"), "ya29.a0A...mnop");
    assert.equal(lastRequest().auth, "ya29.a0A...mnop");
  });

  test("alt=sse reasoning stream: CRLF frames, thought parts with thoughtSignature, usage last", async () => {
    const res = await post("/v1beta/models/gemini-fake-reasoning:streamGenerateContent?alt=sse", {
      contents,
    });
    assert.equal(res.status, 200);
    const raw = await res.text();
    assert.ok(raw.includes("\r\n\r\n"));
    const chunks = parseSse(raw).map((e) => JSON.parse(e.data));
    const parts = chunks.flatMap((c) => c.candidates[0].content.parts);
    const thoughts = parts.filter((p) => p.thought);
    assert.ok(thoughts.length >= 2);
    assert.match(thoughts[thoughts.length - 1].thoughtSignature, /^sig-/);
    assert.equal(
      parts
        .filter((p) => !p.thought)
        .map((p) => p.text)
        .join(""),
      "echo: bonjour",
    );
    const last = chunks[chunks.length - 1];
    assert.equal(last.candidates[0].finishReason, "STOP");
    assert.ok(last.usageMetadata.thoughtsTokenCount > 0);
    assert.equal(
      chunks.slice(0, -1).filter((c) => c.usageMetadata || c.candidates[0].finishReason).length,
      0,
    );
  });

  test("streamGenerateContent without alt=sse: one JSON array", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", { contents });
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const chunks = await res.json();
    assert.ok(Array.isArray(chunks) && chunks.length >= 2);
    assert.equal(chunks.map((c: any) => c.candidates[0].content.parts[0].text).join(""), "echo: bonjour");
  });

  test("function calls from the schema, and the functionResponse round trip", async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: "get_weather",
            parameters: { type: "OBJECT", properties: { location: { type: "STRING" } } },
          },
        ],
      },
    ];
    const res = await post("/v1beta/models/gemini-fake-parallel-tools:generateContent", { contents, tools });
    const parts = (await res.json()).candidates[0].content.parts;
    assert.deepEqual(parts, [
      { functionCall: { name: "get_weather", args: { location: "Paris" } } },
      { functionCall: { name: "get_weather", args: { location: "Paris" } } },
    ]);
    const next = await post("/v1beta/models/gemini-fake-tool-call:generateContent", {
      contents: [
        ...contents,
        { role: "model", parts: [parts[0]] },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: "rain" } } }],
        },
      ],
      tools,
    });
    assert.deepEqual((await next.json()).candidates[0].content.parts, [
      { text: "tool result received: rain" },
    ]);
  });

  test("image: inlineData PNG", async () => {
    const body = await (await post("/v1beta/models/gemini-fake-image:generateContent", { contents })).json();
    const image = body.candidates[0].content.parts.find((p: any) => p.inlineData).inlineData;
    assert.equal(image.mimeType, "image/png");
    assert.deepEqual([...Buffer.from(image.data, "base64").subarray(1, 4)], [0x50, 0x4e, 0x47]);
  });

  test("countTokens and models", async () => {
    const count = await (await post("/v1beta/models/gemini-2.5-pro:countTokens", { contents })).json();
    assert.equal(count.totalTokens, 2);
    const list = await (await get(`${up.url}/v1beta/models`)).json();
    assert.ok(list.models.some((m: any) => m.name === "models/gemini-2.5-pro"));
  });

  test("rate-limit: RetryInfo, QuotaFailure and ErrorInfo.quotaResetDelay", async () => {
    const res = await post("/v1beta/models/gemini-fake-rate-limit:generateContent", { contents });
    assert.equal(res.status, 429);
    const { error } = await res.json();
    assert.equal(error.code, 429);
    assert.equal(error.status, "RESOURCE_EXHAUSTED");
    const byType = (t: string) =>
      error.details.find((d: any) => d["@type"] === `type.googleapis.com/google.rpc.${t}`);
    assert.equal(byType("RetryInfo").retryDelay, "3s");
    assert.equal(byType("ErrorInfo").metadata.quotaResetDelay, "3s");
    assert.ok(byType("QuotaFailure").violations.length > 0);
  });

  test("server-error uses the Google envelope", async () => {
    const res = await post(
      "/v1beta/models/m:generateContent",
      { contents },
      { "x-fake-scenario": "server-error" },
    );
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.status, "INTERNAL");
  });
});

describe("Code Assist (v1internal)", () => {
  const envelope = {
    model: "gemini-2.5-pro",
    project: "p-1",
    request: { contents: [{ role: "user", parts: [{ text: "yo" }] }] },
  };

  test("generateContent and streamGenerateContent wrap each answer in {response}", async () => {
    const whole = await (await post("/v1internal:generateContent", envelope)).json();
    assert.equal(whole.response.candidates[0].content.parts[0].text, "echo: yo");
    const chunks = (await sse(await post("/v1internal:streamGenerateContent?alt=sse", envelope))).map((e) =>
      JSON.parse(e.data),
    );
    assert.ok(chunks.length >= 2 && chunks.every((c) => c.response?.candidates));
    assert.equal(chunks[chunks.length - 1].response.candidates[0].finishReason, "STOP");
  });

  test("countTokens, loadCodeAssist, onboardUser", async () => {
    const count = await (
      await post("/v1internal:countTokens", {
        request: { model: "models/gemini-2.5-pro", contents: envelope.request.contents },
      })
    ).json();
    assert.equal(count.totalTokens, 1);
    const load = await (
      await post("/v1internal:loadCodeAssist", { cloudaicompanionProject: "proj-9", metadata: {} })
    ).json();
    assert.equal(load.cloudaicompanionProject, "proj-9");
    assert.equal(typeof load.currentTier.id, "string");
    assert.ok(load.allowedTiers.some((t: any) => t.isDefault));
    const onboard = await (
      await post("/v1internal:onboardUser", { tierId: "free-tier", metadata: {} })
    ).json();
    assert.equal(onboard.done, true);
    assert.equal(typeof onboard.response.cloudaicompanionProject.id, "string");
  });

  test("rate-limit names the cloudcode domain", async () => {
    const res = await post("/v1internal:generateContent", { ...envelope, model: "gemini-fake-rate-limit" });
    assert.equal(res.status, 429);
    const info = (await res.json()).error.details.find((d: any) => d["@type"].endsWith("ErrorInfo"));
    assert.equal(info.domain, "cloudcode-pa.googleapis.com");
  });
});

describe("timing, aborts and cuts", () => {
  const chat = (model: string) => ({ model, stream: true, messages: [{ role: "user", content: "x" }] });

  test("slow delays the first byte; a client leaving during the wait is recorded as aborted", async () => {
    const started = Date.now();
    const res = await post("/v1/chat/completions", chat("fake-slow"), { "x-fake-delay-ms": "300" });
    assert.ok(Date.now() - started >= 280);
    assert.match(await res.text(), /"content":"x"/);

    const controller = new AbortController();
    const count = up.requests.length;
    const pending = post("/v1/chat/completions", chat("fake-slow"), {}, controller.signal);
    await waitFor(() => up.requests.length > count);
    const rec = lastRequest();
    assert.equal(rec.aborted, false);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending);
    await waitFor(() => rec.aborted);
  });

  test("a client leaving mid-stream is recorded as aborted", async () => {
    const controller = new AbortController();
    const res = await post(
      "/v1/messages",
      chat("claude-fake-long"),
      { "x-fake-events": "100000" },
      controller.signal,
    );
    const rec = lastRequest();
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => rec.aborted);
  });

  test("cut: the stream ends without its terminal event and is not a client abort", async () => {
    const res = await post("/v1/chat/completions", chat("fake-cut"));
    const rec = lastRequest();
    const decoder = new TextDecoder();
    let text = "";
    await assert.rejects(async () => {
      for await (const piece of res.body!) text += decoder.decode(piece, { stream: true });
    });
    assert.ok(text.includes("word0"));
    assert.ok(!text.includes("[DONE]"));
    // Give the server's close event time to land before judging how the connection ended.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rec.aborted, false);
  });

  test("x-fake-interval-ms paces the events", async () => {
    const started = Date.now();
    const res = await post("/v1/chat/completions", chat("fake-long"), {
      "x-fake-events": "5",
      "x-fake-interval-ms": "40",
    });
    await res.text();
    assert.ok(Date.now() - started >= 200);
  });
});

describe("lifecycle", () => {
  test("record:false keeps no requests; close() is prompt with a stream still open", async () => {
    const quiet = await startFakeUpstream({ record: false });
    const res = await fetch(`${quiet.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-fake-events": "1000", "x-fake-interval-ms": "50" },
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(quiet.requests.length, 0);
    const started = Date.now();
    await quiet.close();
    assert.ok(Date.now() - started < 1000, "close was not prompt");
    await assert.rejects(async () => {
      while (!(await reader.read()).done) {}
    });
  });

  test("reset() clears the recorded requests", async () => {
    await (await fetch(`${up.url}/v1/models`)).text();
    assert.ok(up.requests.length > 0);
    up.reset();
    assert.equal(up.requests.length, 0);
  });

  test("CLI prints its address, serves, and exits cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["src/fake-upstream/main.ts", "--port", "0", "--no-record"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const match = /^fake upstream listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line.toString());
    assert.ok(match, line.toString());
    const models = await (await get(`${match[1]}/v1/models`)).json();
    assert.equal(models.object, "list");
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  });
});
