import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import OpenAI, { APIError } from "openai";
import type { IRRequest, IRResponse, IRStreamEvent, SSEMessage } from "../../src/protocols/ir.ts";
import { openaiChatCodec as codec } from "../../src/protocols/openai-chat/index.ts";
import { ProxyError } from "../../src/server/errors.ts";

// ---------------------------------------------------------------------------------------------
// Fixtures, written from the Chat Completions API reference and guides.
// ---------------------------------------------------------------------------------------------

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk";
const PDF_B64 = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBS";
const WAV_B64 = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";

const weatherParameters = {
  type: "object",
  properties: { location: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
  required: ["location"],
};

/** A multi-turn tool loop with every request feature the codec translates. */
function fullRequest(): Record<string, any> {
  return {
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image, and what's the weather in Paris and Lyon?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } },
          { type: "image_url", image_url: { url: "https://example.com/photo.jpg", detail: "high" } },
          { type: "input_audio", input_audio: { data: WAV_B64, format: "wav" } },
          {
            type: "file",
            file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_B64}` },
          },
        ],
      },
      {
        role: "assistant",
        content: null,
        reasoning_content: "Two cities, so two calls.",
        tool_calls: [
          {
            id: "call_paris",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris"}' },
            extra_content: { google: { thought_signature: "sig-gemini" } },
          },
          {
            id: "call_lyon",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Lyon"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_paris", content: "18C and sunny" },
      { role: "tool", tool_call_id: "call_lyon", content: [{ type: "text", text: "21C" }] },
      { role: "assistant", content: "Paris: 18C. Lyon: 21C." },
      { role: "user", content: "Thanks!" },
    ],
    tools: [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather for a city",
          parameters: weatherParameters,
          strict: true,
        },
      },
    ],
    tool_choice: { type: "function", function: { name: "get_weather" } },
    parallel_tool_calls: true,
    max_tokens: 100,
    max_completion_tokens: 512,
    temperature: 0.2,
    top_p: 0.9,
    stop: "END",
    seed: 42,
    presence_penalty: 0.5,
    frequency_penalty: -0.5,
    n: 1,
    stream: true,
    stream_options: { include_usage: true },
    reasoning_effort: "high",
    response_format: {
      type: "json_schema",
      json_schema: { name: "weather", description: "A report", schema: { type: "object" }, strict: true },
    },
    user: "user-1234",
  };
}

function fullIR(): IRRequest {
  return {
    model: "gpt-4o",
    system: [
      { type: "text", text: "You are a helpful assistant." },
      { type: "text", text: "Answer in French." },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image, and what's the weather in Paris and Lyon?" },
          { type: "image", mediaType: "image/png", data: PNG_B64 },
          { type: "image", url: "https://example.com/photo.jpg" },
          { type: "file", mediaType: "audio/wav", data: WAV_B64 },
          { type: "file", mediaType: "application/pdf", data: PDF_B64, filename: "report.pdf" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Two cities, so two calls." },
          {
            type: "tool_call",
            id: "call_paris",
            name: "get_weather",
            arguments: '{"location":"Paris"}',
            signature: "sig-gemini",
          },
          { type: "tool_call", id: "call_lyon", name: "get_weather", arguments: '{"location":"Lyon"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            toolCallId: "call_paris",
            name: "get_weather",
            content: [{ type: "text", text: "18C and sunny" }],
          },
          {
            type: "tool_result",
            toolCallId: "call_lyon",
            name: "get_weather",
            content: [{ type: "text", text: "21C" }],
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Paris: 18C. Lyon: 21C." }] },
      { role: "user", content: [{ type: "text", text: "Thanks!" }] },
    ],
    tools: [
      { name: "get_weather", description: "Weather for a city", parameters: weatherParameters, strict: true },
    ],
    toolChoice: { type: "tool", name: "get_weather" },
    parallelToolCalls: true,
    maxTokens: 512,
    temperature: 0.2,
    topP: 0.9,
    stop: ["END"],
    seed: 42,
    presencePenalty: 0.5,
    frequencyPenalty: -0.5,
    n: 1,
    stream: true,
    includeUsage: true,
    reasoning: { effort: "high" },
    responseFormat: {
      type: "json_schema",
      name: "weather",
      description: "A report",
      schema: { type: "object" },
      strict: true,
    },
    user: "user-1234",
  };
}

/** Parses SSE text into its `data:` payloads. */
function sseData(text: string): string[] {
  const out: string[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame === "") continue;
    const line = frame.split("\n").find((l) => l.startsWith("data: "));
    assert.ok(line, `frame without data line: ${JSON.stringify(frame)}`);
    out.push(line.slice(6));
  }
  return out;
}

function decodeStream(messages: Array<string | object>, end = true): IRStreamEvent[] {
  const decoder = codec.createStreamDecoder();
  const out: IRStreamEvent[] = [];
  for (const m of messages) {
    const message: SSEMessage = { data: typeof m === "string" ? m : JSON.stringify(m) };
    decoder.push(message, out);
  }
  if (end) decoder.end(out);
  return out;
}

function encodeStream(events: IRStreamEvent[], includeUsage: boolean, model = "client-model"): string {
  const encoder = codec.createStreamEncoder({ model, includeUsage });
  let text = "";
  for (const event of events) text += encoder.encode(event);
  return text + encoder.end();
}

function assertInvalid(body: unknown, field: string): void {
  assert.throws(
    () => codec.decodeRequest(body),
    (err: unknown) => {
      assert.ok(err instanceof ProxyError, `expected ProxyError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.type, "invalid_request_error");
      assert.ok(err.message.includes(field), `message "${err.message}" should name ${field}`);
      return true;
    },
  );
}

const chunkBase = {
  id: "chatcmpl-123",
  object: "chat.completion.chunk",
  created: 1694268190,
  model: "gpt-4o-mini",
};
function chunk(delta: object, finishReason: string | null = null, extra: object = {}): object {
  return {
    ...chunkBase,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

describe("openai-chat decodeRequest", () => {
  test("decodes every feature of a documented multi-turn tool request", () => {
    assert.deepEqual(codec.decodeRequest(fullRequest()), fullIR());
  });

  test("uses max_tokens when max_completion_tokens is absent; stream defaults to false", () => {
    const req = codec.decodeRequest({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 77,
    });
    assert.equal(req.maxTokens, 77);
    assert.equal(req.stream, false);
    assert.equal(req.includeUsage, undefined);
  });

  test("stop arrays, string tool_choice values, newer effort levels and json_object", () => {
    const base = { model: "m", messages: [{ role: "user", content: "hi" }] };
    assert.deepEqual(codec.decodeRequest({ ...base, stop: ["a", "b"] }).stop, ["a", "b"]);
    for (const choice of ["auto", "none", "required"] as const) {
      assert.deepEqual(codec.decodeRequest({ ...base, tool_choice: choice }).toolChoice, { type: choice });
    }
    for (const effort of ["none", "minimal", "low", "medium", "xhigh"] as const) {
      assert.deepEqual(codec.decodeRequest({ ...base, reasoning_effort: effort }).reasoning, { effort });
    }
    assert.deepEqual(
      codec.decodeRequest({ ...base, response_format: { type: "json_object" } }).responseFormat,
      {
        type: "json_object",
      },
    );
  });

  test("reasoning_details fragments become signed and redacted reasoning parts", () => {
    const req = codec.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: "Hello",
          reasoning_content: "Let me think. Done.",
          reasoning_details: [
            { type: "reasoning.text", text: "Let me think.", index: 0 },
            { type: "reasoning.text", text: " Done.", signature: "sig-1", index: 0 },
            { type: "reasoning.encrypted", data: "opaque-blob", index: 1 },
          ],
        },
      ],
    });
    assert.deepEqual(req.messages[1].content, [
      { type: "reasoning", text: "Let me think. Done.", signature: "sig-1" },
      { type: "reasoning", text: "", redacted: "opaque-blob" },
      { type: "text", text: "Hello" },
    ]);
  });

  test("tool results recover the tool name from the call in history", () => {
    const req = codec.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "found" },
      ],
    });
    assert.deepEqual(req.messages[2], {
      role: "tool",
      content: [
        { type: "tool_result", toolCallId: "c1", name: "lookup", content: [{ type: "text", text: "found" }] },
      ],
    });
  });

  test("rejects bodies that are not Chat Completions requests, naming the field", () => {
    const ok = { model: "m", messages: [{ role: "user", content: "hi" }] };
    assertInvalid(null, "body");
    assertInvalid([], "body");
    assertInvalid({ messages: [] }, "model");
    assertInvalid({ model: "m", messages: "hi" }, "messages");
    assertInvalid({ model: "m", messages: [{ role: "function", content: "x" }] }, "messages[0].role");
    assertInvalid({ model: "m", messages: [{ role: "user", content: 5 }] }, "messages[0].content");
    assertInvalid(
      { model: "m", messages: [{ role: "user", content: [{ type: "video", video: {} }] }] },
      "messages[0].content[0].type",
    );
    assertInvalid(
      {
        model: "m",
        messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }],
      },
      "messages[0].content[0].file.file_id",
    );
    assertInvalid({ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id");
    assertInvalid({ ...ok, stream: "yes" }, "stream");
    assertInvalid({ ...ok, temperature: "hot" }, "temperature");
    assertInvalid({ ...ok, max_completion_tokens: "many" }, "max_completion_tokens");
    assertInvalid({ ...ok, stop: 3 }, "stop");
    assertInvalid({ ...ok, reasoning_effort: "extreme" }, "reasoning_effort");
    assertInvalid({ ...ok, tools: [{ type: "custom", custom: { name: "x" } }] }, "tools[0].type");
    assertInvalid({ ...ok, tools: [{ type: "function", function: {} }] }, "tools[0].function.name");
    assertInvalid({ ...ok, tool_choice: "sometimes" }, "tool_choice");
    assertInvalid({ ...ok, response_format: { type: "xml" } }, "response_format.type");
    assertInvalid({ ...ok, user: 7 }, "user");
  });
});

describe("openai-chat encodeRequest", () => {
  test("IR round trip: decode(encode(ir)) gives the IR back", () => {
    const ir = fullIR();
    const body = codec.encodeRequest(ir, "upstream-model");
    assert.equal(body.model, "upstream-model");
    // n=1 is the default and is not written.
    const { n: _n, ...expected } = ir;
    assert.deepEqual(codec.decodeRequest(body), { ...expected, model: "upstream-model" });
  });

  test("writes the documented wire shapes", () => {
    const body = codec.encodeRequest(fullIR(), "gpt-4o") as Record<string, any>;
    assert.deepEqual(body.messages.slice(0, 2), [
      { role: "system", content: "You are a helpful assistant." },
      { role: "system", content: "Answer in French." },
    ]);
    assert.deepEqual(body.messages[2].content.slice(1), [
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } },
      { type: "image_url", image_url: { url: "https://example.com/photo.jpg" } },
      { type: "input_audio", input_audio: { data: WAV_B64, format: "wav" } },
      { type: "file", file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_B64}` } },
    ]);
    assert.deepEqual(body.messages[3], {
      role: "assistant",
      content: null,
      reasoning_content: "Two cities, so two calls.",
      tool_calls: [
        {
          id: "call_paris",
          type: "function",
          function: { name: "get_weather", arguments: '{"location":"Paris"}' },
          extra_content: { google: { thought_signature: "sig-gemini" } },
        },
        {
          id: "call_lyon",
          type: "function",
          function: { name: "get_weather", arguments: '{"location":"Lyon"}' },
        },
      ],
    });
    assert.deepEqual(body.messages.slice(4, 6), [
      { role: "tool", tool_call_id: "call_paris", content: "18C and sunny" },
      { role: "tool", tool_call_id: "call_lyon", content: "21C" },
    ]);
    assert.equal(body.max_tokens, 512);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.deepEqual(body.stop, ["END"]);
    assert.equal(body.reasoning_effort, "high");
    assert.deepEqual(body.tool_choice, { type: "function", function: { name: "get_weather" } });
    assert.equal(body.parallel_tool_calls, true);
    assert.equal(body.user, "user-1234");
    assert.equal("top_k" in body, false);
  });

  test("asks for stream usage even when the client did not; omits tool settings without tools", () => {
    const body = codec.encodeRequest(
      {
        model: "m",
        system: [],
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        stream: true,
        includeUsage: false,
        toolChoice: { type: "none" },
        parallelToolCalls: false,
        topK: 40,
      },
      "m",
    );
    assert.deepEqual(body, {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("maps reasoning budgets and efforts to reasoning_effort", () => {
    const effortFor = (reasoning: IRRequest["reasoning"]) =>
      codec.encodeRequest({ model: "m", system: [], messages: [], stream: false, reasoning }, "m")
        .reasoning_effort;
    assert.equal(effortFor({ budgetTokens: 0 }), "none");
    assert.equal(effortFor({ budgetTokens: 1024 }), "low");
    assert.equal(effortFor({ budgetTokens: 8192 }), "medium");
    assert.equal(effortFor({ budgetTokens: 32000 }), "high");
    assert.equal(effortFor({ budgetTokens: -1 }), undefined);
    assert.equal(effortFor({ effort: "auto" }), undefined);
    assert.equal(effortFor({ effort: "max" }), "xhigh");
    assert.equal(effortFor({ effort: "minimal", budgetTokens: 30000 }), "minimal");
  });

  test("signed reasoning travels as reasoning_details and decodes back unchanged", () => {
    const assistant = {
      role: "assistant" as const,
      content: [
        { type: "reasoning" as const, text: "Thinking...", signature: "sig-anthropic" },
        { type: "reasoning" as const, text: "", redacted: "redacted-data" },
        { type: "text" as const, text: "Answer" },
      ],
    };
    const ir: IRRequest = {
      model: "m",
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: "q" }] }, assistant],
      stream: false,
    };
    const body = codec.encodeRequest(ir, "m") as Record<string, any>;
    assert.deepEqual(body.messages[1], {
      role: "assistant",
      content: "Answer",
      reasoning_content: "Thinking...",
      reasoning_details: [
        { type: "reasoning.text", text: "Thinking...", index: 0, signature: "sig-anthropic" },
        { type: "reasoning.encrypted", data: "redacted-data", index: 1 },
      ],
    });
    assert.deepEqual(codec.decodeRequest(body).messages[1], assistant);
  });

  test("images returned by a tool follow the tool messages in a user message", () => {
    const body = codec.encodeRequest(
      {
        model: "m",
        system: [],
        stream: false,
        messages: [
          {
            role: "tool",
            content: [
              {
                type: "tool_result",
                toolCallId: "c1",
                content: [
                  { type: "text", text: "screenshot taken" },
                  { type: "image", mediaType: "image/png", data: PNG_B64 },
                ],
              },
              { type: "tool_result", toolCallId: "c2", content: [] },
            ],
          },
        ],
      },
      "m",
    ) as Record<string, any>;
    assert.deepEqual(body.messages, [
      { role: "tool", tool_call_id: "c1", content: "screenshot taken" },
      { role: "tool", tool_call_id: "c2", content: "" },
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } }],
      },
    ]);
  });

  test("json_schema gets the name OpenAI requires; a file by URL is refused", () => {
    const base: IRRequest = { model: "m", system: [], messages: [], stream: false };
    const body = codec.encodeRequest(
      { ...base, responseFormat: { type: "json_schema", schema: { type: "object" } } },
      "m",
    );
    assert.deepEqual(body.response_format, {
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object" } },
    });
    assert.throws(
      () =>
        codec.encodeRequest(
          {
            ...base,
            messages: [
              {
                role: "user",
                content: [{ type: "file", mediaType: "application/pdf", url: "https://x/a.pdf" }],
              },
            ],
          },
          "m",
        ),
      (err: unknown) => err instanceof ProxyError && err.status === 400,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Non-stream responses
// ---------------------------------------------------------------------------------------------

const documentedResponse = {
  id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
  object: "chat.completion",
  created: 1741570283,
  model: "gpt-4o-2024-08-06",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        reasoning_content: "The user wants the weather.",
        tool_calls: [
          {
            id: "call_abc123",
            type: "function",
            function: { name: "get_current_weather", arguments: '{\n"location": "Boston, MA"\n}' },
          },
        ],
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: {
    prompt_tokens: 1117,
    completion_tokens: 46,
    total_tokens: 1163,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 12,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: "default",
  system_fingerprint: "fp_fc9f1d7035",
};

describe("openai-chat responses", () => {
  test("decodes a documented tool-call completion with usage details", () => {
    assert.deepEqual(codec.decodeResponse(documentedResponse), {
      id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      model: "gpt-4o-2024-08-06",
      created: 1741570283,
      content: [
        { type: "reasoning", text: "The user wants the weather." },
        {
          type: "tool_call",
          id: "call_abc123",
          name: "get_current_weather",
          arguments: '{\n"location": "Boston, MA"\n}',
        },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 1117, outputTokens: 46, cachedInputTokens: 1024, reasoningTokens: 12 },
    });
  });

  test("maps finish reasons, upgrading stop to tool_calls when calls were made", () => {
    const withReason = (finish_reason: unknown, toolCalls?: object[]) =>
      codec.decodeResponse({
        choices: [
          { index: 0, message: { role: "assistant", content: "x", tool_calls: toolCalls }, finish_reason },
        ],
      }).finishReason;
    assert.equal(withReason("stop"), "stop");
    assert.equal(withReason("length"), "length");
    assert.equal(withReason("content_filter"), "content_filter");
    assert.equal(withReason("function_call"), "tool_calls");
    assert.equal(withReason(null), "stop");
    const call = { id: "c", type: "function", function: { name: "f", arguments: "{}" } };
    assert.equal(withReason("stop", [call]), "tool_calls");
  });

  test("rejects an upstream body without choices", () => {
    assert.throws(
      () => codec.decodeResponse({ object: "list" }),
      (err: unknown) => err instanceof ProxyError && err.status === 502,
    );
  });

  test("encodes a chat.completion reporting the client's model, and round-trips", () => {
    const ir: IRResponse = {
      id: "msg_01",
      model: "claude-sonnet-4-5",
      created: 1700000000,
      content: [
        { type: "reasoning", text: "Plan.", signature: "sig" },
        { type: "text", text: "Calling." },
        { type: "tool_call", id: "toolu_1", name: "f", arguments: '{"a":1}' },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 30, outputTokens: 10, cachedInputTokens: 20, reasoningTokens: 4 },
    };
    const body = codec.encodeResponse(ir, { model: "my-alias" }) as Record<string, any>;
    assert.deepEqual(body, {
      id: "msg_01",
      object: "chat.completion",
      created: 1700000000,
      model: "my-alias",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Calling.",
            refusal: null,
            reasoning_content: "Plan.",
            reasoning_details: [{ type: "reasoning.text", text: "Plan.", index: 0, signature: "sig" }],
            tool_calls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 30,
        completion_tokens: 10,
        total_tokens: 40,
        prompt_tokens_details: { cached_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
    assert.deepEqual(codec.decodeResponse(body), { ...ir, model: "my-alias" });
  });

  test("images in a response use the images array and decode back", () => {
    const ir: IRResponse = {
      id: "x",
      model: "m",
      created: 1,
      content: [{ type: "image", mediaType: "image/png", data: PNG_B64 }],
      finishReason: "stop",
    };
    const body = codec.encodeResponse(ir, { model: "m" }) as Record<string, any>;
    assert.equal(body.choices[0].message.content, null);
    assert.deepEqual(codec.decodeResponse(body).content, ir.content);
  });
});

// ---------------------------------------------------------------------------------------------
// Stream decoder
// ---------------------------------------------------------------------------------------------

describe("openai-chat stream decoder", () => {
  test("documented text stream with a trailing usage chunk and [DONE]", () => {
    const events = decodeStream([
      chunk({ role: "assistant", content: "", refusal: null }),
      chunk({ content: "Hello" }),
      chunk({ content: " there" }),
      chunk({}, "stop"),
      {
        ...chunkBase,
        choices: [],
        usage: {
          prompt_tokens: 9,
          completion_tokens: 2,
          total_tokens: 11,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
      "[DONE]",
    ]);
    assert.deepEqual(events, [
      { type: "start", id: "chatcmpl-123", model: "gpt-4o-mini", created: 1694268190 },
      { type: "text", delta: "Hello" },
      { type: "text", delta: " there" },
      { type: "usage", usage: { inputTokens: 9, outputTokens: 2, cachedInputTokens: 0 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("parallel tool calls with fragmented arguments (documented delta shapes)", () => {
    const events = decodeStream([
      chunk({ role: "assistant", content: null }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_A", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      }),
      chunk({
        tool_calls: [{ index: 0, id: null, type: null, function: { arguments: '{"loc', name: null } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ation":"Paris"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: "call_B", type: "function", function: { name: "get_time", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "{}" } }] }),
      chunk({}, "tool_calls", { usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }),
      "[DONE]",
    ]);
    assert.deepEqual(events, [
      { type: "start", id: "chatcmpl-123", model: "gpt-4o-mini", created: 1694268190 },
      { type: "tool_call_start", index: 0, id: "call_A", name: "get_weather" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"loc' },
      { type: "tool_call_delta", index: 0, argsDelta: 'ation":"Paris"}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "call_B", name: "get_time" },
      { type: "tool_call_delta", index: 1, argsDelta: "{}" },
      { type: "tool_call_end", index: 1 },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 7 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("reasoning text and OpenRouter-style signed reasoning_details", () => {
    const events = decodeStream([
      chunk({ role: "assistant", reasoning_content: "Plain " }),
      chunk({ reasoning: "think", reasoning_details: [{ type: "reasoning.text", text: "think", index: 0 }] }),
      chunk({ reasoning_details: [{ type: "reasoning.text", text: "", signature: "sig-xyz", index: 0 }] }),
      chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "blob", index: 1 }] }),
      chunk({ content: "Answer" }),
      chunk({}, "stop"),
    ]);
    assert.deepEqual(events.slice(1), [
      { type: "reasoning", delta: "Plain " },
      { type: "reasoning", delta: "think" },
      { type: "reasoning_signature", signature: "sig-xyz" },
      { type: "reasoning_redacted", data: "blob" },
      { type: "text", delta: "Answer" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("a stream cut without finish_reason or [DONE] is closed by end()", () => {
    const events = decodeStream([
      chunk({ role: "assistant" }),
      chunk({
        tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f", arguments: '{"a"' } }],
      }),
    ]);
    assert.deepEqual(events.slice(1), [
      { type: "tool_call_start", index: 0, id: "c1", name: "f" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"a"' },
      { type: "tool_call_end", index: 0 },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("end() on an empty stream still yields start and finish", () => {
    const events = decodeStream([]);
    assert.deepEqual(
      events.map((e) => e.type),
      ["start", "finish"],
    );
  });

  test("servers numbering every call index 0, ids arriving after names, Gemini signatures", () => {
    const events = decodeStream([
      chunk({
        tool_calls: [
          {
            index: 0,
            id: "g1",
            function: { name: "a", arguments: '{"x":1}' },
            extra_content: { google: { thought_signature: "ts" } },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, id: "g2", function: { name: "b", arguments: '{"y":2}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { name: "c", arguments: '{"z"' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "late-id", function: { arguments: ":3}" } }] }),
      chunk({ tool_calls: [{ index: 2, function: { name: "d", arguments: "{}" } }] }),
      chunk({}, "stop"),
    ]);
    assert.deepEqual(events.slice(1), [
      { type: "tool_call_start", index: 0, id: "g1", name: "a", signature: "ts" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"x":1}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "g2", name: "b" },
      { type: "tool_call_delta", index: 1, argsDelta: '{"y":2}' },
      { type: "tool_call_end", index: 1 },
      { type: "tool_call_start", index: 2, id: "late-id", name: "c" },
      { type: "tool_call_delta", index: 2, argsDelta: '{"z":3}' },
      // "d" never got an id: it starts with a generated one when the stream finishes.
      { type: "tool_call_end", index: 2 },
      events[10],
      { type: "tool_call_delta", index: 3, argsDelta: "{}" },
      { type: "tool_call_end", index: 3 },
      { type: "finish", reason: "tool_calls" },
    ]);
    const generated = events[10];
    assert.equal(generated.type, "tool_call_start");
    assert.ok(
      generated.type === "tool_call_start" && generated.name === "d" && generated.id.startsWith("call_"),
    );
  });

  test("an error chunk becomes an error event and ends decoding", () => {
    const events = decodeStream([
      chunk({ content: "partial" }),
      { error: { message: "The server had an error", type: "server_error", code: null } },
      chunk({ content: "ignored" }),
      "[DONE]",
    ]);
    assert.deepEqual(events.slice(1), [
      { type: "text", delta: "partial" },
      { type: "error", status: 502, errorType: "server_error", message: "The server had an error" },
    ]);
  });

  test("Azure's empty first chunk gets a generated id; non-JSON data is an error", () => {
    const azure = decodeStream([
      { id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: [] },
      chunk({ content: "hi" }),
    ]);
    assert.equal(azure[0].type, "start");
    assert.ok(azure[0].type === "start" && azure[0].id.startsWith("chatcmpl-") && azure[0].created > 0);
    const broken = decodeStream(["{not json"]);
    assert.equal(broken.length, 1);
    assert.equal(broken[0].type, "error");
  });
});

// ---------------------------------------------------------------------------------------------
// Stream encoder
// ---------------------------------------------------------------------------------------------

const toolStreamEvents: IRStreamEvent[] = [
  { type: "start", id: "chatcmpl-xyz", model: "upstream-model", created: 1700000000 },
  { type: "reasoning", delta: "Let me " },
  { type: "reasoning", delta: "check." },
  { type: "reasoning_signature", signature: "sig-1" },
  { type: "text", delta: "Checking " },
  { type: "text", delta: "both." },
  { type: "tool_call_start", index: 0, id: "call_0", name: "get_weather" },
  { type: "tool_call_delta", index: 0, argsDelta: '{"location":' },
  { type: "tool_call_delta", index: 0, argsDelta: '"Paris"}' },
  { type: "tool_call_end", index: 0 },
  { type: "tool_call_start", index: 1, id: "call_1", name: "get_weather", signature: "gsig" },
  { type: "tool_call_delta", index: 1, argsDelta: '{"location":"Lyon"}' },
  { type: "tool_call_end", index: 1 },
  { type: "usage", usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 } },
  { type: "finish", reason: "tool_calls" },
];

describe("openai-chat stream encoder", () => {
  test("emits the exact chunk sequence the SDK expects", () => {
    const payloads = sseData(encodeStream(toolStreamEvents, true));
    assert.equal(payloads.at(-1), "[DONE]");
    const chunks = payloads.slice(0, -1).map((p) => JSON.parse(p));
    for (const c of chunks) {
      assert.equal(c.id, "chatcmpl-xyz");
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.created, 1700000000);
      assert.equal(c.model, "client-model");
    }
    const deltas = chunks.slice(0, -1).map((c) => c.choices[0].delta);
    assert.deepEqual(deltas, [
      { role: "assistant", content: "" },
      { reasoning_content: "Let me " },
      { reasoning_content: "check." },
      {
        reasoning_details: [{ type: "reasoning.text", text: "Let me check.", signature: "sig-1", index: 0 }],
      },
      { content: "Checking " },
      { content: "both." },
      {
        tool_calls: [
          { index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      {
        tool_calls: [
          {
            index: 1,
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: "" },
            extra_content: { google: { thought_signature: "gsig" } },
          },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{"location":"Lyon"}' } }] },
      {},
    ]);
    const finishes = chunks.slice(0, -1).map((c) => c.choices[0].finish_reason);
    assert.deepEqual(finishes, [...Array(11).fill(null), "tool_calls"]);
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.deepEqual(chunks.at(-1).usage, {
      prompt_tokens: 50,
      completion_tokens: 20,
      total_tokens: 70,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });

  test("no usage chunk unless the client asked for it", () => {
    const payloads = sseData(encodeStream(toolStreamEvents, false));
    assert.equal(payloads.at(-1), "[DONE]");
    assert.equal(JSON.parse(payloads.at(-2) as string).choices[0].finish_reason, "tool_calls");
    assert.ok(payloads.slice(0, -1).every((p) => JSON.parse(p).usage === undefined));
  });

  test("an error ends the stream with an error frame and no [DONE]", () => {
    const text = encodeStream(
      [
        { type: "start", id: "c", model: "m", created: 1 },
        { type: "text", delta: "partial" },
        { type: "error", status: 529, errorType: "overloaded_error", message: "Overloaded" },
        { type: "text", delta: "after" },
      ],
      true,
    );
    const payloads = sseData(text);
    assert.equal(payloads.length, 3);
    assert.deepEqual(JSON.parse(payloads[2]), {
      error: { message: "Overloaded", type: "overloaded_error", param: null, code: null },
    });
  });

  test("a stream without start or finish still opens with the role and closes with a finish_reason", () => {
    const chunks = sseData(encodeStream([{ type: "text", delta: "hi" }], false))
      .slice(0, -1)
      .map((p) => JSON.parse(p));
    assert.deepEqual(
      chunks.map((c) => [c.choices[0].delta, c.choices[0].finish_reason]),
      [
        [{ role: "assistant", content: "" }, null],
        [{ content: "hi" }, null],
        [{}, "stop"],
      ],
    );
    assert.ok(chunks[0].id.startsWith("chatcmpl-"));
  });

  test("encoder output decodes back to the same IR events", () => {
    const decoded = decodeStream(sseData(encodeStream(toolStreamEvents, true)));
    assert.deepEqual(decoded, [
      { ...toolStreamEvents[0], model: "client-model" },
      // The signed detail repeats the text, which the decoder takes from reasoning_details.
      ...toolStreamEvents.slice(1, 3),
      { type: "reasoning", delta: "Let me check." },
      ...toolStreamEvents.slice(3),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The official SDK against our encoders, over a real loopback server
// ---------------------------------------------------------------------------------------------

describe("openai SDK accepts the encoder output", () => {
  let server: Server;
  let client: OpenAI;
  let handler: (req: IncomingMessage, body: any, res: ServerResponse) => void = () => {};

  before(async () => {
    server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (part: string) => {
        raw += part;
      });
      req.on("end", () => handler(req, JSON.parse(raw), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: "test", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Serves `events` through our stream encoder after decoding the SDK's request with our decoder. */
  function serveStream(events: IRStreamEvent[], seen: IRRequest[]): void {
    handler = (_req, body, res) => {
      const ir = codec.decodeRequest(body);
      seen.push(ir);
      res.writeHead(200, { "content-type": "text/event-stream" });
      const encoder = codec.createStreamEncoder({ model: body.model, includeUsage: ir.includeUsage });
      for (const event of events) res.write(encoder.encode(event));
      res.end(encoder.end());
    };
  }

  test("chat.completions.stream().finalChatCompletion() accumulates text and parallel tool calls", async () => {
    const seen: IRRequest[] = [];
    serveStream(toolStreamEvents, seen);
    const stream = client.chat.completions.stream({
      model: "my-model",
      messages: [{ role: "user", content: "Weather in Paris and Lyon?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: weatherParameters } }],
      stream_options: { include_usage: true },
    });
    const contentDeltas: string[] = [];
    stream.on("content", (delta) => contentDeltas.push(delta));
    const completion = await stream.finalChatCompletion();
    assert.equal(seen[0].stream, true);
    assert.equal(seen[0].includeUsage, true);
    assert.equal(seen[0].tools?.[0].name, "get_weather");
    assert.deepEqual(contentDeltas, ["Checking ", "both."]);
    assert.equal(completion.id, "chatcmpl-xyz");
    assert.equal(completion.model, "my-model");
    const choice = completion.choices[0];
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.role, "assistant");
    assert.equal(choice.message.content, "Checking both.");
    assert.deepEqual(
      choice.message.tool_calls?.map((c) =>
        c.type === "function" ? [c.id, c.function.name, c.function.arguments] : [],
      ),
      [
        ["call_0", "get_weather", '{"location":"Paris"}'],
        ["call_1", "get_weather", '{"location":"Lyon"}'],
      ],
    );
    assert.deepEqual(completion.usage, {
      prompt_tokens: 50,
      completion_tokens: 20,
      total_tokens: 70,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    // The signed reasoning block survives the SDK's accumulation whole, ready to be sent back.
    const details = (choice.message as any).reasoning_details;
    assert.deepEqual(details, [
      { type: "reasoning.text", text: "Let me check.", signature: "sig-1", index: 0 },
    ]);
    assert.deepEqual(
      codec.decodeRequest({ model: "m", messages: [choice.message] }).messages[0].content.slice(0, 1),
      [{ type: "reasoning", text: "Let me check.", signature: "sig-1" }],
    );
  });

  test("create({stream: true}) iterates chunks whose content concatenates to the text", async () => {
    serveStream(
      [
        { type: "start", id: "chatcmpl-1", model: "x", created: 5 },
        { type: "text", delta: "Hel" },
        { type: "text", delta: "lo" },
        { type: "finish", reason: "length" },
      ],
      [],
    );
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let finish: string | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? "";
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, "Hello");
    assert.equal(finish, "length");
  });

  test("an error mid-stream makes the SDK throw APIError", async () => {
    serveStream(
      [
        { type: "start", id: "c", model: "x", created: 5 },
        { type: "text", delta: "partial" },
        { type: "error", status: 500, errorType: "server_error", message: "upstream exploded" },
      ],
      [],
    );
    const stream = client.chat.completions.stream({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    await assert.rejects(stream.finalChatCompletion(), (err: unknown) => {
      assert.ok(err instanceof APIError);
      assert.match(err.message, /upstream exploded/);
      return true;
    });
  });

  test("non-stream: SDK request decodes, encoded completion parses", async () => {
    const seen: IRRequest[] = [];
    handler = (_req, body, res) => {
      seen.push(codec.decodeRequest(body));
      const answer = codec.encodeResponse(codec.decodeResponse(documentedResponse), { model: body.model });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    };
    const completion = await client.chat.completions.create({
      model: "alias",
      messages: [
        { role: "developer", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } },
          ],
        },
      ],
      max_completion_tokens: 64,
      reasoning_effort: "low",
      response_format: { type: "json_object" },
    });
    assert.deepEqual(seen[0].system, [{ type: "text", text: "Be brief." }]);
    assert.deepEqual(seen[0].messages[0].content[1], {
      type: "image",
      mediaType: "image/png",
      data: PNG_B64,
    });
    assert.equal(seen[0].maxTokens, 64);
    assert.deepEqual(seen[0].reasoning, { effort: "low" });
    assert.equal(completion.model, "alias");
    assert.equal(completion.choices[0].finish_reason, "tool_calls");
    const call = completion.choices[0].message.tool_calls?.[0];
    assert.ok(call?.type === "function");
    assert.equal(call.function.name, "get_current_weather");
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 1024);
  });
});
