import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IRUsage, WireFormat } from "../../src/protocols/ir.ts";
import { createUsageTap, usageFromJson } from "../../src/usage/extract.ts";

const chatBody = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o",
  choices: [
    {
      index: 0,
      // A quoted "usage" inside content must not be mistaken for the real one.
      message: { role: "assistant", content: 'He wrote "usage": {"prompt_tokens": 999} — 好的' },
      finish_reason: "stop",
    },
  ],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 7,
    total_tokens: 19,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 2 },
  },
};

const responsesTools = [
  {
    type: "function",
    name: "report",
    // A tool schema with a property named "usage": an object under the same key, not usage.
    parameters: { type: "object", properties: { usage: { type: "string" } } },
  },
];
const responsesUsage = {
  input_tokens: 30,
  input_tokens_details: { cached_tokens: 10 },
  output_tokens: 20,
  output_tokens_details: { reasoning_tokens: 5 },
  total_tokens: 50,
};

const anthropicBody = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [{ type: "tool_use", id: "toolu_1", name: "f", input: { usage: { input_tokens: 1 } } }],
  stop_reason: "tool_use",
  usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 3, output_tokens: 8 },
};

const geminiBody = {
  candidates: [{ content: { role: "model", parts: [{ text: "hi" }] }, finishReason: "STOP" }],
  usageMetadata: {
    promptTokenCount: 11,
    candidatesTokenCount: 6,
    totalTokenCount: 20,
    thoughtsTokenCount: 3,
    cachedContentTokenCount: 2,
  },
  modelVersion: "gemini-2.5-flash",
};

describe("usageFromJson", () => {
  it("openai-chat: reads usage, skips a quoted look-alike, works pretty-printed", () => {
    const want: IRUsage = { inputTokens: 12, outputTokens: 7, cachedInputTokens: 4, reasoningTokens: 2 };
    assert.deepEqual(usageFromJson("openai-chat", JSON.stringify(chatBody)), want);
    assert.deepEqual(usageFromJson("openai-chat", JSON.stringify(chatBody, null, 2)), want);
  });

  it("openai-responses: the usage object, whether before or after an echoed tool schema", () => {
    const want: IRUsage = { inputTokens: 30, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 };
    const after = {
      id: "resp_1",
      object: "response",
      status: "completed",
      tools: responsesTools,
      usage: responsesUsage,
    };
    const before = { id: "resp_1", object: "response", usage: responsesUsage, tools: responsesTools };
    assert.deepEqual(usageFromJson("openai-responses", JSON.stringify(after)), want);
    assert.deepEqual(usageFromJson("openai-responses", JSON.stringify(before)), want);
  });

  it("anthropic: cache reads and writes are folded into input (IR semantics)", () => {
    assert.deepEqual(usageFromJson("anthropic", JSON.stringify(anthropicBody)), {
      inputTokens: 18,
      outputTokens: 8,
      cachedInputTokens: 5,
      cacheCreationInputTokens: 3,
    });
  });

  it("gemini: thoughts are added to output and reported as reasoning", () => {
    assert.deepEqual(usageFromJson("gemini", JSON.stringify(geminiBody)), {
      inputTokens: 11,
      outputTokens: 9,
      cachedInputTokens: 2,
      reasoningTokens: 3,
    });
    assert.deepEqual(usageFromJson("gemini-cli", JSON.stringify({ response: geminiBody })), {
      inputTokens: 11,
      outputTokens: 9,
      cachedInputTokens: 2,
      reasoningTokens: 3,
    });
  });

  it("ollama: top-level counts", () => {
    const body = { model: "llama3", done: true, prompt_eval_count: 26, eval_count: 290 };
    assert.deepEqual(usageFromJson("ollama-chat", JSON.stringify(body)), {
      inputTokens: 26,
      outputTokens: 290,
    });
  });

  it("no usage, null usage, or not JSON: undefined", () => {
    assert.equal(usageFromJson("openai-chat", JSON.stringify({ ...chatBody, usage: undefined })), undefined);
    assert.equal(usageFromJson("openai-chat", JSON.stringify({ ...chatBody, usage: null })), undefined);
    assert.equal(usageFromJson("anthropic", "not json"), undefined);
    assert.equal(usageFromJson("openai-chat", '{"usage": {"prompt_tokens": 3'), undefined);
  });
});

function sse(events: Array<{ event?: string; data: unknown }>, eol = "\n"): string {
  let out = "";
  for (const e of events) {
    if (e.event) out += `event: ${e.event}${eol}`;
    out += `data: ${typeof e.data === "string" ? e.data : JSON.stringify(e.data)}${eol}${eol}`;
  }
  return out;
}

const chatStream = sse([
  { data: { id: "c1", choices: [{ index: 0, delta: { role: "assistant", content: "" } }], usage: null } },
  { data: { id: "c1", choices: [{ index: 0, delta: { content: 'the "usage" 字段' } }], usage: null } },
  { data: { id: "c1", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null } },
  { data: { id: "c1", choices: [], usage: chatBody.usage } },
  { data: "[DONE]" },
]);

const responsesStream = sse([
  {
    event: "response.created",
    data: {
      type: "response.created",
      response: { id: "r", status: "in_progress", tools: responsesTools, usage: null },
    },
  },
  { event: "response.output_text.delta", data: { type: "response.output_text.delta", delta: '"usage": {}' } },
  {
    event: "response.completed",
    data: {
      type: "response.completed",
      response: { id: "r", status: "completed", output: [], tools: responsesTools, usage: responsesUsage },
    },
  },
]);

const anthropicStream = sse([
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [],
        model: "claude",
        usage: {
          input_tokens: 25,
          cache_read_input_tokens: 10,
          cache_creation_input_tokens: 0,
          output_tokens: 1,
        },
      },
    },
  },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "héllo" } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "message_delta",
    // Some compatible upstreams repeat input counts as 0 here; the real ones came in message_start.
    data: {
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { input_tokens: 0, output_tokens: 15 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
]);

const geminiStream = sse(
  [
    {
      data: {
        candidates: [{ content: { parts: [{ text: "a" }] } }],
        usageMetadata: { promptTokenCount: 11, totalTokenCount: 11 },
      },
    },
    {
      data: {
        candidates: [{ content: { parts: [{ text: "b" }] } }],
        usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 2, totalTokenCount: 13 },
      },
    },
    {
      data: {
        candidates: [{ content: { parts: [{ text: "c" }] }, finishReason: "STOP" }],
        usageMetadata: geminiBody.usageMetadata,
      },
    },
  ],
  "\r\n",
);

const ollamaStream = [
  { model: "m", message: { role: "assistant", content: "hi" }, done: false },
  {
    model: "m",
    message: { role: "assistant", content: "" },
    done: true,
    prompt_eval_count: 26,
    eval_count: 290,
  },
]
  .map((l) => `${JSON.stringify(l)}\n`)
  .join("");

const STREAMS: Array<{ format: WireFormat; text: string; want: IRUsage }> = [
  {
    format: "openai-chat",
    text: chatStream,
    want: { inputTokens: 12, outputTokens: 7, cachedInputTokens: 4, reasoningTokens: 2 },
  },
  {
    format: "openai-responses",
    text: responsesStream,
    want: { inputTokens: 30, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 },
  },
  {
    format: "anthropic",
    text: anthropicStream,
    want: { inputTokens: 35, outputTokens: 15, cachedInputTokens: 10, cacheCreationInputTokens: 0 },
  },
  {
    format: "gemini",
    text: geminiStream,
    want: { inputTokens: 11, outputTokens: 9, cachedInputTokens: 2, reasoningTokens: 3 },
  },
  { format: "ollama-chat", text: ollamaStream, want: { inputTokens: 26, outputTokens: 290 } },
];

/** Feeds `bytes` in pieces of `size` (plain Uint8Array views, not Buffers, on odd sizes). */
function feed(format: WireFormat, bytes: Buffer, size: number): IRUsage | undefined {
  const tap = createUsageTap(format);
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, Math.min(bytes.length, i + size));
    tap.push(size % 2 === 1 ? new Uint8Array(piece) : piece);
  }
  return tap.usage();
}

describe("createUsageTap", () => {
  for (const s of STREAMS) {
    it(`${s.format}: the same usage however the stream is chunked (mid-frame, mid-character)`, () => {
      const bytes = Buffer.from(s.text);
      for (const size of [bytes.length, 1, 2, 3, 7, 64, 333]) {
        assert.deepEqual(feed(s.format, bytes, size), s.want, `chunk size ${size}`);
      }
    });
  }

  it("a usage frame split exactly inside the key still counts", () => {
    const bytes = Buffer.from(chatStream);
    const at = bytes.lastIndexOf('"usage"') + 3;
    const tap = createUsageTap("openai-chat");
    tap.push(bytes.subarray(0, at));
    tap.push(bytes.subarray(at));
    assert.equal(tap.usage()?.inputTokens, 12);
  });

  it("long streams without usage leave nothing behind; usage at the end is still found", () => {
    const tap = createUsageTap("openai-chat");
    const frame = Buffer.from(
      sse([{ data: { id: "c", choices: [{ index: 0, delta: { content: "token " } }], usage: null } }]),
    );
    for (let i = 0; i < 20_000; i++) tap.push(frame);
    assert.equal(tap.usage(), undefined);
    tap.push(
      Buffer.from(
        sse([{ data: { id: "c", choices: [], usage: { prompt_tokens: 1, completion_tokens: 20_000 } } }]),
      ),
    );
    assert.deepEqual(tap.usage(), { inputTokens: 1, outputTokens: 20_000 });
  });
});
