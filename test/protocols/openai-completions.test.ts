import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import type { IRRequest, IRResponse, IRStreamEvent } from "../../src/protocols/ir.ts";
import { openaiCompletionsCodec as codec } from "../../src/protocols/openai-completions/index.ts";
import { ProxyError } from "../../src/server/errors.ts";

// Fixtures follow the examples in OpenAI's Completions API reference.
const DOC_REQUEST = {
  model: "gpt-3.5-turbo-instruct",
  prompt: "Say this is a test",
  max_tokens: 7,
  temperature: 0,
};
const DOC_RESPONSE = {
  id: "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7",
  object: "text_completion",
  created: 1589478378,
  model: "gpt-3.5-turbo-instruct",
  system_fingerprint: "fp_44709d6fcb",
  choices: [{ text: "\n\nThis is indeed a test", index: 0, logprobs: null, finish_reason: "length" }],
  usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
};
const DOC_STREAM = [
  '{"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":"This","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct","system_fingerprint":"fp_44709d6fcb"}',
  '{"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":" is a test","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct"}',
  '{"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"model":"gpt-3.5-turbo-instruct"}',
  '{"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[],"model":"gpt-3.5-turbo-instruct","usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}',
  "[DONE]",
];

function rejects400(body: unknown, field: string): void {
  assert.throws(
    () => codec.decodeRequest(body),
    (err: unknown) => err instanceof ProxyError && err.status === 400 && err.message.includes(field),
  );
}

/** SSE text -> the data payloads in order. */
function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map((frame) => {
      assert.ok(frame.startsWith("data: "), `frame is a data line: ${frame}`);
      return frame.slice(6);
    });
}

describe("openai-completions decodeRequest", () => {
  test("documented request becomes one user turn with the sampling fields", () => {
    const ir = codec.decodeRequest(DOC_REQUEST);
    assert.deepEqual(ir, {
      model: "gpt-3.5-turbo-instruct",
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: "Say this is a test" }] }],
      stream: false,
      maxTokens: 7,
      temperature: 0,
    });
  });

  test("every supported field maps to the IR", () => {
    const ir = codec.decodeRequest({
      model: "m",
      prompt: "p",
      suffix: "ignored",
      top_p: 0.5,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
      stop: "\n",
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      seed: 42,
      user: "u-1",
      logprobs: 2,
      best_of: 1,
    });
    assert.equal(ir.topP, 0.5);
    assert.equal(ir.n, 2);
    assert.equal(ir.stream, true);
    assert.equal(ir.includeUsage, true);
    assert.deepEqual(ir.stop, ["\n"]);
    assert.equal(ir.presencePenalty, 0.1);
    assert.equal(ir.frequencyPenalty, 0.2);
    assert.equal(ir.seed, 42);
    assert.equal(ir.user, "u-1");
    assert.equal(ir.maxTokens, undefined, "no max_tokens: the upstream picks its own default, not 16");
  });

  test("prompt arrays: one element is the prompt, several are joined", () => {
    const one = codec.decodeRequest({ model: "m", prompt: ["only"] });
    assert.deepEqual(one.messages[0].content, [{ type: "text", text: "only" }]);
    const many = codec.decodeRequest({ model: "m", prompt: ["a", "b"] });
    assert.deepEqual(many.messages[0].content, [{ type: "text", text: "a\nb" }]);
  });

  test("invalid bodies are 400s naming the field", () => {
    rejects400({ prompt: "x" }, "model");
    rejects400({ model: "m" }, "prompt");
    rejects400({ model: "m", prompt: [1, 2, 3] }, "token arrays");
    rejects400({ model: "m", prompt: [[1, 2]] }, "prompt[0]");
    rejects400({ model: "m", prompt: [] }, "prompt");
    rejects400({ model: "m", prompt: "x", temperature: "hot" }, "temperature");
    rejects400({ model: "m", prompt: "x", max_tokens: 0 }, "max_tokens");
    rejects400({ model: "m", prompt: "x", stop: [1] }, "stop");
    rejects400({ model: "m", prompt: "x", echo: "yes" }, "echo");
    rejects400({ model: "m", prompt: "x", stream_options: { include_usage: 1 } }, "include_usage");
    rejects400([], "body");
  });
});

describe("openai-completions encodeRequest", () => {
  test("a plain completion round-trips and gets a real max_tokens default", () => {
    const ir = codec.decodeRequest({ model: "client-name", prompt: "Once upon", stop: ["\n"], seed: 1 });
    const body = codec.encodeRequest(ir, "gpt-3.5-turbo-instruct");
    assert.deepEqual(body, {
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once upon",
      max_tokens: 2048,
      stop: ["\n"],
      seed: 1,
    });
    const again = codec.decodeRequest(body);
    assert.deepEqual(again.messages, ir.messages);
    assert.deepEqual(again.stop, ir.stop);
  });

  test("a conversation becomes a transcript; streams always ask for usage", () => {
    const ir: IRRequest = {
      model: "m",
      system: [{ type: "text", text: "Be terse." }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "need a tool" },
            { type: "tool_call", id: "c1", name: "weather", arguments: "{}" },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool_result", toolCallId: "c1", content: [{ type: "text", text: "Sunny" }] }],
        },
      ],
      stream: true,
      maxTokens: 50,
      temperature: 0.3,
      topP: 0.9,
      presencePenalty: 0.5,
      frequencyPenalty: 0.4,
      user: "u",
      n: 1,
    };
    const body = codec.encodeRequest(ir, "up");
    assert.equal(body.prompt, "Be terse.\n\nUser: Weather?\n\nTool: Sunny\n\nAssistant:");
    assert.equal(body.max_tokens, 50);
    assert.equal(body.temperature, 0.3);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.presence_penalty, 0.5);
    assert.equal(body.frequency_penalty, 0.4);
    assert.equal(body.user, "u");
    assert.equal(body.n, 1);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });
});

describe("openai-completions responses", () => {
  test("documented response decodes to IR", () => {
    const res = codec.decodeResponse(DOC_RESPONSE);
    assert.deepEqual(res, {
      id: "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7",
      model: "gpt-3.5-turbo-instruct",
      created: 1589478378,
      content: [{ type: "text", text: "\n\nThis is indeed a test" }],
      finishReason: "length",
      usage: { inputTokens: 5, outputTokens: 7 },
    });
    assert.throws(
      () => codec.decodeResponse({ choices: [] }),
      (e: unknown) => e instanceof ProxyError,
    );
  });

  test("encodeResponse writes text only, the client's model, mapped finish and usage details", () => {
    const res: IRResponse = {
      id: "msg_123",
      model: "claude-upstream",
      created: 1700000000,
      content: [
        { type: "reasoning", text: "hidden", signature: "sig" },
        { type: "text", text: "Hello" },
        { type: "text", text: " world" },
        { type: "tool_call", id: "t", name: "f", arguments: "{}" },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 10, outputTokens: 20, cachedInputTokens: 4, reasoningTokens: 6 },
    };
    const body: any = codec.encodeResponse(res, { model: "my-alias" });
    assert.match(body.id, /^cmpl-[0-9a-f]{24}$/);
    assert.deepEqual(
      { ...body, id: "x" },
      {
        id: "x",
        object: "text_completion",
        created: 1700000000,
        model: "my-alias",
        choices: [{ text: "Hello world", index: 0, logprobs: null, finish_reason: "stop" }],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 20,
          total_tokens: 30,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 6 },
        },
      },
    );
    const back = codec.decodeResponse(body);
    assert.deepEqual(back.usage, res.usage);
    assert.equal(back.finishReason, "stop");
  });

  test("echo prefixes the prompt; cmpl- ids survive; length and content_filter map through", () => {
    const request = codec.decodeRequest({ model: "m", prompt: "Q: 2+2?\nA:", echo: true });
    const res: IRResponse = {
      id: "cmpl-abc",
      model: "x",
      created: 1,
      content: [{ type: "text", text: " 4" }],
      finishReason: "length",
    };
    const body: any = codec.encodeResponse(res, { model: "m", request });
    assert.equal(body.id, "cmpl-abc");
    assert.equal(body.choices[0].text, "Q: 2+2?\nA: 4");
    assert.equal(body.choices[0].finish_reason, "length");
    const filtered: any = codec.encodeResponse({ ...res, finishReason: "content_filter" }, { model: "m" });
    assert.equal(filtered.choices[0].text, " 4");
    assert.equal(filtered.choices[0].finish_reason, "content_filter");
  });
});

describe("openai-completions stream decoder", () => {
  test("documented chunks: start, text, then usage before finish", () => {
    const decoder = codec.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    for (const data of DOC_STREAM) decoder.push({ data }, out);
    decoder.end(out);
    assert.deepEqual(out, [
      {
        type: "start",
        id: "cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe",
        model: "gpt-3.5-turbo-instruct",
        created: 1690759702,
      },
      { type: "text", delta: "This" },
      { type: "text", delta: " is a test" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 4 } },
      { type: "finish", reason: "length" },
    ]);
  });

  test("a stream cut before [DONE] still finishes; an error payload becomes an error event", () => {
    const decoder = codec.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    decoder.push({ data: DOC_STREAM[0] }, out);
    decoder.end(out);
    assert.deepEqual(
      out.map((e) => e.type),
      ["start", "text", "finish"],
    );
    assert.deepEqual(out.at(-1), { type: "finish", reason: "stop" });

    const failing = codec.createStreamDecoder();
    const events: IRStreamEvent[] = [];
    failing.push({ data: DOC_STREAM[0] }, events);
    failing.push({ data: '{"error":{"message":"overloaded","type":"server_error"}}' }, events);
    failing.end(events);
    assert.deepEqual(events.at(-1), {
      type: "error",
      status: 502,
      errorType: "server_error",
      message: "overloaded",
    });
    assert.equal(events.filter((e) => e.type === "finish").length, 0);
  });
});

/** A typical translated stream: reasoning and a tool call the format must drop. */
const EVENTS: IRStreamEvent[] = [
  { type: "start", id: "chatcmpl-1", model: "upstream", created: 1700000001 },
  { type: "reasoning", delta: "thinking..." },
  { type: "reasoning_signature", signature: "sig" },
  { type: "text", delta: "Hello" },
  { type: "text", delta: ", world" },
  { type: "tool_call_start", index: 0, id: "c", name: "f" },
  { type: "tool_call_delta", index: 0, argsDelta: "{}" },
  { type: "tool_call_end", index: 0 },
  { type: "usage", usage: { inputTokens: 3, outputTokens: 5 } },
  { type: "finish", reason: "stop" },
];

function encodeAll(events: IRStreamEvent[], ctx: Parameters<typeof codec.createStreamEncoder>[0]): string {
  const encoder = codec.createStreamEncoder(ctx);
  let text = "";
  for (const e of events) text += encoder.encode(e);
  return text + encoder.end();
}

describe("openai-completions stream encoder", () => {
  test("text chunks, finish chunk, usage chunk, [DONE]", () => {
    const data = sseData(encodeAll(EVENTS, { model: "alias", includeUsage: true }));
    assert.equal(data.at(-1), "[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.deepEqual(
      chunks.map((c) => [c.choices[0]?.text, c.choices[0]?.finish_reason, c.usage?.total_tokens]),
      [
        ["Hello", null, undefined],
        [", world", null, undefined],
        ["", "stop", undefined],
        [undefined, undefined, 8],
      ],
    );
    for (const c of chunks) {
      assert.equal(c.object, "text_completion");
      assert.equal(c.model, "alias");
      assert.equal(c.created, 1700000001);
      assert.match(c.id, /^cmpl-/);
      assert.equal(c.id, chunks[0].id);
    }
    assert.deepEqual(chunks[0].choices[0], { text: "Hello", index: 0, logprobs: null, finish_reason: null });
  });

  test("no usage chunk unless asked; echo comes first", () => {
    const request = codec.decodeRequest({ model: "m", prompt: "Say:", echo: true, stream: true });
    const data = sseData(encodeAll(EVENTS, { model: "m", request }));
    const texts = data.slice(0, -1).map((d) => JSON.parse(d).choices[0].text);
    assert.deepEqual(texts, ["Say:", "Hello", ", world", ""]);
  });

  test("an error mid-stream ends with an error payload and nothing after", () => {
    const encoder = codec.createStreamEncoder({ model: "m", includeUsage: true });
    let text = encoder.encode(EVENTS[0]) + encoder.encode(EVENTS[3]);
    text += encoder.encode({ type: "error", status: 529, errorType: "overloaded_error", message: "busy" });
    text += encoder.encode(EVENTS[4]);
    text += encoder.end();
    const data = sseData(text);
    assert.equal(data.length, 2);
    assert.deepEqual(JSON.parse(data[1]), {
      error: { message: "busy", type: "overloaded_error", param: null, code: null },
    });
  });

  test("encoder output decodes back to the same text and finish", () => {
    const text = encodeAll(EVENTS, { model: "alias", includeUsage: true });
    const decoder = codec.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    for (const data of sseData(text)) decoder.push({ data }, out);
    decoder.end(out);
    assert.deepEqual(
      out.filter((e) => e.type !== "start"),
      [
        { type: "text", delta: "Hello" },
        { type: "text", delta: ", world" },
        { type: "usage", usage: { inputTokens: 3, outputTokens: 5 } },
        { type: "finish", reason: "stop" },
      ],
    );
  });
});

describe("openai SDK against the encoder", () => {
  let server: ReturnType<typeof createServer>;
  let client: OpenAI;
  const seen: IRRequest[] = [];

  /** Plays EVENTS (or a failing stream when the prompt says "fail") in the client's format. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const ir = codec.decodeRequest(JSON.parse(raw));
      seen.push(ir);
      const ctx = { model: ir.model, includeUsage: ir.includeUsage, request: ir };
      if (!ir.stream) {
        const decoded: IRResponse = {
          id: "up-1",
          model: "upstream",
          created: 1700000002,
          content: [{ type: "text", text: "Hi there" }],
          finishReason: "length",
          usage: { inputTokens: 2, outputTokens: 2 },
        };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(codec.encodeResponse(decoded, ctx)));
        return;
      }
      const encoder = codec.createStreamEncoder(ctx);
      res.writeHead(200, { "content-type": "text/event-stream" });
      const failing = (ir.messages[0].content[0] as { text: string }).text === "fail";
      const events: IRStreamEvent[] = failing
        ? [
            EVENTS[0],
            EVENTS[3],
            { type: "error", status: 502, errorType: "upstream_error", message: "upstream died" },
          ]
        : EVENTS;
      for (const e of events) res.write(encoder.encode(e));
      res.end(encoder.end());
    });
  }

  before(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: "test", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });
  after(() => server.close());

  test("completions.create non-stream", async () => {
    const completion = await client.completions.create({ model: "alias", prompt: "Hi", max_tokens: 5 });
    assert.equal(completion.object, "text_completion");
    assert.equal(completion.model, "alias");
    assert.equal(completion.choices[0].text, "Hi there");
    assert.equal(completion.choices[0].finish_reason, "length");
    assert.equal(completion.usage?.total_tokens, 4);
    assert.equal(seen.at(-1)?.maxTokens, 5);
  });

  test("completions.create stream with usage", async () => {
    const stream = await client.completions.create({
      model: "alias",
      prompt: ["Hi"],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let total: number | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]) {
        text += chunk.choices[0].text;
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      if (chunk.usage) total = chunk.usage.total_tokens;
    }
    assert.equal(text, "Hello, world");
    assert.equal(finish, "stop");
    assert.equal(total, 8);
  });

  test("an error mid-stream surfaces as an SDK error, not a silent cut", async () => {
    const stream = await client.completions.create({ model: "alias", prompt: "fail", stream: true });
    let text = "";
    await assert.rejects(
      async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
      },
      (err: unknown) => err instanceof OpenAI.APIError && err.message.includes("upstream died"),
    );
    assert.equal(text, "Hello");
  });
});
