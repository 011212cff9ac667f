import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { z } from "zod";
import type { IRRequest, IRResponse, IRStreamEvent, SSEMessage } from "../../src/protocols/ir.ts";
import { openaiResponsesCodec as codec } from "../../src/protocols/openai-responses/index.ts";
import { ProxyError } from "../../src/server/errors.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PDF = "JVBERi0xLjQKJcfsj6IK";
const ENCRYPTED = "gAAAAABoISQ24OyVRYbkYfukXyvUJWUAIm_F6kOb_Y8W4EAFvsFpg7fnc3ZX2hAW1n6dKY1u4CqLs4w_C";
const WEATHER_SCHEMA = {
  type: "object",
  properties: { location: { type: "string" } },
  required: ["location"],
  additionalProperties: false,
};

/** A Codex-style request using every feature the codec translates, after the Responses API docs. */
function fullRequest(): Record<string, any> {
  return {
    model: "gpt-5-codex",
    instructions: "You are a coding agent.",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Sandbox: read-only." }] },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "What is the weather in Paris and Rome? See the photos." },
          { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
          { type: "input_image", image_url: "https://example.com/sky.jpg" },
          { type: "input_file", filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF}` },
          { type: "input_file", file_url: "https://example.com/a.pdf" },
        ],
      },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "**Planning**\n\nCall the tool twice." }],
        encrypted_content: ENCRYPTED,
      },
      { role: "assistant", content: "Checking both cities." },
      {
        type: "function_call",
        id: "fc_1",
        call_id: "call_A",
        name: "get_weather",
        arguments: '{"location":"Paris"}',
      },
      {
        type: "function_call",
        id: "fc_2",
        call_id: "call_B",
        name: "get_weather",
        arguments: '{"location":"Rome"}',
      },
      { type: "function_call_output", call_id: "call_A", output: "18C, sunny" },
      {
        type: "function_call_output",
        call_id: "call_B",
        output: [
          { type: "input_text", text: "radar:" },
          { type: "input_image", image_url: `data:image/png;base64,${PNG}` },
        ],
      },
      { type: "message", role: "user", content: "Which is warmer?" },
      { type: "custom_tool_call", call_id: "call_X", name: "apply_patch", input: "*** Begin Patch" },
      { type: "custom_tool_call_output", call_id: "call_X", output: "done" },
    ],
    tools: [
      {
        type: "function",
        name: "get_weather",
        description: "Current weather",
        parameters: WEATHER_SCHEMA,
        strict: true,
      },
      { type: "web_search" },
      { type: "custom", name: "apply_patch", description: "patch files" },
    ],
    tool_choice: "required",
    parallel_tool_calls: true,
    max_output_tokens: 2048,
    temperature: 0.2,
    top_p: 0.9,
    reasoning: { effort: "high", summary: "auto" },
    text: {
      format: { type: "json_schema", name: "weather", schema: WEATHER_SCHEMA, strict: true },
      verbosity: "low",
    },
    include: ["reasoning.encrypted_content"],
    store: false,
    stream: true,
    previous_response_id: "resp_ignored",
    metadata: { user_id: "user-42" },
  };
}

function expectedIR(): IRRequest {
  return {
    model: "gpt-5-codex",
    system: [
      { type: "text", text: "You are a coding agent." },
      { type: "text", text: "Sandbox: read-only." },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is the weather in Paris and Rome? See the photos." },
          { type: "image", mediaType: "image/png", data: PNG },
          { type: "image", url: "https://example.com/sky.jpg" },
          { type: "file", mediaType: "application/pdf", data: PDF, filename: "report.pdf" },
          {
            type: "file",
            mediaType: "application/pdf",
            url: "https://example.com/a.pdf",
            filename: undefined,
          },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "**Planning**\n\nCall the tool twice.", signature: ENCRYPTED },
          { type: "text", text: "Checking both cities." },
          { type: "tool_call", id: "call_A", name: "get_weather", arguments: '{"location":"Paris"}' },
          { type: "tool_call", id: "call_B", name: "get_weather", arguments: '{"location":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            toolCallId: "call_A",
            name: "get_weather",
            content: [{ type: "text", text: "18C, sunny" }],
          },
          {
            type: "tool_result",
            toolCallId: "call_B",
            name: "get_weather",
            content: [
              { type: "text", text: "radar:" },
              { type: "image", mediaType: "image/png", data: PNG },
            ],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Which is warmer?" }] },
    ],
    tools: [
      { name: "get_weather", description: "Current weather", parameters: WEATHER_SCHEMA, strict: true },
    ],
    toolChoice: { type: "required" },
    parallelToolCalls: true,
    maxTokens: 2048,
    temperature: 0.2,
    topP: 0.9,
    reasoning: { effort: "high", includeThoughts: true },
    responseFormat: { type: "json_schema", name: "weather", schema: WEATHER_SCHEMA, strict: true },
    stream: true,
    user: "user-42",
  };
}

function assertBadRequest(body: unknown, field: string): void {
  assert.throws(
    () => codec.decodeRequest(body),
    (err: unknown) =>
      err instanceof ProxyError &&
      err.status === 400 &&
      err.type === "invalid_request_error" &&
      err.message.includes(field),
  );
}

describe("openai-responses request", () => {
  test("decodes every feature of a Codex-style request", () => {
    assert.deepEqual(codec.decodeRequest(fullRequest()), expectedIR());
  });

  test("a string input is one user turn; tool_choice objects and allowed_tools map", () => {
    const ir = codec.decodeRequest({
      model: "gpt-4.1",
      input: "Hello",
      tool_choice: { type: "function", name: "get_weather" },
    });
    assert.deepEqual(ir.messages, [{ role: "user", content: [{ type: "text", text: "Hello" }] }]);
    assert.deepEqual(ir.toolChoice, { type: "tool", name: "get_weather" });
    assert.equal(ir.stream, false);
    const allowed = codec.decodeRequest({
      model: "m",
      input: "x",
      tool_choice: { type: "allowed_tools", mode: "auto" },
    });
    assert.deepEqual(allowed.toolChoice, { type: "auto" });
    assert.deepEqual(codec.decodeRequest({ model: "m", input: "x", tool_choice: "none" }).toolChoice, {
      type: "none",
    });
  });

  test("rejects bodies that are not Responses requests, naming the field", () => {
    assertBadRequest([], "body");
    assertBadRequest({ input: "hi" }, "model");
    assertBadRequest({ model: "m", input: 5 }, "input");
    assertBadRequest({ model: "m", input: [{ role: "tool", content: "x" }] }, "input[0].role");
    assertBadRequest({ model: "m", input: ["hi"] }, "input[0]");
    assertBadRequest(
      { model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] },
      "input[0].call_id",
    );
    assertBadRequest(
      { model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] },
      "input[0].content[0].file_id",
    );
    assertBadRequest({ model: "m", input: "x", tools: {} }, "tools");
    assertBadRequest({ model: "m", input: "x", tools: [{ type: "function" }] }, "tools[0].name");
    assertBadRequest({ model: "m", input: "x", tool_choice: "sometimes" }, "tool_choice");
    assertBadRequest({ model: "m", input: "x", max_output_tokens: "many" }, "max_output_tokens");
    assertBadRequest({ model: "m", input: "x", reasoning: { effort: "huge" } }, "reasoning.effort");
    assertBadRequest({ model: "m", input: "x", text: { format: { type: "yaml" } } }, "text.format.type");
    assertBadRequest({ model: "m", instructions: 3 }, "instructions");
  });

  test("encodes IR for a stateless upstream", () => {
    const ir = expectedIR();
    ir.stop = ["END"];
    ir.topK = 40;
    ir.tools = [{ name: "get_weather", parameters: WEATHER_SCHEMA }];
    ir.messages[1].content.push({ type: "reasoning", text: "no signature, cannot be replayed" });
    ir.messages[1].content.push({ type: "reasoning", text: "", redacted: "EmwKAhgB" });
    const body = codec.encodeRequest(ir, "gpt-5");
    assert.equal(body.model, "gpt-5");
    assert.equal(body.instructions, "You are a coding agent.\n\nSandbox: read-only.");
    assert.deepEqual(body.input, [
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "What is the weather in Paris and Rome? See the photos." },
          { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
          { type: "input_image", image_url: "https://example.com/sky.jpg", detail: "auto" },
          { type: "input_file", filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF}` },
          { type: "input_file", file_url: "https://example.com/a.pdf" },
        ],
      },
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "**Planning**\n\nCall the tool twice." }],
        encrypted_content: ENCRYPTED,
      },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Checking both cities." }],
      },
      { type: "function_call", call_id: "call_A", name: "get_weather", arguments: '{"location":"Paris"}' },
      { type: "function_call", call_id: "call_B", name: "get_weather", arguments: '{"location":"Rome"}' },
      { type: "function_call_output", call_id: "call_A", output: "18C, sunny" },
      {
        type: "function_call_output",
        call_id: "call_B",
        output: [
          { type: "input_text", text: "radar:" },
          { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Which is warmer?" }] },
    ]);
    // strict must be explicit: the Responses API would otherwise enforce strict schemas.
    assert.deepEqual(body.tools, [
      { type: "function", name: "get_weather", description: null, parameters: WEATHER_SCHEMA, strict: false },
    ]);
    assert.equal(body.tool_choice, "required");
    assert.equal(body.parallel_tool_calls, true);
    assert.equal(body.max_output_tokens, 2048);
    assert.equal(body.temperature, 0.2);
    assert.equal(body.top_p, 0.9);
    assert.deepEqual(body.reasoning, { effort: "high", summary: "auto" });
    assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
    assert.deepEqual(body.text, {
      format: { type: "json_schema", name: "weather", schema: WEATHER_SCHEMA, strict: true },
    });
    assert.equal(body.store, false);
    assert.equal(body.stream, true);
    assert.equal(body.user, "user-42");
    for (const key of ["stop", "top_k", "previous_response_id"]) assert.equal(key in body, false, key);
  });

  test("reasoning settings: budgets become efforts; include only when reasoning is in play", () => {
    const base: IRRequest = { model: "m", system: [], messages: [], stream: false };
    const plain = codec.encodeRequest(base, "gpt-4.1");
    assert.equal("reasoning" in plain, false);
    assert.equal("include" in plain, false);
    assert.deepEqual(plain.input, []);
    const cases: Array<[IRRequest["reasoning"], unknown, boolean]> = [
      [{ budgetTokens: 1024 }, { effort: "low" }, true],
      [{ budgetTokens: 8192 }, { effort: "medium" }, true],
      [{ budgetTokens: 32000 }, { effort: "high" }, true],
      [{ budgetTokens: 0 }, { effort: "none" }, false],
      [{ effort: "none" }, { effort: "none" }, false],
      [{ effort: "max" }, { effort: "xhigh" }, true],
      [{ effort: "auto", includeThoughts: true }, { summary: "auto" }, true],
      [{ budgetTokens: -1 }, undefined, false],
    ];
    for (const [reasoning, expected, include] of cases) {
      const body = codec.encodeRequest({ ...base, reasoning }, "gpt-5");
      assert.deepEqual(body.reasoning, expected, JSON.stringify(reasoning));
      assert.equal("include" in body, include, JSON.stringify(reasoning));
    }
    const roundTrip = codec.decodeRequest(
      codec.encodeRequest({ ...base, reasoning: { effort: "minimal" } }, "m"),
    );
    assert.deepEqual(roundTrip.reasoning, { effort: "minimal" });
  });

  test("encode then decode keeps the conversation", () => {
    const ir = expectedIR();
    const back = codec.decodeRequest(codec.encodeRequest(ir, "gpt-5-codex"));
    // instructions arrive joined; the file URL has no name to carry.
    assert.deepEqual(back.messages, ir.messages);
    assert.deepEqual(back.system, [{ type: "text", text: "You are a coding agent.\n\nSandbox: read-only." }]);
    assert.deepEqual(back.tools, [{ ...ir.tools![0], strict: true }]);
    for (const key of [
      "toolChoice",
      "parallelToolCalls",
      "maxTokens",
      "temperature",
      "topP",
      "reasoning",
      "responseFormat",
      "stream",
      "user",
    ] as const) {
      assert.deepEqual(back[key], ir[key], key);
    }
  });
});

/** A documented non-stream response: reasoning, text and a function call. */
function upstreamResponse(): Record<string, any> {
  return {
    id: "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41",
    object: "response",
    created_at: 1741476777,
    status: "completed",
    error: null,
    incomplete_details: null,
    model: "o4-mini-2025-04-16",
    output: [
      {
        type: "reasoning",
        id: "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7",
        summary: [
          { type: "summary_text", text: "**Looking up weather**" },
          { type: "summary_text", text: "Paris first." },
        ],
        encrypted_content: ENCRYPTED,
      },
      {
        type: "message",
        id: "msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Let me check.", annotations: [] }],
      },
      {
        type: "function_call",
        id: "fc_12345xyz",
        call_id: "call_12345xyz",
        name: "get_weather",
        arguments: '{"location":"Paris, France"}',
        status: "completed",
      },
    ],
    parallel_tool_calls: true,
    usage: {
      input_tokens: 328,
      input_tokens_details: { cached_tokens: 128 },
      output_tokens: 52,
      output_tokens_details: { reasoning_tokens: 20 },
      total_tokens: 380,
    },
  };
}

describe("openai-responses response", () => {
  test("decodes output items, finish reason and usage", () => {
    assert.deepEqual(codec.decodeResponse(upstreamResponse()), {
      id: "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41",
      model: "o4-mini-2025-04-16",
      created: 1741476777,
      content: [
        { type: "reasoning", text: "**Looking up weather**\n\nParis first.", signature: ENCRYPTED },
        { type: "text", text: "Let me check." },
        {
          type: "tool_call",
          id: "call_12345xyz",
          name: "get_weather",
          arguments: '{"location":"Paris, France"}',
        },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 328, outputTokens: 52, cachedInputTokens: 128, reasoningTokens: 20 },
    });
  });

  test("incomplete responses map to length or content_filter", () => {
    const body: Record<string, any> = { ...upstreamResponse(), status: "incomplete", output: [] };
    body.incomplete_details = { reason: "max_output_tokens" };
    assert.equal(codec.decodeResponse(body).finishReason, "length");
    body.incomplete_details = { reason: "content_filter" };
    assert.equal(codec.decodeResponse(body).finishReason, "content_filter");
    assert.throws(
      () => codec.decodeResponse("nope"),
      (e: unknown) => e instanceof ProxyError && e.status === 502,
    );
  });

  test("encodes a full response object under the client's model name", () => {
    const res: IRResponse = {
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      model: "claude-sonnet-4-5",
      created: 1741476777,
      content: [
        { type: "reasoning", text: "Think.", signature: "sig-1" },
        { type: "text", text: "Hello " },
        { type: "text", text: "world" },
        {
          type: "tool_call",
          id: "toolu_1",
          name: "get_weather",
          arguments: '{"location":"Paris"}',
          signature: "g-sig",
        },
        { type: "image", mediaType: "image/png", data: PNG },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 },
    };
    const request = codec.decodeRequest({
      model: "my-alias",
      input: "hi",
      instructions: "Be brief.",
      max_output_tokens: 99,
    });
    const body = codec.encodeResponse(res, { model: "my-alias", request }) as Record<string, any>;
    assert.equal(body.id, "resp_msg_01XFDUDYJgAACzvnptvVoYEL");
    assert.equal(body.object, "response");
    assert.equal(body.status, "completed");
    assert.equal(body.model, "my-alias");
    assert.equal(body.instructions, "Be brief.");
    assert.equal(body.max_output_tokens, 99);
    assert.deepEqual(
      body.output.map((item: any) => item.type),
      ["reasoning", "message", "reasoning", "function_call", "image_generation_call"],
    );
    assert.match(body.output[0].id, /^rs_/);
    assert.deepEqual(body.output[0].summary, [{ type: "summary_text", text: "Think." }]);
    assert.equal(body.output[0].encrypted_content, "sig-1");
    assert.deepEqual(body.output[1].content, [
      { type: "output_text", text: "Hello ", annotations: [] },
      { type: "output_text", text: "world", annotations: [] },
    ]);
    assert.deepEqual(body.output[2].summary, []);
    assert.equal(body.output[2].encrypted_content, "g-sig");
    assert.equal(body.output[3].call_id, "toolu_1");
    assert.match(body.output[3].id, /^fc_/);
    assert.deepEqual(body.usage, {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 15,
    });
    const back = codec.decodeResponse(body);
    assert.deepEqual(back.content, [
      { type: "reasoning", text: "Think.", signature: "sig-1" },
      { type: "text", text: "Hello " },
      { type: "text", text: "world" },
      { type: "reasoning", text: "", signature: "g-sig" },
      { type: "tool_call", id: "toolu_1", name: "get_weather", arguments: '{"location":"Paris"}' },
      { type: "image", mediaType: "image/png", data: PNG },
    ]);
    assert.equal(back.finishReason, "tool_calls");
    assert.deepEqual(back.usage, res.usage);
  });

  test("finish reasons become status and incomplete_details", () => {
    const res: IRResponse = {
      id: "x",
      model: "m",
      created: 1,
      content: [{ type: "text", text: "cut" }],
      finishReason: "length",
    };
    const body = codec.encodeResponse(res, { model: "m" }) as Record<string, any>;
    assert.equal(body.status, "incomplete");
    assert.deepEqual(body.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(codec.decodeResponse(body).finishReason, "length");
    const filtered = codec.encodeResponse({ ...res, finishReason: "content_filter" }, { model: "m" }) as any;
    assert.equal(codec.decodeResponse(filtered).finishReason, "content_filter");
    const stopped = codec.encodeResponse({ ...res, finishReason: "stop" }, { model: "m" }) as any;
    assert.equal(stopped.status, "completed");
    assert.equal(stopped.incomplete_details, null);
  });
});

function sse(type: string, body: Record<string, unknown>): SSEMessage {
  return { event: type, data: JSON.stringify({ type, ...body }) };
}

function decodeAll(messages: SSEMessage[], endStream = true): IRStreamEvent[] {
  const decoder = codec.createStreamDecoder();
  const out: IRStreamEvent[] = [];
  for (const m of messages) decoder.push(m, out);
  if (endStream) decoder.end(out);
  return out;
}

const RESPONSE_SHELL = {
  id: "resp_abc",
  object: "response",
  created_at: 1741290958,
  model: "gpt-5",
  output: [],
};

/** A documented reasoning + text + two fragmented function calls stream. */
function upstreamStream(): SSEMessage[] {
  const rs = { item_id: "rs_1", output_index: 0 };
  const msg = { item_id: "msg_1", output_index: 1, content_index: 0 };
  return [
    sse("response.created", { sequence_number: 0, response: { ...RESPONSE_SHELL, status: "in_progress" } }),
    sse("response.in_progress", {
      sequence_number: 1,
      response: { ...RESPONSE_SHELL, status: "in_progress" },
    }),
    sse("response.output_item.added", {
      output_index: 0,
      item: { id: "rs_1", type: "reasoning", summary: [] },
    }),
    sse("response.reasoning_summary_part.added", {
      ...rs,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    }),
    sse("response.reasoning_summary_text.delta", { ...rs, summary_index: 0, delta: "**Plan**" }),
    sse("response.reasoning_summary_text.done", { ...rs, summary_index: 0, text: "**Plan**" }),
    sse("response.reasoning_summary_part.added", {
      ...rs,
      summary_index: 1,
      part: { type: "summary_text", text: "" },
    }),
    sse("response.reasoning_summary_text.delta", { ...rs, summary_index: 1, delta: "Call " }),
    sse("response.reasoning_summary_text.delta", { ...rs, summary_index: 1, delta: "tools." }),
    sse("response.reasoning_summary_text.done", { ...rs, summary_index: 1, text: "Call tools." }),
    sse("response.output_item.done", {
      output_index: 0,
      item: {
        id: "rs_1",
        type: "reasoning",
        summary: [
          { type: "summary_text", text: "**Plan**" },
          { type: "summary_text", text: "Call tools." },
        ],
        encrypted_content: ENCRYPTED,
      },
    }),
    sse("response.output_item.added", {
      output_index: 1,
      item: { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] },
    }),
    sse("response.content_part.added", { ...msg, part: { type: "output_text", text: "", annotations: [] } }),
    sse("response.output_text.delta", { ...msg, delta: "Hi" }),
    sse("response.output_text.delta", { ...msg, delta: " there" }),
    sse("response.output_text.done", { ...msg, text: "Hi there" }),
    sse("response.content_part.done", {
      ...msg,
      part: { type: "output_text", text: "Hi there", annotations: [] },
    }),
    sse("response.output_item.done", {
      output_index: 1,
      item: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Hi there" }],
      },
    }),
    sse("response.output_item.added", {
      output_index: 2,
      item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: "" },
    }),
    sse("response.output_item.added", {
      output_index: 3,
      item: { type: "function_call", id: "fc_2", call_id: "call_2", name: "get_time", arguments: "" },
    }),
    sse("response.function_call_arguments.delta", { item_id: "fc_1", output_index: 2, delta: '{"loca' }),
    sse("response.function_call_arguments.delta", {
      item_id: "fc_2",
      output_index: 3,
      delta: '{"tz":"CET"}',
    }),
    sse("response.function_call_arguments.delta", {
      item_id: "fc_1",
      output_index: 2,
      delta: 'tion":"Paris"}',
    }),
    sse("response.function_call_arguments.done", {
      item_id: "fc_1",
      output_index: 2,
      arguments: '{"location":"Paris"}',
    }),
    sse("response.output_item.done", {
      output_index: 2,
      item: {
        type: "function_call",
        id: "fc_1",
        call_id: "call_1",
        name: "get_weather",
        arguments: '{"location":"Paris"}',
      },
    }),
    sse("response.function_call_arguments.done", {
      item_id: "fc_2",
      output_index: 3,
      arguments: '{"tz":"CET"}',
    }),
    sse("response.output_item.done", {
      output_index: 3,
      item: {
        type: "function_call",
        id: "fc_2",
        call_id: "call_2",
        name: "get_time",
        arguments: '{"tz":"CET"}',
      },
    }),
    sse("response.completed", {
      response: {
        ...RESPONSE_SHELL,
        status: "completed",
        usage: {
          input_tokens: 37,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 11,
          output_tokens_details: { reasoning_tokens: 5 },
          total_tokens: 48,
        },
      },
    }),
  ];
}

describe("openai-responses stream decoder", () => {
  test("decodes reasoning with signature, text and interleaved fragmented tool calls", () => {
    assert.deepEqual(decodeAll(upstreamStream()), [
      { type: "start", id: "resp_abc", model: "gpt-5", created: 1741290958 },
      { type: "reasoning", delta: "**Plan**" },
      { type: "reasoning", delta: "\n\nCall " },
      { type: "reasoning", delta: "tools." },
      { type: "reasoning_signature", signature: ENCRYPTED },
      { type: "text", delta: "Hi" },
      { type: "text", delta: " there" },
      { type: "tool_call_start", index: 0, id: "call_1", name: "get_weather" },
      { type: "tool_call_start", index: 1, id: "call_2", name: "get_time" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"loca' },
      { type: "tool_call_delta", index: 1, argsDelta: '{"tz":"CET"}' },
      { type: "tool_call_delta", index: 0, argsDelta: 'tion":"Paris"}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_end", index: 1 },
      {
        type: "usage",
        usage: { inputTokens: 37, outputTokens: 11, cachedInputTokens: 0, reasoningTokens: 5 },
      },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("a function call carried only by output_item.done, and text only by .done events", () => {
    const events = decodeAll([
      sse("response.created", { response: RESPONSE_SHELL }),
      sse("response.output_text.done", {
        item_id: "m",
        output_index: 0,
        content_index: 0,
        text: "whole text",
      }),
      sse("response.output_item.done", {
        output_index: 0,
        item: {
          type: "message",
          id: "m",
          role: "assistant",
          content: [{ type: "output_text", text: "whole text" }],
        },
      }),
      sse("response.output_item.done", {
        output_index: 1,
        item: {
          type: "function_call",
          id: "fc",
          call_id: "call_9",
          name: "shell",
          arguments: '{"cmd":"ls"}',
        },
      }),
      { data: "[DONE]" },
    ]);
    assert.deepEqual(events.slice(1), [
      { type: "text", delta: "whole text" },
      { type: "tool_call_start", index: 0, id: "call_9", name: "shell" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"cmd":"ls"}' },
      { type: "tool_call_end", index: 0 },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("a stream that only sends response.completed replays its output", () => {
    const full = upstreamResponse();
    const events = decodeAll([sse("response.completed", { response: full })]);
    assert.deepEqual(events, [
      { type: "start", id: full.id, model: full.model, created: full.created_at },
      { type: "reasoning", delta: "**Looking up weather**\n\nParis first." },
      { type: "reasoning_signature", signature: ENCRYPTED },
      { type: "text", delta: "Let me check." },
      { type: "tool_call_start", index: 0, id: "call_12345xyz", name: "get_weather" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"location":"Paris, France"}' },
      { type: "tool_call_end", index: 0 },
      {
        type: "usage",
        usage: { inputTokens: 328, outputTokens: 52, cachedInputTokens: 128, reasoningTokens: 20 },
      },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("response.incomplete finishes with length", () => {
    const events = decodeAll([
      sse("response.created", { response: RESPONSE_SHELL }),
      sse("response.output_text.delta", { item_id: "m", output_index: 0, content_index: 0, delta: "par" }),
      sse("response.incomplete", {
        response: {
          ...RESPONSE_SHELL,
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
        },
      }),
    ]);
    assert.deepEqual(events.at(-1), { type: "finish", reason: "length" });
    assert.equal(events.filter((e) => e.type === "finish").length, 1);
  });

  test("response.failed and error events become IR errors and end the stream", () => {
    const failed = decodeAll([
      sse("response.created", { response: RESPONSE_SHELL }),
      sse("response.failed", {
        response: {
          ...RESPONSE_SHELL,
          status: "failed",
          error: { code: "rate_limit_exceeded", message: "Slow down" },
        },
      }),
      sse("response.output_text.delta", { output_index: 0, delta: "ignored" }),
    ]);
    assert.deepEqual(failed.slice(1), [
      { type: "error", status: 429, errorType: "rate_limit_error", message: "Slow down" },
    ]);
    const errored = decodeAll([sse("error", { code: "invalid_prompt", message: "Bad prompt", param: null })]);
    assert.deepEqual(errored, [
      { type: "error", status: 400, errorType: "invalid_request_error", message: "Bad prompt" },
    ]);
    const serverError = decodeAll([sse("error", { code: "server_error", message: "boom" })]);
    assert.deepEqual(serverError, [
      { type: "error", status: 500, errorType: "server_error", message: "boom" },
    ]);
  });

  test("end() closes calls still open and finishes a cut stream", () => {
    const events = decodeAll([
      sse("response.created", { response: RESPONSE_SHELL }),
      sse("response.output_item.added", {
        output_index: 0,
        item: { type: "function_call", id: "fc", call_id: "call_1", name: "f", arguments: "" },
      }),
      sse("response.function_call_arguments.delta", { output_index: 0, item_id: "fc", delta: '{"a":' }),
    ]);
    assert.deepEqual(events.slice(-2), [
      { type: "tool_call_end", index: 0 },
      { type: "finish", reason: "tool_calls" },
    ]);
    const empty = decodeAll([]);
    assert.deepEqual(
      empty.map((e) => e.type),
      ["start", "finish"],
    );
    assert.deepEqual(empty[1], { type: "finish", reason: "stop" });
  });
});

/** IR events of an Anthropic-like turn: thinking with signature, text, two parallel tool calls. */
function irTurn(): IRStreamEvent[] {
  return [
    { type: "start", id: "msg_01abc", model: "claude-sonnet-4-5", created: 1741290958 },
    { type: "reasoning", delta: "Let me " },
    { type: "reasoning", delta: "think." },
    { type: "reasoning_signature", signature: "sig-anthropic" },
    { type: "text", delta: "Checking " },
    { type: "text", delta: "the weather." },
    { type: "tool_call_start", index: 0, id: "toolu_1", name: "get_weather" },
    { type: "tool_call_delta", index: 0, argsDelta: '{"location":' },
    { type: "tool_call_start", index: 1, id: "toolu_2", name: "get_weather" },
    { type: "tool_call_delta", index: 1, argsDelta: '{"location":"Rome"}' },
    { type: "tool_call_delta", index: 0, argsDelta: '"Paris"}' },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_end", index: 1 },
    {
      type: "usage",
      usage: { inputTokens: 100, outputTokens: 40, cachedInputTokens: 20, reasoningTokens: 10 },
    },
    { type: "finish", reason: "tool_calls" },
  ];
}

function encodeAll(events: IRStreamEvent[], ctx = { model: "my-model" }): string {
  const encoder = codec.createStreamEncoder(ctx);
  let text = "";
  for (const event of events) text += encoder.encode(event);
  return text + encoder.end();
}

/** Splits SSE text into messages, checking each frame's `event:` matches its data `type`. */
function parseSse(text: string): Array<{ event: string; data: any }> {
  assert.ok(text.endsWith("\n\n"), "every frame ends with a blank line");
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split("\n");
      assert.equal(rest.length, 0);
      assert.ok(eventLine.startsWith("event: ") && dataLine.startsWith("data: "), frame);
      const data = JSON.parse(dataLine.slice(6));
      assert.equal(eventLine.slice(7), data.type);
      return { event: data.type, data };
    });
}

describe("openai-responses stream encoder", () => {
  test("emits the documented event order with consistent ids and indexes", () => {
    const frames = parseSse(encodeAll(irTurn()));
    assert.deepEqual(
      frames.map((f) => f.event),
      [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
      ],
    );
    frames.forEach((f, i) => {
      assert.equal(f.data.sequence_number, i);
    });
    const created = frames[0].data.response;
    assert.equal(created.id, "resp_msg_01abc");
    assert.equal(created.model, "my-model");
    assert.equal(created.status, "in_progress");
    // Every item event names the id and output_index its output_item.added announced.
    const items = new Map<number, string>();
    for (const { event, data } of frames) {
      if (event === "response.output_item.added") {
        assert.equal(items.has(data.output_index), false);
        items.set(data.output_index, data.item.id);
      } else if (event === "response.output_item.done") {
        assert.equal(data.item.id, items.get(data.output_index));
      } else if ("item_id" in data) {
        assert.equal(data.item_id, items.get(data.output_index), event);
      }
    }
    assert.deepEqual([...items.keys()], [0, 1, 2, 3]);
    const done = frames.filter((f) => f.event === "response.output_item.done").map((f) => f.data.item);
    assert.deepEqual(done[0].summary, [{ type: "summary_text", text: "Let me think." }]);
    assert.equal(done[0].encrypted_content, "sig-anthropic");
    assert.deepEqual(done[1].content, [
      { type: "output_text", text: "Checking the weather.", annotations: [] },
    ]);
    assert.equal(frames[13].data.text, "Checking the weather.");
    assert.equal(frames[21].data.arguments, '{"location":"Paris"}');
    assert.deepEqual(
      done.slice(2).map((item) => [item.call_id, item.arguments, item.status]),
      [
        ["toolu_1", '{"location":"Paris"}', "completed"],
        ["toolu_2", '{"location":"Rome"}', "completed"],
      ],
    );
    const completed = frames.at(-1)!.data.response;
    assert.equal(completed.status, "completed");
    assert.deepEqual(completed.output, done);
    assert.deepEqual(completed.usage, {
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 140,
    });
  });

  test("encoder output decodes back to the same IR events", () => {
    const decoded = decodeAll(
      parseSse(encodeAll(irTurn())).map((f) => ({ event: f.event, data: JSON.stringify(f.data) })),
    );
    const expected = irTurn();
    expected[0] = { type: "start", id: "resp_msg_01abc", model: "my-model", created: 1741290958 };
    // The decoder reports each call's arguments in its own order of arrival, then ends calls as items finish.
    assert.deepEqual(decoded, expected);
  });

  test("a length finish ends with response.incomplete", () => {
    const frames = parseSse(
      encodeAll([
        { type: "start", id: "resp_1", model: "m", created: 1 },
        { type: "text", delta: "cut sh" },
        { type: "finish", reason: "length" },
      ]),
    );
    const last = frames.at(-1)!;
    assert.equal(last.event, "response.incomplete");
    assert.equal(last.data.response.id, "resp_1");
    assert.deepEqual(last.data.response.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(last.data.response.output[0].content[0].text, "cut sh");
  });

  test("an error mid-stream ends with response.failed and no completed call", () => {
    const frames = parseSse(
      encodeAll([
        { type: "start", id: "resp_1", model: "m", created: 1 },
        { type: "text", delta: "partial" },
        { type: "tool_call_start", index: 0, id: "call_1", name: "shell" },
        { type: "tool_call_delta", index: 0, argsDelta: '{"cmd":' },
        { type: "error", status: 429, errorType: "rate_limit_error", message: "Too many requests" },
        { type: "text", delta: "ignored after the error" },
      ]),
    );
    const last = frames.at(-1)!;
    assert.equal(last.event, "response.failed");
    assert.equal(last.data.response.status, "failed");
    assert.deepEqual(last.data.response.error, { code: "rate_limit_exceeded", message: "Too many requests" });
    assert.equal(frames.filter((f) => f.event === "response.failed").length, 1);
    const doneTypes = frames
      .filter((f) => f.event === "response.output_item.done")
      .map((f) => f.data.item.type);
    assert.deepEqual(doneTypes, ["message"], "the half-streamed call is never reported as done");
    assert.deepEqual(decodeAll(frames.map((f) => ({ data: JSON.stringify(f.data) }))).at(-1), {
      type: "error",
      status: 429,
      errorType: "rate_limit_error",
      message: "Too many requests",
    });
  });

  test("content before start still opens the response; signature-only reasoning gets its own item", () => {
    const frames = parseSse(
      encodeAll([
        { type: "text", delta: "hi" },
        { type: "reasoning_signature", signature: "gemini-sig" },
        { type: "tool_call_start", index: 0, id: "c1", name: "f", signature: "call-sig" },
        { type: "tool_call_end", index: 0 },
      ]),
    );
    assert.equal(frames[0].event, "response.created");
    assert.match(frames[0].data.response.id, /^resp_/);
    const output = frames.at(-1)!.data.response.output;
    assert.deepEqual(
      output.map((item: any) => [item.type, item.encrypted_content ?? item.call_id ?? item.content[0].text]),
      [
        ["message", "hi"],
        ["reasoning", "gemini-sig"],
        ["reasoning", "call-sig"],
        ["function_call", "c1"],
      ],
    );
    assert.deepEqual(output[3].arguments, "");
  });
});

describe("openai-responses with the openai SDK", () => {
  let server: Server;
  let client: OpenAI;
  let reply: { status?: number; contentType: string; body: string } = { contentType: "text/plain", body: "" };
  let lastBody: any;

  before(async () => {
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk) => {
        raw += chunk;
      });
      req.on("end", () => {
        lastBody = JSON.parse(raw);
        res.writeHead(reply.status ?? 200, { "content-type": reply.contentType });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: "test-key", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function serveStream(events: IRStreamEvent[], request?: IRRequest): void {
    reply = {
      contentType: "text/event-stream",
      body: encodeAll(events, { model: "gpt-proxy", request } as any),
    };
  }

  test("responses.stream().finalResponse() accepts reasoning, text and parallel function calls", async () => {
    const params = {
      model: "gpt-proxy",
      input: "Weather in Paris and Rome?",
      reasoning: { effort: "high" as const, summary: "auto" as const },
      tools: [{ type: "function" as const, name: "get_weather", parameters: WEATHER_SCHEMA, strict: true }],
    };
    serveStream(irTurn(), codec.decodeRequest(params));
    const stream = client.responses.stream(params);
    const snapshots: string[] = [];
    stream.on("response.output_text.delta", (event) => snapshots.push(event.snapshot));
    const final = await stream.finalResponse();
    assert.equal(lastBody.stream, true);
    assert.deepEqual(snapshots, ["Checking ", "Checking the weather."]);
    assert.equal(final.status, "completed");
    assert.equal(final.model, "gpt-proxy");
    assert.equal(final.output_text, "Checking the weather.");
    assert.deepEqual(final.reasoning, { effort: "high", summary: "auto" });
    const [reasoning, message, call1, call2] = final.output as any[];
    assert.deepEqual(reasoning.summary, [{ type: "summary_text", text: "Let me think." }]);
    assert.equal(reasoning.encrypted_content, "sig-anthropic");
    assert.equal(message.content[0].text, "Checking the weather.");
    assert.deepEqual(
      [call1, call2].map((c) => [c.type, c.call_id, c.name, c.arguments]),
      [
        ["function_call", "toolu_1", "get_weather", '{"location":"Paris"}'],
        ["function_call", "toolu_2", "get_weather", '{"location":"Rome"}'],
      ],
    );
    // A strict tool makes the SDK JSON.parse the accumulated arguments.
    assert.deepEqual(
      [call1, call2].map((c) => c.parsed_arguments),
      [{ location: "Paris" }, { location: "Rome" }],
    );
    assert.equal(final.usage?.input_tokens_details.cached_tokens, 20);
    assert.equal(final.usage?.output_tokens_details.reasoning_tokens, 10);
  });

  test("responses.create({stream: true}) iterates every event", async () => {
    serveStream(irTurn());
    const stream = await client.responses.create({ model: "gpt-proxy", input: "hi", stream: true });
    const types: string[] = [];
    let argsDone = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.function_call_arguments.done" && argsDone === "")
        argsDone = event.arguments;
    }
    assert.equal(types[0], "response.created");
    assert.equal(types.at(-1), "response.completed");
    assert.equal(types.length, 26);
    assert.equal(argsDone, '{"location":"Paris"}');
  });

  test("a mid-stream error reaches the SDK as a failed response", async () => {
    serveStream([
      { type: "start", id: "resp_1", model: "m", created: 1 },
      { type: "text", delta: "partial" },
      { type: "error", status: 500, errorType: "server_error", message: "upstream exploded" },
    ]);
    const final = await client.responses.stream({ model: "gpt-proxy", input: "hi" }).finalResponse();
    assert.equal(final.status, "failed");
    assert.deepEqual(final.error, { code: "server_error", message: "upstream exploded" });
    assert.equal(final.output_text, "partial");
  });

  test("structured output parses through responses.stream with a zod json_schema format", async () => {
    const params = {
      model: "gpt-proxy",
      input: "weather?",
      text: { format: zodTextFormat(z.object({ location: z.string() }), "weather") },
    };
    const ir = codec.decodeRequest(JSON.parse(JSON.stringify(params)));
    assert.equal(ir.responseFormat?.type, "json_schema");
    serveStream(
      [
        { type: "start", id: "resp_2", model: "m", created: 1 },
        { type: "text", delta: '{"location":' },
        { type: "text", delta: '"Paris"}' },
        { type: "finish", reason: "stop" },
      ],
      ir,
    );
    const final = await client.responses.stream(params).finalResponse();
    assert.deepEqual(final.output_parsed, { location: "Paris" });
    // The response echoes the request's format, as the Responses API does.
    assert.equal((final.text as any).format.name, "weather");
  });

  test("non-stream responses.create() reads an encoded response", async () => {
    const res = codec.decodeResponse(upstreamResponse());
    reply = {
      contentType: "application/json",
      body: JSON.stringify(codec.encodeResponse(res, { model: "gpt-proxy" })),
    };
    const response = await client.responses.create({ model: "gpt-proxy", input: "hi" });
    assert.equal(response.output_text, "Let me check.");
    assert.equal(response.model, "gpt-proxy");
    assert.equal(response.usage?.total_tokens, 380);
    const call = response.output.find((item) => item.type === "function_call");
    assert.equal(call?.type === "function_call" && call.call_id, "call_12345xyz");
  });

  test("a full Codex-style request sent by the SDK decodes to the expected IR", async () => {
    serveStream([
      { type: "start", id: "resp_3", model: "m", created: 1 },
      { type: "text", delta: '{"location":"Paris"}' },
      { type: "finish", reason: "stop" },
    ]);
    const final = await client.responses.stream(fullRequest() as any).finalResponse();
    assert.deepEqual(final.output_parsed, { location: "Paris" });
    const { stream: _s, ...sent } = lastBody;
    assert.deepEqual({ ...codec.decodeRequest(sent), stream: true }, expectedIR());
  });
});
