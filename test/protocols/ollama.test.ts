import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { Ollama } from "ollama";
import type { EncodeContext, IRRequest, IRResponse, IRStreamEvent } from "../../src/protocols/ir.ts";
import {
  modelFamily,
  OLLAMA_COMPAT_VERSION,
  ollamaLoadBody,
  ollamaShowBody,
  ollamaTagsBody,
  ollamaVersionBody,
} from "../../src/protocols/ollama/catalog.ts";
import {
  ollamaChatCodec as chat,
  ollamaGenerateCodec as generate,
} from "../../src/protocols/ollama/index.ts";
import { ProxyError } from "../../src/server/errors.ts";

// Fixtures follow the examples in Ollama's API docs (docs/api.md) and its streaming-tools post.
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR";
const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_current_weather",
    description: "Get the current weather for a location",
    parameters: {
      type: "object",
      properties: {
        location: {
          type: "string",
          description: "The location to get the weather for, e.g. San Francisco, CA",
        },
        format: { type: "string", enum: ["celsius", "fahrenheit"] },
      },
      required: ["location", "format"],
    },
  },
};

function rejects400(decode: (b: unknown) => unknown, body: unknown, field: string): void {
  assert.throws(
    () => decode(body),
    (err: unknown) => err instanceof ProxyError && err.status === 400 && err.message.includes(field),
  );
}

function lines(text: string): any[] {
  assert.ok(text === "" || text.endsWith("\n"), "NDJSON ends every line with a newline");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

describe("ollama chat decodeRequest", () => {
  test("documented streaming request: stream defaults to true", () => {
    const ir = chat.decodeRequest({
      model: "llama3.2",
      messages: [{ role: "user", content: "why is the sky blue?" }],
    });
    assert.deepEqual(ir, {
      model: "llama3.2",
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: "why is the sky blue?" }] }],
      stream: true,
    });
    assert.equal(chat.decodeRequest({ model: "m", messages: [], stream: false }).stream, false);
  });

  test("tools, options, format schema, think, images and system", () => {
    const schema = { type: "object", properties: { age: { type: "integer" } }, required: ["age"] };
    const ir = chat.decodeRequest({
      model: "llava",
      messages: [
        { role: "system", content: "You are terse." },
        {
          role: "user",
          content: "what is in this image?",
          images: [PNG, JPEG, `data:image/webp;base64,UklGRabc`],
        },
      ],
      tools: [WEATHER_TOOL],
      format: schema,
      think: "high",
      keep_alive: "5m",
      options: {
        num_keep: 5,
        seed: 42,
        num_predict: 100,
        top_k: 20,
        top_p: 0.9,
        temperature: 0.8,
        presence_penalty: 1.5,
        frequency_penalty: 1.0,
        stop: ["\n", "user:"],
        num_ctx: 1024,
      },
    });
    assert.deepEqual(ir.system, [{ type: "text", text: "You are terse." }]);
    assert.deepEqual(ir.messages[0].content, [
      { type: "text", text: "what is in this image?" },
      { type: "image", mediaType: "image/png", data: PNG },
      { type: "image", mediaType: "image/jpeg", data: JPEG },
      { type: "image", mediaType: "image/webp", data: "UklGRabc" },
    ]);
    assert.deepEqual(ir.tools, [
      {
        name: "get_current_weather",
        description: "Get the current weather for a location",
        parameters: WEATHER_TOOL.function.parameters,
      },
    ]);
    assert.deepEqual(ir.responseFormat, { type: "json_schema", schema });
    assert.deepEqual(ir.reasoning, { effort: "high", includeThoughts: true });
    assert.equal(ir.seed, 42);
    assert.equal(ir.maxTokens, 100);
    assert.equal(ir.topK, 20);
    assert.equal(ir.topP, 0.9);
    assert.equal(ir.temperature, 0.8);
    assert.equal(ir.presencePenalty, 1.5);
    assert.equal(ir.frequencyPenalty, 1.0);
    assert.deepEqual(ir.stop, ["\n", "user:"]);
  });

  test("think and format variants; num_predict -1 means no limit", () => {
    const base = { model: "m", messages: [{ role: "user", content: "x" }] };
    assert.deepEqual(chat.decodeRequest({ ...base, think: true }).reasoning, {
      effort: "auto",
      includeThoughts: true,
    });
    assert.deepEqual(chat.decodeRequest({ ...base, think: false }).reasoning, {
      effort: "none",
      includeThoughts: false,
    });
    assert.deepEqual(chat.decodeRequest({ ...base, format: "json" }).responseFormat, { type: "json_object" });
    assert.equal(chat.decodeRequest({ ...base, options: { num_predict: -1 } }).maxTokens, undefined);
  });

  test("a tool loop: ids are generated, stable, and results match the earliest unanswered call", () => {
    const body = {
      model: "qwen3",
      messages: [
        { role: "user", content: "Weather in Paris and Toronto, and the time?" },
        {
          role: "assistant",
          content: "",
          thinking: "Two cities, one clock.",
          tool_calls: [
            {
              function: { name: "get_current_weather", arguments: { location: "Paris", format: "celsius" } },
            },
            { function: { name: "get_time", arguments: {} } },
            {
              function: {
                name: "get_current_weather",
                arguments: { location: "Toronto", format: "celsius" },
              },
            },
          ],
        },
        { role: "tool", tool_name: "get_current_weather", content: "22C" },
        { role: "tool", content: "noon" },
        { role: "tool", tool_name: "get_current_weather", content: "18C" },
        { role: "assistant", content: "Paris 22C, Toronto 18C, noon." },
      ],
    };
    const ir = chat.decodeRequest(body);
    assert.equal(ir.messages.length, 4);
    const assistant = ir.messages[1];
    assert.deepEqual(assistant.content[0], { type: "reasoning", text: "Two cities, one clock." });
    const calls = assistant.content.filter((p) => p.type === "tool_call");
    assert.deepEqual(
      calls.map((c) => [c.id, c.name, JSON.parse(c.arguments)]),
      [
        ["call_1_0", "get_current_weather", { location: "Paris", format: "celsius" }],
        ["call_1_1", "get_time", {}],
        ["call_1_2", "get_current_weather", { location: "Toronto", format: "celsius" }],
      ],
    );
    // The three tool messages merge into one IR tool turn, in order.
    assert.equal(ir.messages[2].role, "tool");
    assert.deepEqual(ir.messages[2].content, [
      {
        type: "tool_result",
        toolCallId: "call_1_0",
        name: "get_current_weather",
        content: [{ type: "text", text: "22C" }],
      },
      {
        type: "tool_result",
        toolCallId: "call_1_1",
        name: "get_time",
        content: [{ type: "text", text: "noon" }],
      },
      {
        type: "tool_result",
        toolCallId: "call_1_2",
        name: "get_current_weather",
        content: [{ type: "text", text: "18C" }],
      },
    ]);
    // Resending the same history yields the same ids (upstream prompt caches keep matching).
    assert.deepEqual(chat.decodeRequest(body).messages, ir.messages);
  });

  test("ids echoed by the client are used for matching", () => {
    const ir = chat.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "toolu_A", function: { name: "f", arguments: {} } },
            { id: "toolu_B", function: { name: "f", arguments: { x: 1 } } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_B", content: "b" },
        { role: "tool", tool_name: "f", content: "a" },
      ],
    });
    const results = ir.messages[2].content.map((p) => (p.type === "tool_result" ? p.toolCallId : ""));
    assert.deepEqual(results, ["toolu_B", "toolu_A"]);
  });

  test("invalid bodies are 400s naming the field", () => {
    const decode = (b: unknown) => chat.decodeRequest(b);
    rejects400(decode, { messages: [] }, "model");
    rejects400(decode, { model: "m", messages: "hi" }, "messages");
    rejects400(decode, { model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role");
    rejects400(decode, { model: "m", messages: [{ role: "user", content: 3 }] }, "messages[0].content");
    rejects400(
      decode,
      { model: "m", messages: [{ role: "user", content: "x", images: [1] }] },
      "messages[0].images[0]",
    );
    rejects400(decode, { model: "m", messages: [], options: { temperature: "hot" } }, "options.temperature");
    rejects400(decode, { model: "m", messages: [], think: "max" }, "think");
    rejects400(decode, { model: "m", messages: [], format: 5 }, "format");
    rejects400(decode, { model: "m", messages: [], stream: "yes" }, "stream");
    rejects400(decode, { model: "m", messages: [], tools: [{ function: {} }] }, "tools[0].function.name");
    rejects400(
      decode,
      { model: "m", messages: [{ role: "assistant", tool_calls: [{ function: { arguments: {} } }] }] },
      "tool_calls[0].function.name",
    );
  });
});

const TOOL_LOOP_IR: IRRequest = {
  model: "m",
  system: [{ type: "text", text: "Be brief." }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Weather?" },
        { type: "image", mediaType: "image/png", data: PNG },
        { type: "image", url: `data:image/jpeg;base64,${JPEG}` },
        { type: "image", url: "https://example.com/cat.png" },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "Use the tool.", signature: "sig" },
        { type: "tool_call", id: "toolu_1", name: "get_current_weather", arguments: '{"location":"Paris"}' },
      ],
    },
    {
      role: "tool",
      content: [{ type: "tool_result", toolCallId: "toolu_1", content: [{ type: "text", text: "22C" }] }],
    },
  ],
  tools: [{ name: "get_current_weather", description: "d", parameters: WEATHER_TOOL.function.parameters }],
  toolChoice: { type: "auto" },
  stream: false,
  maxTokens: 64,
  temperature: 0.2,
  topP: 0.8,
  topK: 40,
  stop: ["END"],
  seed: 7,
  presencePenalty: 0.1,
  frequencyPenalty: 0.3,
  reasoning: { effort: "medium" },
  responseFormat: { type: "json_object" },
};

describe("ollama encodeRequest", () => {
  test("chat: messages, recovered tool_name, options, format, think", () => {
    const body = chat.encodeRequest(TOOL_LOOP_IR, "qwen3:8b");
    assert.deepEqual(body, {
      model: "qwen3:8b",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather?", images: [PNG, JPEG] },
        {
          role: "assistant",
          content: "",
          thinking: "Use the tool.",
          tool_calls: [{ function: { name: "get_current_weather", arguments: { location: "Paris" } } }],
        },
        { role: "tool", content: "22C", tool_name: "get_current_weather" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_current_weather",
            description: "d",
            parameters: WEATHER_TOOL.function.parameters,
          },
        },
      ],
      stream: false,
      options: {
        temperature: 0.2,
        top_p: 0.8,
        top_k: 40,
        num_predict: 64,
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.3,
        stop: ["END"],
      },
      format: "json",
      think: "medium",
    });
  });

  test("chat: decode(encode(ir)) keeps the conversation", () => {
    const again = chat.decodeRequest(chat.encodeRequest(TOOL_LOOP_IR, "m"));
    assert.deepEqual(again.system, TOOL_LOOP_IR.system);
    assert.equal(again.messages.length, 3);
    const call = again.messages[1].content.find((p) => p.type === "tool_call");
    const result = again.messages[2].content[0];
    assert.ok(call && call.type === "tool_call" && result.type === "tool_result");
    assert.equal(result.toolCallId, call.id, "the result still answers the call");
    assert.equal(call.name, "get_current_weather");
    assert.deepEqual(JSON.parse(call.arguments), { location: "Paris" });
    assert.equal(again.maxTokens, 64);
    assert.deepEqual(again.responseFormat, { type: "json_object" });
  });

  test("think mapping from effort and budget", () => {
    const think = (reasoning: IRRequest["reasoning"]) =>
      chat.encodeRequest({ ...TOOL_LOOP_IR, reasoning }, "m").think;
    assert.equal(think({ effort: "none" }), false);
    assert.equal(think({ effort: "minimal" }), "low");
    assert.equal(think({ effort: "xhigh" }), "high");
    assert.equal(think({ effort: "auto" }), true);
    assert.equal(think({ budgetTokens: 2048 }), true);
    assert.equal(think({ budgetTokens: 0 }), false);
    assert.equal(think(undefined), undefined);
  });

  test("generate: prompt, system, images; conversations flatten to a transcript", () => {
    const single: IRRequest = {
      ...TOOL_LOOP_IR,
      messages: [TOOL_LOOP_IR.messages[0]],
      stream: true,
      reasoning: undefined,
    };
    const body = generate.encodeRequest(single, "llava");
    assert.equal(body.prompt, "Weather?");
    assert.equal(body.system, "Be brief.");
    assert.deepEqual(body.images, [PNG, JPEG]);
    assert.equal(body.stream, true);
    assert.equal(body.think, undefined);
    const flat = generate.encodeRequest(TOOL_LOOP_IR, "llava");
    assert.equal(flat.prompt, "User: Weather?\n\nTool: 22C\n\nAssistant:");
  });
});

describe("ollama generate decodeRequest", () => {
  test("prompt, system and images become instructions and one user turn", () => {
    const ir = generate.decodeRequest({
      model: "llava",
      prompt: "What is in this picture?",
      system: "Describe briefly.",
      images: [PNG],
      suffix: "    return result",
      raw: false,
      context: [1, 2, 3],
      options: { temperature: 0 },
    });
    assert.deepEqual(ir, {
      model: "llava",
      system: [{ type: "text", text: "Describe briefly." }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image", mediaType: "image/png", data: PNG },
          ],
        },
      ],
      stream: true,
      temperature: 0,
    });
  });

  test("an empty prompt is a load request with no messages; bad fields are 400s", () => {
    assert.deepEqual(generate.decodeRequest({ model: "llama3.2" }).messages, []);
    const decode = (b: unknown) => generate.decodeRequest(b);
    rejects400(decode, { model: "m", prompt: 1 }, "prompt");
    rejects400(decode, { model: "m", prompt: "x", system: {} }, "system");
    rejects400(decode, { model: "m", prompt: "x", images: "abc" }, "images");
    rejects400(decode, { prompt: "x" }, "model");
  });
});

describe("ollama responses", () => {
  test("documented chat tool-call response decodes to IR", () => {
    const res = chat.decodeResponse({
      model: "llama3.2",
      created_at: "2024-07-22T20:33:28.123648Z",
      message: {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            function: {
              name: "get_current_weather",
              arguments: { format: "celsius", location: "Paris, FR" },
            },
          },
        ],
      },
      done_reason: "stop",
      done: true,
      total_duration: 885095291,
      load_duration: 3753500,
      prompt_eval_count: 122,
      prompt_eval_duration: 328493000,
      eval_count: 33,
      eval_duration: 552222000,
    });
    assert.equal(res.model, "llama3.2");
    assert.equal(res.created, 1721680408);
    assert.equal(res.finishReason, "tool_calls");
    assert.deepEqual(res.usage, { inputTokens: 122, outputTokens: 33 });
    assert.equal(res.content.length, 1);
    const call = res.content[0];
    assert.ok(call.type === "tool_call");
    assert.match(call.id, /^call_/);
    assert.equal(call.name, "get_current_weather");
    assert.deepEqual(JSON.parse(call.arguments), { format: "celsius", location: "Paris, FR" });
  });

  test("documented generate response decodes to IR", () => {
    const res = generate.decodeResponse({
      model: "codellama:code",
      created_at: "2024-07-22T20:47:51.147561Z",
      response: "\n  if a == 0:\n    return b\n",
      done: true,
      done_reason: "length",
      context: [1, 2],
      prompt_eval_count: 17,
      eval_count: 63,
    });
    assert.deepEqual(res.content, [{ type: "text", text: "\n  if a == 0:\n    return b\n" }]);
    assert.equal(res.finishReason, "length");
    assert.deepEqual(res.usage, { inputTokens: 17, outputTokens: 63 });
    assert.throws(() => generate.decodeResponse({ error: "model not found" }), /model not found/);
  });

  const RESPONSE: IRResponse = {
    id: "msg_1",
    model: "claude-x",
    created: 1700000000,
    content: [
      { type: "reasoning", text: "Let me think.", signature: "sig" },
      { type: "text", text: "Calling." },
      { type: "tool_call", id: "toolu_9", name: "get_current_weather", arguments: '{"location":"Paris"}' },
    ],
    finishReason: "tool_calls",
    usage: { inputTokens: 11, outputTokens: 7, reasoningTokens: 3 },
  };

  test("encode chat response: message with thinking and object arguments, done fields", () => {
    assert.deepEqual(chat.encodeResponse(RESPONSE, { model: "my-model" }), {
      model: "my-model",
      created_at: "2023-11-14T22:13:20.000Z",
      message: {
        role: "assistant",
        content: "Calling.",
        thinking: "Let me think.",
        tool_calls: [
          {
            id: "toolu_9",
            function: { index: 0, name: "get_current_weather", arguments: { location: "Paris" } },
          },
        ],
      },
      done: true,
      done_reason: "stop",
      total_duration: 0,
      load_duration: 0,
      prompt_eval_count: 11,
      prompt_eval_duration: 0,
      eval_count: 7,
      eval_duration: 0,
    });
    const back = chat.decodeResponse(chat.encodeResponse(RESPONSE, { model: "m" }));
    assert.deepEqual(back.content, [
      { type: "reasoning", text: "Let me think." },
      { type: "text", text: "Calling." },
      { type: "tool_call", id: "toolu_9", name: "get_current_weather", arguments: '{"location":"Paris"}' },
    ]);
    assert.equal(back.finishReason, "tool_calls");
  });

  test("encode generate response: text and thinking only, length maps through", () => {
    assert.deepEqual(generate.encodeResponse({ ...RESPONSE, finishReason: "length" }, { model: "g" }), {
      model: "g",
      created_at: "2023-11-14T22:13:20.000Z",
      response: "Calling.",
      thinking: "Let me think.",
      done: true,
      done_reason: "length",
      total_duration: 0,
      load_duration: 0,
      prompt_eval_count: 11,
      prompt_eval_duration: 0,
      eval_count: 7,
      eval_duration: 0,
      context: [],
    });
  });
});

describe("ollama stream decoder", () => {
  test("documented chat stream with thinking, a whole tool call and the final counts", () => {
    const decoder = chat.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    const wire = [
      '{"model":"qwen3","created_at":"2025-05-27T22:54:57.1Z","message":{"role":"assistant","content":"","thinking":"The user"},"done":false}',
      '{"model":"qwen3","created_at":"2025-05-27T22:54:57.2Z","message":{"role":"assistant","content":"","thinking":" wants weather."},"done":false}',
      '{"model":"qwen3","created_at":"2025-05-27T22:54:57.641643Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_current_weather","arguments":{"format":"celsius","location":"Toronto"}}}]},"done":false}',
      '{"model":"qwen3","created_at":"2025-05-27T22:54:58.1Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":1,"load_duration":1,"prompt_eval_count":26,"prompt_eval_duration":1,"eval_count":40,"eval_duration":1}',
    ];
    for (const data of wire) decoder.push({ data }, out);
    decoder.end(out);
    const start = out[0];
    assert.ok(start.type === "start");
    assert.equal(start.model, "qwen3");
    assert.equal(start.created, 1748386497);
    const toolStart = out[3];
    assert.ok(toolStart.type === "tool_call_start");
    assert.deepEqual(out.slice(1), [
      { type: "reasoning", delta: "The user" },
      { type: "reasoning", delta: " wants weather." },
      { type: "tool_call_start", index: 0, id: toolStart.id, name: "get_current_weather" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"format":"celsius","location":"Toronto"}' },
      { type: "tool_call_end", index: 0 },
      { type: "usage", usage: { inputTokens: 26, outputTokens: 40 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  test("generate lines, several lines in one message, a cut stream and an error line", () => {
    const decoder = generate.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    decoder.push(
      {
        data: '{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","response":"The","done":false}\n{"model":"llama3.2","created_at":"2023-08-04T08:52:19.5-07:00","response":" sky","done":false}\n',
      },
      out,
    );
    decoder.end(out);
    assert.deepEqual(out.slice(1), [
      { type: "text", delta: "The" },
      { type: "text", delta: " sky" },
      { type: "finish", reason: "stop" },
    ]);
    const failing = chat.createStreamDecoder();
    const events: IRStreamEvent[] = [];
    failing.push({ data: '{"error":"an error was encountered while running the model"}' }, events);
    failing.end(events);
    assert.deepEqual(events, [
      {
        type: "error",
        status: 502,
        errorType: "upstream_error",
        message: "an error was encountered while running the model",
      },
    ]);
  });
});

/** A translated stream: reasoning (with a signature Ollama cannot carry), text, two fragmented tool calls. */
const EVENTS: IRStreamEvent[] = [
  { type: "start", id: "msg_1", model: "claude", created: 1700000000 },
  { type: "reasoning", delta: "Hmm" },
  { type: "reasoning_signature", signature: "sig" },
  { type: "text", delta: "Checking" },
  { type: "tool_call_start", index: 0, id: "toolu_a", name: "get_current_weather" },
  { type: "tool_call_delta", index: 0, argsDelta: '{"location":' },
  { type: "tool_call_start", index: 1, id: "toolu_b", name: "get_time" },
  { type: "tool_call_delta", index: 0, argsDelta: '"Paris"}' },
  { type: "tool_call_end", index: 0 },
  { type: "tool_call_delta", index: 1, argsDelta: "{}" },
  { type: "tool_call_end", index: 1 },
  { type: "usage", usage: { inputTokens: 12, outputTokens: 9 } },
  { type: "finish", reason: "tool_calls" },
];

function encodeAll(codec: typeof chat, events: IRStreamEvent[], ctx: EncodeContext): string {
  const encoder = codec.createStreamEncoder(ctx);
  let text = "";
  for (const e of events) text += encoder.encode(e);
  return text + encoder.end();
}

describe("ollama stream encoder", () => {
  test("chat: thinking and content deltas, tool calls whole, then one done line", () => {
    const out = lines(encodeAll(chat, EVENTS, { model: "alias" }));
    for (const line of out) {
      assert.equal(line.model, "alias");
      assert.ok(!Number.isNaN(Date.parse(line.created_at)));
    }
    assert.deepEqual(
      out.map((l) => ({ message: l.message, done: l.done })),
      [
        { message: { role: "assistant", content: "", thinking: "Hmm" }, done: false },
        { message: { role: "assistant", content: "Checking" }, done: false },
        {
          message: {
            role: "assistant",
            content: "",
            tool_calls: [
              {
                id: "toolu_a",
                function: { index: 0, name: "get_current_weather", arguments: { location: "Paris" } },
              },
            ],
          },
          done: false,
        },
        {
          message: {
            role: "assistant",
            content: "",
            tool_calls: [{ id: "toolu_b", function: { index: 1, name: "get_time", arguments: {} } }],
          },
          done: false,
        },
        { message: { role: "assistant", content: "" }, done: true },
      ],
    );
    const last = out.at(-1);
    assert.equal(last.done_reason, "stop");
    assert.equal(last.prompt_eval_count, 12);
    assert.equal(last.eval_count, 9);
    for (const key of ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"]) {
      assert.ok(Number.isInteger(last[key]) && last[key] >= 0, key);
    }
    assert.ok(last.total_duration >= last.eval_duration);
  });

  test("generate: response deltas, no tool calls, done line with context", () => {
    const events: IRStreamEvent[] = [...EVENTS.slice(0, -1), { type: "finish", reason: "length" }];
    const out = lines(encodeAll(generate, events, { model: "g" }));
    assert.deepEqual(
      out.map((l) => [l.response, l.thinking, l.done]),
      [
        ["", "Hmm", false],
        ["Checking", undefined, false],
        ["", undefined, true],
      ],
    );
    assert.equal(out[2].done_reason, "length");
    assert.deepEqual(out[2].context, []);
    assert.equal(out[2].message, undefined);
  });

  test("an error ends the stream with an error line; a missing finish still closes with done", () => {
    const encoder = chat.createStreamEncoder({ model: "m" });
    let text = encoder.encode(EVENTS[3]);
    text += encoder.encode({ type: "error", status: 500, errorType: "server_error", message: "boom" });
    text += encoder.encode(EVENTS[3]);
    text += encoder.end();
    assert.deepEqual(
      lines(text).map((l) => l.error ?? l.message.content),
      ["Checking", "boom"],
    );

    const unfinished = lines(encodeAll(chat, EVENTS.slice(0, 7), { model: "m" }));
    // Both open calls are flushed before the done line.
    assert.deepEqual(
      unfinished.slice(-3).map((l) => l.message.tool_calls?.[0].function.name ?? (l.done ? "done" : "")),
      ["get_current_weather", "get_time", "done"],
    );
  });

  test("encoder output decodes back to the same content", () => {
    const decoder = chat.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    for (const line of encodeAll(chat, EVENTS, { model: "m" }).split("\n")) decoder.push({ data: line }, out);
    decoder.end(out);
    assert.deepEqual(out.slice(1), [
      { type: "reasoning", delta: "Hmm" },
      { type: "text", delta: "Checking" },
      { type: "tool_call_start", index: 0, id: "toolu_a", name: "get_current_weather" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"location":"Paris"}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "toolu_b", name: "get_time" },
      { type: "tool_call_delta", index: 1, argsDelta: "{}" },
      { type: "tool_call_end", index: 1 },
      { type: "usage", usage: { inputTokens: 12, outputTokens: 9 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });
});

describe("ollama catalog", () => {
  test("families, tags, show, version and load bodies", () => {
    assert.equal(modelFamily("claude-sonnet-4-5"), "claude");
    assert.equal(modelFamily("gemini-2.5-pro"), "gemini");
    assert.equal(modelFamily("qwen3-coder-plus"), "qwen");
    assert.equal(modelFamily("openai/gpt-5"), "gpt");
    assert.equal(modelFamily("o3-mini"), "o3");

    const when = new Date("2025-01-02T03:04:05Z");
    const tags = ollamaTagsBody(["gpt-5", "claude-sonnet-4-5"], when);
    assert.equal(tags.models.length, 2);
    assert.deepEqual(
      { ...tags.models[1], digest: "" },
      {
        name: "claude-sonnet-4-5",
        model: "claude-sonnet-4-5",
        modified_at: "2025-01-02T03:04:05.000Z",
        size: 0,
        digest: "",
        details: {
          parent_model: "",
          format: "gguf",
          family: "claude",
          families: ["claude"],
          parameter_size: "",
          quantization_level: "",
        },
      },
    );
    assert.match(tags.models[0].digest, /^[0-9a-f]{64}$/);
    assert.notEqual(tags.models[0].digest, tags.models[1].digest);
    assert.equal(ollamaTagsBody(["gpt-5"]).models[0].digest, tags.models[0].digest, "digest is stable");

    const show: any = ollamaShowBody("gemini-2.5-pro", {
      contextLength: 1_048_576,
      capabilities: ["completion", "thinking"],
    });
    assert.equal(show.model_info["general.architecture"], "gemini");
    assert.equal(show.model_info["gemini.context_length"], 1_048_576);
    assert.deepEqual(show.capabilities, ["completion", "thinking"]);
    assert.deepEqual(ollamaShowBody("x").capabilities, ["completion", "tools", "vision"]);

    assert.deepEqual(ollamaVersionBody(), { version: OLLAMA_COMPAT_VERSION });
    assert.deepEqual(ollamaLoadBody("chat", "m", when), {
      model: "m",
      created_at: "2025-01-02T03:04:05.000Z",
      message: { role: "assistant", content: "" },
      done_reason: "load",
      done: true,
    });
    assert.equal((ollamaLoadBody("generate", "m", when) as any).response, "");
  });
});

describe("ollama npm client against the encoder", () => {
  let server: ReturnType<typeof createServer>;
  let client: Ollama;
  const seen: IRRequest[] = [];
  const MODELS = ["gpt-5", "claude-sonnet-4-5"];

  function json(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      if (req.url === "/api/tags") return json(res, ollamaTagsBody(MODELS));
      if (req.url === "/api/version") return json(res, ollamaVersionBody());
      const body = raw === "" ? {} : JSON.parse(raw);
      if (req.url === "/api/show") return json(res, ollamaShowBody(body.model));
      const codec = req.url === "/api/chat" ? chat : generate;
      const ir = codec.decodeRequest(body);
      seen.push(ir);
      const ctx: EncodeContext = { model: ir.model, request: ir };
      const prompt = JSON.stringify(ir.messages);
      const events: IRStreamEvent[] = prompt.includes("fail")
        ? [
            EVENTS[0],
            EVENTS[3],
            { type: "error", status: 502, errorType: "upstream_error", message: "upstream died" },
          ]
        : EVENTS;
      if (!ir.stream) {
        const res1: IRResponse = {
          id: "x",
          model: "up",
          created: 1700000000,
          content: [
            { type: "reasoning", text: "Hmm" },
            { type: "text", text: "Checking" },
            {
              type: "tool_call",
              id: "toolu_a",
              name: "get_current_weather",
              arguments: '{"location":"Paris"}',
            },
          ],
          finishReason: "tool_calls",
          usage: { inputTokens: 12, outputTokens: 9 },
        };
        return json(res, codec.encodeResponse(res1, ctx));
      }
      const encoder = codec.createStreamEncoder(ctx);
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (const e of events) res.write(encoder.encode(e));
      res.end(encoder.end());
    });
  }

  before(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new Ollama({ host: `http://127.0.0.1:${port}` });
  });
  after(() => server.close());

  test("chat stream: thinking, content, tool calls and the done line", async () => {
    const stream = await client.chat({
      model: "alias",
      stream: true,
      think: true,
      messages: [{ role: "user", content: "weather?", images: [Buffer.from(PNG, "base64")] }],
      tools: [WEATHER_TOOL],
    });
    let content = "";
    let thinking = "";
    const calls: { name: string; arguments: unknown }[] = [];
    let last: any;
    for await (const part of stream) {
      content += part.message.content;
      thinking += part.message.thinking ?? "";
      for (const call of part.message.tool_calls ?? []) calls.push(call.function);
      last = part;
    }
    assert.equal(content, "Checking");
    assert.equal(thinking, "Hmm");
    assert.deepEqual(
      calls.map((c) => [c.name, c.arguments]),
      [
        ["get_current_weather", { location: "Paris" }],
        ["get_time", {}],
      ],
    );
    assert.equal(last.done, true);
    assert.equal(last.done_reason, "stop");
    assert.equal(last.eval_count, 9);
    const ir = seen.at(-1)!;
    assert.equal(ir.model, "alias");
    assert.deepEqual(ir.reasoning, { effort: "auto", includeThoughts: true });
    assert.deepEqual(ir.messages[0].content[1], { type: "image", mediaType: "image/png", data: PNG });
    assert.equal(ir.tools?.[0].name, "get_current_weather");
  });

  test("chat non-stream", async () => {
    const res = await client.chat({ model: "alias", messages: [{ role: "user", content: "hi" }] });
    assert.equal(res.done, true);
    assert.equal(res.message.content, "Checking");
    assert.equal(res.message.thinking, "Hmm");
    assert.deepEqual(res.message.tool_calls?.[0].function.arguments, { location: "Paris" });
    assert.equal(seen.at(-1)?.stream, false);
  });

  test("generate stream and non-stream", async () => {
    const stream = await client.generate({ model: "alias", prompt: "Why is the sky blue?", stream: true });
    let text = "";
    let done = false;
    for await (const part of stream) {
      text += part.response;
      done = part.done;
    }
    assert.equal(text, "Checking");
    assert.equal(done, true);
    const single = await client.generate({ model: "alias", prompt: "x", system: "sys" });
    assert.equal(single.response, "Checking");
    assert.equal(single.done_reason, "stop");
    assert.deepEqual(seen.at(-1)?.system, [{ type: "text", text: "sys" }]);
  });

  test("an error mid-stream makes the client throw", async () => {
    const stream = await client.chat({
      model: "alias",
      stream: true,
      messages: [{ role: "user", content: "fail" }],
    });
    let text = "";
    await assert.rejects(async () => {
      for await (const part of stream) text += part.message.content;
    }, /upstream died/);
    assert.equal(text, "Checking");
  });

  test("list, show and version", async () => {
    const list = await client.list();
    assert.deepEqual(
      list.models.map((m) => [m.name, m.details.family]),
      [
        ["gpt-5", "gpt"],
        ["claude-sonnet-4-5", "claude"],
      ],
    );
    const show = await client.show({ model: "gpt-5" });
    assert.ok(show.capabilities.includes("tools"));
    assert.equal(show.details.family, "gpt");
    assert.equal((await client.version()).version, OLLAMA_COMPAT_VERSION);
  });
});
