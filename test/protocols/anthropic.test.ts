import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { anthropicCodec } from "../../src/protocols/anthropic/index.ts";
import { supportsAdaptiveThinking } from "../../src/protocols/anthropic/thinking.ts";
import type { IRRequest, IRResponse, IRStreamEvent, SSEMessage } from "../../src/protocols/ir.ts";
import { ProxyError } from "../../src/server/errors.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PDF = "JVBERi0xLjQKJcfsj6IK";
const SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

/** A request using every feature the codec translates, written after the Messages API docs. */
function fullRequest(): Record<string, any> {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 16000,
    system: [
      { type: "text", text: "You are a weather bot.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Answer briefly." },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is the weather in Paris and Rome? See the photos." },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/sky.jpg" } },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: PDF },
            title: "report",
          },
          { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "I should call the weather tool twice.", signature: SIGNATURE },
          { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
          { type: "text", text: "Checking both cities." },
          { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_01B", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_01A", content: "18C, sunny" },
          {
            type: "tool_result",
            tool_use_id: "toolu_01B",
            content: [{ type: "text", text: "service unavailable" }],
            is_error: true,
          },
          { type: "text", text: "Also, which is warmer?" },
        ],
      },
    ],
    tools: [
      {
        name: "get_weather",
        description: "Get the current weather in a given location",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { type: "web_search_20250305", name: "web_search", max_uses: 5 },
    ],
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    thinking: { type: "enabled", budget_tokens: 10000 },
    temperature: 1,
    top_p: 0.95,
    stop_sequences: ["\n\nHuman:"],
    metadata: { user_id: "user-42" },
    output_config: {
      format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } },
    },
    stream: true,
  };
}

describe("anthropic decodeRequest", () => {
  test("decodes every translated feature into the IR", () => {
    const ir = anthropicCodec.decodeRequest(fullRequest());
    assert.equal(ir.model, "claude-sonnet-4-5");
    assert.deepEqual(ir.system, [
      { type: "text", text: "You are a weather bot." },
      { type: "text", text: "Answer briefly." },
    ]);
    assert.deepEqual(ir.messages, [
      {
        role: "user",
        content: [
          { type: "text", text: "What is the weather in Paris and Rome? See the photos." },
          { type: "image", mediaType: "image/png", data: PNG },
          { type: "image", url: "https://example.com/sky.jpg" },
          { type: "file", mediaType: "application/pdf", data: PDF, filename: "report" },
          {
            type: "file",
            mediaType: "application/pdf",
            url: "https://example.com/a.pdf",
          },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "I should call the weather tool twice.", signature: SIGNATURE },
          { type: "reasoning", text: "", redacted: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
          { type: "text", text: "Checking both cities." },
          { type: "tool_call", id: "toolu_01A", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool_call", id: "toolu_01B", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            toolCallId: "toolu_01A",
            name: "get_weather",
            content: [{ type: "text", text: "18C, sunny" }],
          },
          {
            type: "tool_result",
            toolCallId: "toolu_01B",
            name: "get_weather",
            content: [{ type: "text", text: "service unavailable" }],
            isError: true,
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Also, which is warmer?" }] },
    ]);
    assert.deepEqual(ir.tools, [
      {
        name: "get_weather",
        description: "Get the current weather in a given location",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);
    assert.deepEqual(ir.toolChoice, { type: "auto" });
    assert.equal(ir.parallelToolCalls, false);
    assert.deepEqual(ir.reasoning, { budgetTokens: 10000 });
    assert.equal(ir.maxTokens, 16000);
    assert.equal(ir.temperature, 1);
    assert.equal(ir.topP, 0.95);
    assert.deepEqual(ir.stop, ["\n\nHuman:"]);
    assert.equal(ir.user, "user-42");
    assert.equal(ir.stream, true);
    assert.deepEqual(ir.responseFormat, {
      type: "json_schema",
      schema: { type: "object", properties: { a: { type: "string" } } },
    });
  });

  test("string system and content, plain-text documents, the beta output_format spelling", () => {
    const ir = anthropicCodec.decodeRequest({
      model: "m",
      max_tokens: 10,
      system: "Be terse.",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain doc" } },
          ],
        },
      ],
      output_format: { type: "json_schema", schema: { type: "object" } },
    });
    assert.deepEqual(ir.system, [{ type: "text", text: "Be terse." }]);
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "user", content: [{ type: "text", text: "plain doc" }] },
    ]);
    assert.equal(ir.stream, false);
    assert.deepEqual(ir.responseFormat, { type: "json_schema", schema: { type: "object" } });
  });

  test("thinking modes map to IR reasoning", () => {
    const decode = (extra: Record<string, unknown>) =>
      anthropicCodec.decodeRequest({ model: "m", max_tokens: 10, messages: [], ...extra }).reasoning;
    assert.deepEqual(decode({ thinking: { type: "disabled" } }), { effort: "none" });
    assert.deepEqual(decode({ thinking: { type: "adaptive" } }), { effort: "auto" });
    assert.deepEqual(
      decode({ thinking: { type: "adaptive", display: "omitted" }, output_config: { effort: "high" } }),
      {
        effort: "high",
        includeThoughts: false,
      },
    );
    assert.deepEqual(decode({ output_config: { effort: "low" } }), { effort: "low" });
    assert.equal(decode({}), undefined);
  });

  test("tool_choice variants", () => {
    const decode = (tool_choice: unknown) =>
      anthropicCodec.decodeRequest({ model: "m", max_tokens: 10, messages: [], tool_choice });
    assert.deepEqual(decode({ type: "auto" }).toolChoice, { type: "auto" });
    assert.deepEqual(decode({ type: "none" }).toolChoice, { type: "none" });
    const forced = decode({ type: "tool", name: "get_weather" });
    assert.deepEqual(forced.toolChoice, { type: "tool", name: "get_weather" });
    assert.equal(forced.parallelToolCalls, undefined);
  });

  test("rejects bodies that are not Messages requests, naming the field", () => {
    const cases: Array<[unknown, RegExp]> = [
      ["nope", /body/],
      [{ messages: [] }, /model/],
      [{ model: "m", messages: "hi" }, /messages/],
      [{ model: "m", messages: [{ role: "system", content: "x" }] }, /messages\[0\]\.role/],
      [{ model: "m", messages: [{ role: "user", content: [{ text: "x" }] }] }, /messages\[0\]\.content\[0\]/],
      [{ model: "m", messages: [{ role: "user", content: 5 }] }, /messages\[0\]\.content/],
      [{ model: "m", max_tokens: "10", messages: [] }, /max_tokens/],
      [{ model: "m", messages: [], tool_choice: { type: "sometimes" } }, /tool_choice\.type/],
      [{ model: "m", messages: [], system: [{ type: "image" }] }, /system\[0\]/],
      [{ model: "m", messages: [], thinking: { type: "enabled" } }, /thinking\.budget_tokens/],
      [
        {
          model: "m",
          messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "f" } }] }],
        },
        /messages\[0\]\.content\[0\]\.source\.type/,
      ],
    ];
    for (const [body, field] of cases) {
      assert.throws(
        () => anthropicCodec.decodeRequest(body),
        (err: unknown) =>
          err instanceof ProxyError &&
          err.status === 400 &&
          err.type === "invalid_request_error" &&
          field.test(err.message),
        `expected a 400 naming ${field} for ${JSON.stringify(body)}`,
      );
    }
  });
});

describe("anthropic encodeRequest", () => {
  test("round-trips a full request", () => {
    const original = fullRequest();
    const encoded = anthropicCodec.encodeRequest(
      anthropicCodec.decodeRequest(original),
      "claude-sonnet-4-5-20250929",
    );
    const expected = structuredClone(original);
    expected.model = "claude-sonnet-4-5-20250929";
    // cache_control is dropped, the server tool cannot be translated, a lone text result is sent as a string.
    expected.system = [
      { type: "text", text: "You are a weather bot." },
      { type: "text", text: "Answer briefly." },
    ];
    expected.tools = [expected.tools[0]];
    expected.messages[2].content[1].content = "service unavailable";
    assert.deepEqual(encoded, expected);
  });

  test("merges tool and user turns, puts results first, drops what Anthropic would reject", () => {
    const ir: IRRequest = {
      model: "gpt-x",
      system: [],
      stream: false,
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "unsigned thoughts from another provider" },
            { type: "text", text: "" },
            { type: "tool_call", id: "call:1/a", name: "lookup", arguments: '{"q":"x"}' },
            { type: "tool_call", id: "call_2", name: "lookup", arguments: "" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "note before the results" }] },
        {
          role: "tool",
          content: [
            { type: "tool_result", toolCallId: "call:1/a", content: [{ type: "text", text: "one" }] },
            {
              type: "tool_result",
              toolCallId: "call_2",
              content: [
                { type: "text", text: "see" },
                { type: "image", url: `data:image/png;base64,${PNG}` },
              ],
            },
          ],
        },
        { role: "assistant", content: [{ type: "reasoning", text: "no signature" }] },
        { role: "user", content: [{ type: "text", text: "thanks" }] },
      ],
    };
    const body = anthropicCodec.encodeRequest(ir, "claude-haiku-4-5");
    assert.equal(body.max_tokens, 8192);
    assert.equal(body.system, undefined);
    assert.deepEqual(body.messages, [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1_a", name: "lookup", input: { q: "x" } },
          { type: "tool_use", id: "call_2", name: "lookup", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1_a", content: "one" },
          {
            type: "tool_result",
            tool_use_id: "call_2",
            content: [
              { type: "text", text: "see" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            ],
          },
          { type: "text", text: "note before the results" },
          { type: "text", text: "thanks" },
        ],
      },
    ]);
  });

  test("encodes images and files in each shape Anthropic accepts", () => {
    const ir: IRRequest = {
      model: "x",
      system: [{ type: "text", text: "sys" }],
      stream: true,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", data: "/9j/4AAQSkZJRg" },
            { type: "image", url: "https://example.com/a.png" },
            { type: "file", mediaType: "application/pdf", data: PDF, filename: "doc.pdf" },
            { type: "file", url: "data:application/pdf;base64,QUJD" },
            { type: "file", mediaType: "text/plain", data: Buffer.from("hello").toString("base64") },
            { type: "file", mediaType: "image/gif", data: "R0lGODlh" },
          ],
        },
      ],
    };
    const body = anthropicCodec.encodeRequest(ir, "claude-opus-4-6");
    assert.deepEqual(body.system, [{ type: "text", text: "sys" }]);
    assert.deepEqual((body.messages as any)[0].content, [
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRg" } },
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: PDF },
        title: "doc.pdf",
      },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "QUJD" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "hello" } },
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGODlh" } },
    ]);
    assert.equal(body.stream, true);
    const audio: IRRequest = {
      ...ir,
      messages: [{ role: "user", content: [{ type: "file", mediaType: "audio/wav", data: "AAAA" }] }],
    };
    assert.throws(() => anthropicCodec.encodeRequest(audio, "claude-opus-4-6"), /audio\/wav/);
  });

  test("tools, tool_choice and parallel tool calls", () => {
    const base: IRRequest = {
      model: "x",
      system: [],
      stream: false,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [
        { name: "noop" },
        { name: "strict_one", description: "d", parameters: { type: "object" }, strict: true },
      ],
    };
    const encode = (extra: Partial<IRRequest>) =>
      anthropicCodec.encodeRequest({ ...base, ...extra }, "claude-x");
    assert.deepEqual(encode({}).tools, [
      { name: "noop", input_schema: { type: "object", properties: {} } },
      { name: "strict_one", description: "d", input_schema: { type: "object" }, strict: true },
    ]);
    assert.equal(encode({}).tool_choice, undefined);
    assert.deepEqual(encode({ parallelToolCalls: false }).tool_choice, {
      type: "auto",
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(encode({ toolChoice: { type: "required" } }).tool_choice, { type: "any" });
    assert.deepEqual(encode({ toolChoice: { type: "none" }, parallelToolCalls: false }).tool_choice, {
      type: "none",
    });
    assert.deepEqual(
      encode({ toolChoice: { type: "tool", name: "noop" }, parallelToolCalls: false }).tool_choice,
      {
        type: "tool",
        name: "noop",
        disable_parallel_tool_use: true,
      },
    );
    assert.equal(encode({ tools: [], toolChoice: { type: "auto" } }).tool_choice, undefined);
  });

  test("reasoning becomes budgets on older models and adaptive thinking with effort on newer ones", () => {
    const encode = (reasoning: IRRequest["reasoning"], model: string, maxTokens?: number) => {
      const body = anthropicCodec.encodeRequest(
        { model: "x", system: [], messages: [], stream: false, reasoning, maxTokens },
        model,
      );
      return { max_tokens: body.max_tokens, thinking: body.thinking, output_config: body.output_config };
    };
    assert.deepEqual(encode({ effort: "high" }, "claude-sonnet-4-5-20250929"), {
      max_tokens: 16384 + 8192,
      thinking: { type: "enabled", budget_tokens: 16384 },
      output_config: undefined,
    });
    assert.deepEqual(encode({ budgetTokens: 4000 }, "claude-3-7-sonnet-20250219", 2000), {
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1999 },
      output_config: undefined,
    });
    assert.deepEqual(encode({ budgetTokens: 4000 }, "glm-4.6", 1000), {
      max_tokens: 1000,
      thinking: undefined,
      output_config: undefined,
    });
    assert.deepEqual(encode({ effort: "high" }, "claude-opus-4-7"), {
      max_tokens: 16384,
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
    });
    assert.deepEqual(encode({ budgetTokens: 2000 }, "claude-opus-5", 50000), {
      max_tokens: 50000,
      thinking: { type: "adaptive" },
      output_config: { effort: "low" },
    });
    assert.deepEqual(encode({ effort: "auto" }, "claude-mythos-preview").thinking, { type: "adaptive" });
    assert.deepEqual(encode({ effort: "none" }, "claude-opus-4-6").thinking, { type: "disabled" });
    assert.deepEqual(encode({ budgetTokens: 0 }, "claude-haiku-4-5").thinking, { type: "disabled" });
    assert.deepEqual(encode(undefined, "claude-opus-4-6"), {
      max_tokens: 8192,
      thinking: undefined,
      output_config: undefined,
    });
  });

  test("thinking gives way to a forced tool and drops sampling Anthropic rejects with it", () => {
    const base: IRRequest = {
      model: "x",
      system: [],
      messages: [],
      stream: false,
      tools: [{ name: "t" }],
      reasoning: { budgetTokens: 2048 },
      temperature: 0.2,
      topP: 0.5,
      topK: 5,
    };
    const thinking = anthropicCodec.encodeRequest(base, "claude-sonnet-4-5");
    assert.deepEqual(thinking.thinking, { type: "enabled", budget_tokens: 2048 });
    assert.deepEqual(
      [thinking.temperature, thinking.top_p, thinking.top_k],
      [undefined, undefined, undefined],
    );
    const forced = anthropicCodec.encodeRequest(
      { ...base, toolChoice: { type: "tool", name: "t" } },
      "claude-sonnet-4-5",
    );
    assert.equal(forced.thinking, undefined);
    assert.deepEqual(forced.tool_choice, { type: "tool", name: "t" });
    assert.deepEqual([forced.temperature, forced.top_p, forced.top_k], [0.2, 0.5, 5]);
    const off = anthropicCodec.encodeRequest({ ...base, reasoning: { effort: "none" } }, "claude-sonnet-4-5");
    assert.deepEqual(off.thinking, { type: "disabled" });
    assert.deepEqual([off.temperature, off.top_p, off.top_k], [0.2, 0.5, 5]);
  });

  test("structured output goes to output_config.format next to effort", () => {
    const body = anthropicCodec.encodeRequest(
      {
        model: "x",
        system: [],
        messages: [],
        stream: false,
        reasoning: { effort: "minimal" },
        responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      },
      "claude-sonnet-4-6",
    );
    assert.deepEqual(body.output_config, {
      effort: "low",
      format: { type: "json_schema", schema: { type: "object" } },
    });
  });

  test("model generations", () => {
    for (const model of [
      "claude-opus-4-6",
      "claude-sonnet-4-6",
      "claude-opus-4-7",
      "claude-opus-5",
      "claude-fable-5-2",
    ]) {
      assert.equal(supportsAdaptiveThinking(model), true, model);
    }
    for (const model of [
      "claude-sonnet-4-5",
      "claude-opus-4-5-20251101",
      "claude-sonnet-4-20250514",
      "claude-opus-4-1",
      "claude-3-5-sonnet-20241022",
      "deepseek-chat",
    ]) {
      assert.equal(supportsAdaptiveThinking(model), false, model);
    }
  });
});

/** Documented non-stream tool-use response, with thinking and prompt caching counters. */
const MESSAGE_RESPONSE = {
  id: "msg_01Aq9w938a90dw8q",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: [
    { type: "thinking", thinking: "The user wants the weather.", signature: SIGNATURE },
    { type: "redacted_thinking", data: "EmwKAhgBEgy3" },
    { type: "text", text: "I'll check the weather." },
    {
      type: "tool_use",
      id: "toolu_01A09q90qw90lq917835lq9",
      name: "get_weather",
      input: { location: "San Francisco, CA" },
    },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: {
    input_tokens: 100,
    cache_creation_input_tokens: 20,
    cache_read_input_tokens: 300,
    output_tokens: 50,
    output_tokens_details: { thinking_tokens: 12 },
  },
};

describe("anthropic responses", () => {
  test("decodeResponse follows the IR usage convention", () => {
    const res = anthropicCodec.decodeResponse(MESSAGE_RESPONSE);
    assert.equal(res.id, "msg_01Aq9w938a90dw8q");
    assert.equal(res.model, "claude-sonnet-4-5-20250929");
    assert.deepEqual(res.content, [
      { type: "reasoning", text: "The user wants the weather.", signature: SIGNATURE },
      { type: "reasoning", text: "", redacted: "EmwKAhgBEgy3" },
      { type: "text", text: "I'll check the weather." },
      {
        type: "tool_call",
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
        arguments: '{"location":"San Francisco, CA"}',
      },
    ]);
    assert.equal(res.finishReason, "tool_calls");
    assert.deepEqual(res.usage, {
      inputTokens: 420,
      outputTokens: 50,
      cachedInputTokens: 300,
      cacheCreationInputTokens: 20,
      reasoningTokens: 12,
    });
  });

  test("encodeResponse round-trips and reports the client's model name", () => {
    const body = anthropicCodec.encodeResponse(anthropicCodec.decodeResponse(MESSAGE_RESPONSE), {
      model: "my-alias",
    });
    assert.deepEqual(body, { ...MESSAGE_RESPONSE, model: "my-alias" });
  });

  test("stop reasons map both ways", () => {
    const decode = (stop_reason: string, stop_sequence: string | null = null) =>
      anthropicCodec.decodeResponse({ ...MESSAGE_RESPONSE, stop_reason, stop_sequence });
    assert.equal(decode("end_turn").finishReason, "stop");
    assert.equal(decode("max_tokens").finishReason, "length");
    assert.equal(decode("pause_turn").finishReason, "stop");
    assert.equal(decode("refusal").finishReason, "content_filter");
    assert.equal(decode("model_context_window_exceeded").finishReason, "length");
    const stopped = decode("stop_sequence", "END");
    assert.equal(stopped.finishReason, "stop");
    assert.equal(stopped.stopSequence, "END");

    const encode = (finishReason: IRResponse["finishReason"], stopSequence?: string) =>
      anthropicCodec.encodeResponse(
        {
          id: "x",
          model: "m",
          created: 0,
          content: [{ type: "text", text: "t" }],
          finishReason,
          stopSequence,
        },
        { model: "m" },
      ) as Record<string, unknown>;
    assert.equal(encode("stop").stop_reason, "end_turn");
    assert.equal(encode("length").stop_reason, "max_tokens");
    assert.equal(encode("tool_calls").stop_reason, "tool_use");
    assert.equal(encode("content_filter").stop_reason, "refusal");
    assert.deepEqual(
      [encode("stop", "END").stop_reason, encode("stop", "END").stop_sequence],
      ["stop_sequence", "END"],
    );
    assert.deepEqual(encode("stop").usage, {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  test("decodeResponse rejects a body without content", () => {
    assert.throws(
      () => anthropicCodec.decodeResponse({ type: "error" }),
      (err: unknown) => err instanceof ProxyError,
    );
  });
});

function sse(event: string, data: unknown): SSEMessage {
  return { event, data: JSON.stringify(data) };
}

/** The documented streaming sequence: thinking with signature, text, fragmented tool input, pings. */
function documentedStream(): SSEMessage[] {
  return [
    sse("message_start", {
      type: "message_start",
      message: {
        id: "msg_014p7gG3wDgGV9EUtLvnow3U",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        stop_sequence: null,
        usage: {
          input_tokens: 472,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 0,
          output_tokens: 2,
        },
        content: [],
        stop_reason: null,
      },
    }),
    sse("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "" },
    }),
    sse("ping", { type: "ping" }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "Let me work " },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "this out." },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "signature_delta", signature: SIGNATURE },
    }),
    sse("content_block_stop", { type: "content_block_stop", index: 0 }),
    sse("content_block_start", {
      type: "content_block_start",
      index: 1,
      content_block: { type: "text", text: "" },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 1,
      delta: { type: "text_delta", text: "Okay, let's check" },
    }),
    sse("content_block_stop", { type: "content_block_stop", index: 1 }),
    sse("content_block_start", {
      type: "content_block_start",
      index: 2,
      content_block: {
        type: "tool_use",
        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        name: "get_weather",
        input: {},
      },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: "" },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '{"location":' },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: ' "San Fra' },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: 'ncisco"}' },
    }),
    sse("content_block_stop", { type: "content_block_stop", index: 2 }),
    sse("content_block_start", {
      type: "content_block_start",
      index: 3,
      content_block: { type: "tool_use", id: "toolu_02", name: "get_time", input: {} },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 3,
      delta: { type: "input_json_delta", partial_json: '{"tz":"PST"}' },
    }),
    sse("content_block_stop", { type: "content_block_stop", index: 3 }),
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 89 },
    }),
    sse("message_stop", { type: "message_stop" }),
  ];
}

function decodeAll(messages: SSEMessage[], endStream = true): IRStreamEvent[] {
  const decoder = anthropicCodec.createStreamDecoder();
  const out: IRStreamEvent[] = [];
  for (const message of messages) decoder.push(message, out);
  if (endStream) decoder.end(out);
  return out;
}

/** Drops the time-dependent part of `start` for comparisons. */
function stable(events: IRStreamEvent[]): unknown[] {
  return events.map((event) => (event.type === "start" ? { ...event, created: 0 } : event));
}

describe("anthropic stream decoder", () => {
  test("decodes the documented event sequence", () => {
    assert.deepEqual(stable(decodeAll(documentedStream())), [
      { type: "start", id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-sonnet-4-5-20250929", created: 0 },
      { type: "reasoning", delta: "Let me work " },
      { type: "reasoning", delta: "this out." },
      { type: "reasoning_signature", signature: SIGNATURE },
      { type: "text", delta: "Okay, let's check" },
      { type: "tool_call_start", index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"location":' },
      { type: "tool_call_delta", index: 0, argsDelta: ' "San Fra' },
      { type: "tool_call_delta", index: 0, argsDelta: 'ncisco"}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "toolu_02", name: "get_time" },
      { type: "tool_call_delta", index: 1, argsDelta: '{"tz":"PST"}' },
      { type: "tool_call_end", index: 1 },
      {
        type: "usage",
        usage: { inputTokens: 572, outputTokens: 89, cachedInputTokens: 100, cacheCreationInputTokens: 0 },
      },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("end() closes open tool calls and owes a finish when the stream is cut", () => {
    const cut = documentedStream().slice(0, 14);
    const events = decodeAll(cut);
    assert.deepEqual(events.slice(-3), [
      { type: "tool_call_end", index: 0 },
      {
        type: "usage",
        usage: { inputTokens: 572, outputTokens: 2, cachedInputTokens: 100, cacheCreationInputTokens: 0 },
      },
      { type: "finish", reason: "tool_calls" },
    ]);
    assert.equal(events.filter((event) => event.type === "finish").length, 1);
  });

  test("stop_sequence, redacted thinking and a single finish", () => {
    const events = decodeAll([
      sse("message_start", {
        type: "message_start",
        message: { id: "msg_1", model: "m", usage: { input_tokens: 5, output_tokens: 1 } },
      }),
      sse("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "redacted_thinking", data: "abc" },
      }),
      sse("content_block_stop", { type: "content_block_stop", index: 0 }),
      sse("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "stop_sequence", stop_sequence: "END" },
        usage: { output_tokens: 3 },
      }),
      sse("message_stop", { type: "message_stop" }),
    ]);
    assert.deepEqual(stable(events).slice(1), [
      { type: "reasoning_redacted", data: "abc" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 3 } },
      { type: "finish", reason: "stop", stopSequence: "END" },
    ]);
  });

  test("error events end the stream with the upstream's error", () => {
    const events = decodeAll([
      documentedStream()[0],
      sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      sse("message_stop", { type: "message_stop" }),
    ]);
    assert.deepEqual(events.at(-1), {
      type: "error",
      status: 529,
      errorType: "overloaded_error",
      message: "Overloaded",
    });
    assert.equal(events.length, 2);
    assert.equal(decodeAll([]).at(-1)?.type, "error");
    const tolerated = decodeAll([documentedStream()[0], { data: "[DONE]" }]);
    assert.deepEqual(tolerated.at(-1), { type: "finish", reason: "stop" });
    const garbage = decodeAll([documentedStream()[0], { event: "content_block_delta", data: "{oops" }]);
    assert.equal(garbage.at(-1)?.type, "error");
  });
});

function encodeAll(events: IRStreamEvent[], model = "client-model"): string {
  const encoder = anthropicCodec.createStreamEncoder({ model });
  let text = "";
  for (const event of events) text += encoder.encode(event);
  return text + encoder.end();
}

/** Splits SSE text into messages (the format the encoder writes: event line, data line, blank line). */
function parseSse(text: string): SSEMessage[] {
  const messages: SSEMessage[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame === "") continue;
    const message: SSEMessage = { data: "" };
    for (const line of frame.split("\n")) {
      if (line.startsWith("event: ")) message.event = line.slice(7);
      else if (line.startsWith("data: ")) message.data = line.slice(6);
    }
    messages.push(message);
  }
  return messages;
}

/** IR events for a turn with reasoning, text and two tool calls with fragmented arguments. */
function richTurn(): IRStreamEvent[] {
  return [
    { type: "start", id: "msg_abc", model: "upstream-model", created: 1 },
    { type: "reasoning", delta: "Think " },
    { type: "reasoning", delta: "hard." },
    { type: "reasoning_signature", signature: SIGNATURE },
    { type: "text", delta: "Calling tools." },
    { type: "tool_call_start", index: 0, id: "toolu_a", name: "get_weather" },
    { type: "tool_call_delta", index: 0, argsDelta: '{"location"' },
    { type: "tool_call_delta", index: 0, argsDelta: ':"Paris"}' },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_start", index: 1, id: "toolu_b", name: "get_time" },
    { type: "tool_call_delta", index: 1, argsDelta: '{"tz":' },
    { type: "tool_call_delta", index: 1, argsDelta: '"CET"}' },
    { type: "tool_call_end", index: 1 },
    {
      type: "usage",
      usage: { inputTokens: 120, outputTokens: 40, cachedInputTokens: 100, reasoningTokens: 10 },
    },
    { type: "finish", reason: "tool_calls" },
  ];
}

describe("anthropic stream encoder", () => {
  test("writes the event order the SDK expects, one open block at a time", () => {
    const messages = parseSse(encodeAll(richTurn()));
    const summary = messages.map((message) => {
      const data = JSON.parse(message.data);
      assert.equal(message.event, data.type);
      if (data.type === "content_block_start") return `start:${data.index}:${data.content_block.type}`;
      if (data.type === "content_block_delta") return `delta:${data.index}:${data.delta.type}`;
      if (data.type === "content_block_stop") return `stop:${data.index}`;
      return data.type;
    });
    assert.deepEqual(summary, [
      "message_start",
      "start:0:thinking",
      "delta:0:thinking_delta",
      "delta:0:thinking_delta",
      "delta:0:signature_delta",
      "stop:0",
      "start:1:text",
      "delta:1:text_delta",
      "stop:1",
      "start:2:tool_use",
      "delta:2:input_json_delta",
      "delta:2:input_json_delta",
      "stop:2",
      "start:3:tool_use",
      "delta:3:input_json_delta",
      "delta:3:input_json_delta",
      "stop:3",
      "message_delta",
      "message_stop",
    ]);
    const start = JSON.parse(messages[0].data);
    assert.equal(start.message.id, "msg_abc");
    assert.equal(start.message.model, "client-model");
    const delta = JSON.parse(messages.at(-2)!.data);
    assert.deepEqual(delta.delta, { stop_reason: "tool_use", stop_sequence: null });
    assert.deepEqual(delta.usage, {
      input_tokens: 20,
      output_tokens: 40,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 100,
      output_tokens_details: { thinking_tokens: 10 },
    });
  });

  test("decoding the encoder's output gives back the IR events", () => {
    const events = decodeAll(parseSse(encodeAll(richTurn())));
    const expected = richTurn().map((event) =>
      event.type === "start" ? { ...event, model: "client-model" } : event,
    );
    // The encoder always writes the cache-creation counter, so it comes back as an explicit 0.
    expected[13] = {
      type: "usage",
      usage: {
        inputTokens: 120,
        outputTokens: 40,
        cachedInputTokens: 100,
        cacheCreationInputTokens: 0,
        reasoningTokens: 10,
      },
    };
    assert.deepEqual(stable(events), stable(expected));
  });

  test("overlapping tool calls are serialised whole and in order", () => {
    const messages = parseSse(
      encodeAll([
        { type: "start", id: "msg_x", model: "m", created: 1 },
        { type: "tool_call_start", index: 0, id: "call_0", name: "a" },
        { type: "tool_call_start", index: 1, id: "call_1", name: "b" },
        { type: "tool_call_delta", index: 1, argsDelta: '{"y":' },
        { type: "tool_call_delta", index: 0, argsDelta: '{"x":1}' },
        { type: "tool_call_delta", index: 1, argsDelta: "2}" },
        { type: "tool_call_end", index: 0 },
        { type: "tool_call_end", index: 1 },
        { type: "finish", reason: "tool_calls" },
      ]),
    );
    const decoded = decodeAll(messages).filter((event) => event.type.startsWith("tool_call"));
    assert.deepEqual(decoded, [
      { type: "tool_call_start", index: 0, id: "call_0", name: "a" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"x":1}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "call_1", name: "b" },
      { type: "tool_call_delta", index: 1, argsDelta: '{"y":2}' },
      { type: "tool_call_end", index: 1 },
    ]);
  });

  test("a mid-stream error ends the stream with an Anthropic error event", () => {
    const text = encodeAll([
      { type: "start", id: "msg_x", model: "m", created: 1 },
      { type: "text", delta: "partial" },
      { type: "error", status: 429, errorType: "rate_limit_error", message: "slow down" },
      { type: "text", delta: "ignored" },
    ]);
    const messages = parseSse(text);
    assert.deepEqual(messages.at(-1), {
      event: "error",
      data: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }),
    });
    assert.equal(text.includes("ignored"), false);
    assert.equal(text.includes("message_stop"), false);
    const serverError = parseSse(
      encodeAll([{ type: "error", status: 502, errorType: "upstream_error", message: "boom" }]),
    );
    assert.equal(JSON.parse(serverError[0].data).error.type, "api_error");
  });

  test("end() without finish still closes blocks and the message", () => {
    const messages = parseSse(encodeAll([{ type: "text", delta: "hi" }]));
    assert.deepEqual(
      messages.map((message) => message.event),
      [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ],
    );
    assert.equal(JSON.parse(messages[4].data).delta.stop_reason, "end_turn");
  });
});

describe("anthropic codec against the official SDK", () => {
  let server: Server;
  let client: Anthropic;
  let nextBody = "";
  let nextType = "text/event-stream";

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": nextType });
        res.end(nextBody);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new Anthropic({ apiKey: "test-key", baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const params = {
    model: "client-model",
    max_tokens: 1024,
    messages: [{ role: "user" as const, content: "weather?" }],
  };

  test("messages.stream().finalMessage() accepts the encoder's output", async () => {
    nextType = "text/event-stream";
    nextBody = encodeAll(richTurn());
    const message = await client.messages.stream(params).finalMessage();
    assert.equal(message.id, "msg_abc");
    assert.equal(message.model, "client-model");
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(
      message.content.map((block) => ({ ...block })),
      [
        { type: "thinking", thinking: "Think hard.", signature: SIGNATURE },
        { type: "text", text: "Calling tools." },
        { type: "tool_use", id: "toolu_a", name: "get_weather", input: { location: "Paris" } },
        { type: "tool_use", id: "toolu_b", name: "get_time", input: { tz: "CET" } },
      ],
    );
    assert.equal(message.usage.input_tokens, 20);
    assert.equal(message.usage.output_tokens, 40);
    assert.equal(message.usage.cache_read_input_tokens, 100);
  });

  test("redacted thinking and stop sequences reach the SDK", async () => {
    nextBody = encodeAll([
      { type: "start", id: "", model: "m", created: 1 },
      { type: "reasoning_redacted", data: "opaque" },
      { type: "text", delta: "Done" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 2 } },
      { type: "finish", reason: "stop", stopSequence: "END" },
    ]);
    const message = await client.messages.stream(params).finalMessage();
    assert.match(message.id, /^msg_/);
    assert.deepEqual(
      message.content.map((block) => ({ ...block })),
      [
        { type: "redacted_thinking", data: "opaque" },
        { type: "text", text: "Done" },
      ],
    );
    assert.equal(message.stop_reason, "stop_sequence");
    assert.equal(message.stop_sequence, "END");
  });

  test("a signature on a tool call arrives as an empty signed thinking block before it", async () => {
    nextType = "text/event-stream";
    nextBody = encodeAll([
      { type: "start", id: "msg_g", model: "gemini", created: 1 },
      { type: "text", delta: "Let me look." },
      { type: "tool_call_start", index: 0, id: "call_g", name: "lookup", signature: "gemini-sig" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"q":"x"}' },
      { type: "tool_call_end", index: 0 },
      { type: "finish", reason: "tool_calls" },
    ]);
    const message = await client.messages.stream(params).finalMessage();
    assert.deepEqual(
      message.content.map((block) => ({ ...block })),
      [
        { type: "text", text: "Let me look." },
        { type: "thinking", thinking: "", signature: "gemini-sig" },
        { type: "tool_use", id: "call_g", name: "lookup", input: { q: "x" } },
      ],
    );
    const body = anthropicCodec.encodeResponse(
      {
        id: "r",
        model: "gemini",
        created: 0,
        content: [
          { type: "tool_call", id: "call_g", name: "lookup", arguments: "{}", signature: "gemini-sig" },
        ],
        finishReason: "tool_calls",
      },
      { model: "m" },
    ) as { content: unknown[] };
    assert.deepEqual(body.content, [
      { type: "thinking", thinking: "", signature: "gemini-sig" },
      { type: "tool_use", id: "call_g", name: "lookup", input: {} },
    ]);
  });

  test("a mid-stream error rejects the SDK stream with the error type", async () => {
    nextBody = encodeAll([
      { type: "start", id: "msg_e", model: "m", created: 1 },
      { type: "text", delta: "partial" },
      { type: "error", status: 529, errorType: "overloaded_error", message: "Overloaded" },
    ]);
    await assert.rejects(client.messages.stream(params).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.type, "overloaded_error");
      assert.match(err.message, /Overloaded/);
      return true;
    });
  });

  test("messages.create() accepts encodeResponse output", async () => {
    nextType = "application/json";
    nextBody = JSON.stringify(
      anthropicCodec.encodeResponse(anthropicCodec.decodeResponse(MESSAGE_RESPONSE), {
        model: "client-model",
      }),
    );
    const message = await client.messages.create(params);
    assert.equal(message.model, "client-model");
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.content.at(-1), {
      type: "tool_use",
      id: "toolu_01A09q90qw90lq917835lq9",
      name: "get_weather",
      input: { location: "San Francisco, CA" },
    });
  });
});
