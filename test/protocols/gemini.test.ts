import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { ApiError, GoogleGenAI } from "@google/genai";
import { geminiCodec } from "../../src/protocols/gemini/index.ts";
import type { IRRequest, IRResponse, IRStreamEvent } from "../../src/protocols/ir.ts";
import { ProxyError } from "../../src/server/errors.ts";

// ---------- helpers ----------

function decodeStream(messages: unknown[]): IRStreamEvent[] {
  const decoder = geminiCodec.createStreamDecoder();
  const out: IRStreamEvent[] = [];
  for (const m of messages) decoder.push({ data: typeof m === "string" ? m : JSON.stringify(m) }, out);
  decoder.end(out);
  return out;
}

function encodeStream(events: IRStreamEvent[], sse = true, model = "gemini-client-name"): string {
  const encoder = geminiCodec.createStreamEncoder({ model, sse });
  let text = "";
  for (const e of events) text += encoder.encode(e);
  return text + encoder.end();
}

/** Parses SSE text into the JSON of each data frame. */
function sseData(text: string): any[] {
  return text
    .split("\n\n")
    .filter((f) => f.trim() !== "")
    .map((f) => {
      assert.ok(f.startsWith("data: "), `frame must be a data line: ${f}`);
      return JSON.parse(f.slice(6));
    });
}

function partsOf(chunk: any): any[] {
  return chunk.candidates[0].content.parts;
}

function withoutVolatile(events: IRStreamEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === "start") return { type: "start", model: e.model };
    if (e.type === "tool_call_start") return { ...e, id: "<id>" };
    return e;
  });
}

// ---------- fixtures (shapes from the Gemini API reference) ----------

const WEATHER_SCHEMA = {
  type: "OBJECT",
  properties: {
    location: { type: "STRING", description: "City name" },
    unit: { type: "STRING", enum: ["celsius", "fahrenheit"], nullable: true },
  },
  required: ["location"],
  propertyOrdering: ["location", "unit"],
};

const FULL_REQUEST = {
  systemInstruction: { parts: [{ text: "You are a weather bot." }, { text: "Be brief." }] },
  contents: [
    {
      role: "user",
      parts: [
        { text: "Weather in Paris and Rome? Also look at this." },
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
        { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/doc.pdf" } },
      ],
    },
    {
      role: "model",
      parts: [
        { text: "Need weather for two cities.", thought: true },
        { functionCall: { name: "get_weather", args: { location: "Paris" } }, thoughtSignature: "SIG_CALL" },
        { functionCall: { name: "get_weather", args: { location: "Rome" } } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { output: "18C sunny" } } },
        { functionResponse: { name: "get_weather", response: { temperature: 22, sky: "clear" } } },
      ],
    },
  ],
  tools: [
    {
      functionDeclarations: [
        { name: "get_weather", description: "Current weather", parameters: WEATHER_SCHEMA },
      ],
    },
    { googleSearch: {} },
    {
      functionDeclarations: [
        {
          name: "lookup",
          parametersJsonSchema: {
            type: "object",
            properties: { q: { type: "string" } },
            additionalProperties: false,
          },
        },
      ],
    },
  ],
  toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
  generationConfig: {
    temperature: 0.3,
    topP: 0.9,
    topK: 40,
    maxOutputTokens: 1024,
    stopSequences: ["END"],
    candidateCount: 1,
    seed: 7,
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    responseMimeType: "application/json",
    responseJsonSchema: { type: "object", properties: { answer: { type: "string" } } },
    thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
  },
};

describe("gemini decodeRequest", () => {
  test("decodes every documented field", () => {
    const ir = geminiCodec.decodeRequest(structuredClone(FULL_REQUEST));
    assert.equal(ir.model, "");
    assert.equal(ir.stream, false);
    assert.deepEqual(ir.system, [
      { type: "text", text: "You are a weather bot." },
      { type: "text", text: "Be brief." },
    ]);
    assert.deepEqual(ir.messages, [
      {
        role: "user",
        content: [
          { type: "text", text: "Weather in Paris and Rome? Also look at this." },
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "file", url: "https://example.com/doc.pdf", mediaType: "application/pdf" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Need weather for two cities." },
          {
            type: "tool_call",
            id: "call_1_1",
            name: "get_weather",
            arguments: '{"location":"Paris"}',
            signature: "SIG_CALL",
          },
          { type: "tool_call", id: "call_1_2", name: "get_weather", arguments: '{"location":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            toolCallId: "call_1_1",
            name: "get_weather",
            content: [{ type: "text", text: "18C sunny" }],
          },
          {
            type: "tool_result",
            toolCallId: "call_1_2",
            name: "get_weather",
            content: [{ type: "text", text: '{"temperature":22,"sky":"clear"}' }],
          },
        ],
      },
    ]);
    assert.deepEqual(ir.tools, [
      {
        name: "get_weather",
        description: "Current weather",
        parameters: {
          type: "object",
          properties: {
            location: { type: "string", description: "City name" },
            unit: { type: ["string", "null"], enum: ["celsius", "fahrenheit"] },
          },
          required: ["location"],
        },
      },
      {
        name: "lookup",
        parameters: { type: "object", properties: { q: { type: "string" } }, additionalProperties: false },
      },
    ]);
    assert.deepEqual(ir.toolChoice, { type: "tool", name: "get_weather" });
    assert.equal(ir.temperature, 0.3);
    assert.equal(ir.topP, 0.9);
    assert.equal(ir.topK, 40);
    assert.equal(ir.maxTokens, 1024);
    assert.deepEqual(ir.stop, ["END"]);
    assert.equal(ir.n, 1);
    assert.equal(ir.seed, 7);
    assert.equal(ir.presencePenalty, 0.1);
    assert.equal(ir.frequencyPenalty, 0.2);
    assert.deepEqual(ir.responseFormat, {
      type: "json_schema",
      schema: { type: "object", properties: { answer: { type: "string" } } },
    });
    assert.deepEqual(ir.reasoning, { budgetTokens: 2048, includeThoughts: true });
  });

  test("snake_case field names decode like camelCase", () => {
    const snake = {
      system_instruction: { parts: [{ text: "sys" }] },
      contents: [
        { role: "user", parts: [{ inline_data: { mime_type: "image/jpeg", data: "AAAA" } }] },
        {
          role: "model",
          parts: [{ function_call: { name: "f", args: { a: 1 } }, thought_signature: "S1" }],
        },
        { role: "user", parts: [{ function_response: { name: "f", response: { output: "ok" } } }] },
      ],
      tools: [{ function_declarations: [{ name: "f", parameters_json_schema: { type: "object" } }] }],
      tool_config: { function_calling_config: { mode: "NONE" } },
      generation_config: {
        max_output_tokens: 50,
        top_p: 0.5,
        top_k: 3,
        stop_sequences: ["x"],
        response_mime_type: "application/json",
        thinking_config: { thinking_level: "LOW", include_thoughts: false },
      },
    };
    const camel = {
      systemInstruction: { parts: [{ text: "sys" }] },
      contents: [
        { role: "user", parts: [{ inlineData: { mimeType: "image/jpeg", data: "AAAA" } }] },
        { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } }, thoughtSignature: "S1" }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { output: "ok" } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object" } }] }],
      toolConfig: { functionCallingConfig: { mode: "NONE" } },
      generationConfig: {
        maxOutputTokens: 50,
        topP: 0.5,
        topK: 3,
        stopSequences: ["x"],
        responseMimeType: "application/json",
        thinkingConfig: { thinkingLevel: "LOW", includeThoughts: false },
      },
    };
    const a = geminiCodec.decodeRequest(snake);
    assert.deepEqual(a, geminiCodec.decodeRequest(camel));
    assert.deepEqual(a.reasoning, { effort: "low", includeThoughts: false });
    assert.deepEqual(a.toolChoice, { type: "none" });
    assert.deepEqual(a.responseFormat, { type: "json_object" });
    assert.equal(a.messages[2].content[0].type, "tool_result");
  });

  test("a streamed chat history (one model content per chunk) becomes one assistant turn", () => {
    const ir = geminiCodec.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "Let me ", thought: true }] },
        { role: "model", parts: [{ text: "think.", thought: true }] },
        { role: "model", parts: [{ text: "Hello", thoughtSignature: "SIG_T" }] },
        { role: "model", parts: [{ text: " there" }] },
        { role: "model", parts: [] },
        { role: "user", parts: [{ text: "again" }] },
      ],
    });
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Let me think.", signature: "SIG_T" },
          { type: "text", text: "Hello there" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "again" }] },
    ]);
  });

  test("a signature with no reasoning before it gets an empty reasoning part in its place", () => {
    const ir = geminiCodec.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "q" }] },
        { role: "model", parts: [{ text: "Hello" }, { text: " world", thoughtSignature: "S" }] },
      ],
    });
    assert.deepEqual(ir.messages[1].content, [
      { type: "text", text: "Hello" },
      { type: "reasoning", text: "", signature: "S" },
      { type: "text", text: " world" },
    ]);
  });

  test("responses match calls by id when given, else by name in order; results come before user text", () => {
    const ir = geminiCodec.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "go" }] },
        {
          role: "model",
          parts: [
            { functionCall: { name: "a", args: {} } },
            { functionCall: { name: "b", args: {} } },
            { functionCall: { id: "given-1", name: "a", args: {} } },
          ],
        },
        {
          role: "user",
          parts: [
            { text: "results:" },
            { functionResponse: { name: "b", response: { output: "B" } } },
            { functionResponse: { id: "given-1", name: "a", response: { output: "A2" } } },
            { functionResponse: { name: "a", response: { error: "boom" } } },
          ],
        },
      ],
    });
    const calls = ir.messages[1].content.map((p) => (p.type === "tool_call" ? p.id : ""));
    assert.deepEqual(calls, ["call_1_0", "call_1_1", "given-1"]);
    assert.equal(ir.messages[2].role, "tool");
    assert.deepEqual(
      ir.messages[2].content.map((p) => (p.type === "tool_result" ? [p.toolCallId, p.isError ?? false] : [])),
      [
        ["call_1_1", false],
        ["given-1", false],
        ["call_1_0", true],
      ],
    );
    assert.deepEqual(ir.messages[3], { role: "user", content: [{ type: "text", text: "results:" }] });
  });

  test("multimodal function responses keep their media", () => {
    const ir = geminiCodec.decodeRequest({
      contents: [
        { role: "model", parts: [{ functionCall: { name: "shot", args: {} } }] },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                name: "shot",
                response: { output: "taken" },
                parts: [{ inlineData: { mimeType: "image/png", data: "PNG" } }],
              },
            },
          ],
        },
      ],
    });
    assert.deepEqual(ir.messages[1].content[0], {
      type: "tool_result",
      toolCallId: "call_0_0",
      name: "shot",
      content: [
        { type: "text", text: "taken" },
        { type: "image", mediaType: "image/png", data: "PNG" },
      ],
    });
  });

  test("invalid bodies throw ProxyError 400 naming the field", () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /body/],
      [[], /body/],
      [{}, /contents/],
      [{ contents: "hi" }, /contents/],
      [{ contents: [{ role: "user" }] }, /contents\[0\]\.parts/],
      [{ contents: [{ role: "system", parts: [] }] }, /contents\[0\]\.role/],
      [{ contents: [], generationConfig: { temperature: "hot" } }, /generationConfig\.temperature/],
      [{ contents: [], generationConfig: { stopSequences: [1] } }, /stopSequences/],
      [
        { contents: [], tools: [{ functionDeclarations: [{ description: "x" }] }] },
        /functionDeclarations\[0\]\.name/,
      ],
      [{ contents: [], toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }, /mode/],
      [{ contents: [], generationConfig: { thinkingConfig: { thinkingLevel: "ultra" } } }, /thinkingLevel/],
    ];
    for (const [body, field] of cases) {
      assert.throws(
        () => geminiCodec.decodeRequest(body),
        (err: unknown) =>
          err instanceof ProxyError &&
          err.status === 400 &&
          err.type === "invalid_request_error" &&
          field.test(err.message),
        `expected 400 for ${JSON.stringify(body)}`,
      );
    }
  });
});

// ---------- encodeRequest ----------

function baseIR(overrides: Partial<IRRequest> = {}): IRRequest {
  return { model: "m", system: [], messages: [], stream: false, ...overrides };
}

describe("gemini encodeRequest", () => {
  test("maps roles, names tool results from history and groups them in one user content", () => {
    const body = geminiCodec.encodeRequest(
      baseIR({
        system: [{ type: "text", text: "Be terse." }],
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "hi" },
              { type: "image", url: "data:image/png;base64,QUJD" },
              { type: "image", url: "https://example.com/cat.jpg" },
              { type: "file", mediaType: "application/pdf", data: "UERG", filename: "a.pdf" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Calling." },
              { type: "tool_call", id: "toolu_1", name: "read", arguments: '{"path":"a"}' },
              { type: "tool_call", id: "toolu_2", name: "read", arguments: "" },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool_result", toolCallId: "toolu_1", content: [{ type: "text", text: "AAA" }] },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool_result",
                toolCallId: "toolu_2",
                isError: true,
                content: [
                  { type: "text", text: "denied" },
                  { type: "image", mediaType: "image/png", data: "IMG" },
                ],
              },
            ],
          },
          { role: "user", content: [{ type: "text", text: "thanks" }] },
        ],
      }),
      "gemini-2.5-flash",
    );
    assert.equal(body.model, undefined, "the model travels in the URL");
    assert.deepEqual(body.systemInstruction, { role: "user", parts: [{ text: "Be terse." }] });
    assert.deepEqual(body.contents, [
      {
        role: "user",
        parts: [
          { text: "hi" },
          { inlineData: { mimeType: "image/png", data: "QUJD" } },
          { fileData: { fileUri: "https://example.com/cat.jpg", mimeType: "image/jpeg" } },
          { inlineData: { mimeType: "application/pdf", data: "UERG" } },
        ],
      },
      {
        role: "model",
        parts: [
          { text: "Calling." },
          {
            functionCall: { name: "read", args: { path: "a" } },
            thoughtSignature: "skip_thought_signature_validator",
          },
          { functionCall: { name: "read", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "read", response: { output: "AAA" } } },
          { functionResponse: { name: "read", response: { error: "denied" } } },
          { inlineData: { mimeType: "image/png", data: "IMG" } },
        ],
      },
      { role: "user", parts: [{ text: "thanks" }] },
    ]);
    assert.ok(Array.isArray(body.safetySettings));
  });

  test("reasoning signatures ride on the next non-thought part; real call signatures are kept", () => {
    const body = geminiCodec.encodeRequest(
      baseIR({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "thinking", signature: "SIG_TEXT" },
              { type: "text", text: "answer" },
              { type: "reasoning", text: "", redacted: "opaque" },
              { type: "reasoning", text: "more", signature: "SIG_END" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "", signature: "SIG_LOOSE" },
              { type: "tool_call", id: "c1", name: "f", arguments: "{}", signature: "SIG_CALL" },
            ],
          },
        ],
      }),
      "gemini-2.5-pro",
    );
    const contents = body.contents as any[];
    assert.deepEqual(contents[0].parts, [
      { text: "thinking", thought: true },
      { text: "answer", thoughtSignature: "SIG_TEXT" },
      { text: "more", thought: true, thoughtSignature: "SIG_END" },
    ]);
    assert.deepEqual(contents[1].parts, [
      { thought: true, text: "", thoughtSignature: "SIG_LOOSE" },
      { functionCall: { name: "f", args: {} }, thoughtSignature: "SIG_CALL" },
    ]);
  });

  test("tools use parametersJsonSchema, cleaned of what Gemini rejects; tool choice and config fields", () => {
    const body = geminiCodec.encodeRequest(
      baseIR({
        tools: [
          {
            name: "pick",
            description: "Pick one",
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: {
                kind: { const: "fruit", description: "fixed" },
                item: { $ref: "#/$defs/Item", description: "dropped beside $ref" },
                properties: { type: "string" },
              },
              $defs: {
                Item: {
                  type: "object",
                  properties: { name: { type: "string" } },
                  additionalProperties: false,
                },
              },
              required: ["kind"],
              additionalProperties: false,
            },
          },
        ],
        toolChoice: { type: "required" },
        temperature: 0.5,
        topP: 0.8,
        topK: 20,
        maxTokens: 300,
        stop: ["STOP"],
        seed: 1,
        presencePenalty: 0.3,
        frequencyPenalty: 0.4,
        responseFormat: { type: "json_schema", name: "out", schema: { $schema: "x", type: "object" } },
      }),
      "gemini-2.5-flash",
    );
    assert.deepEqual(body.tools, [
      {
        functionDeclarations: [
          {
            name: "pick",
            description: "Pick one",
            parametersJsonSchema: {
              type: "object",
              properties: {
                kind: { enum: ["fruit"], description: "fixed" },
                item: { $ref: "#/$defs/Item" },
                properties: { type: "string" },
              },
              $defs: {
                Item: {
                  type: "object",
                  properties: { name: { type: "string" } },
                  additionalProperties: false,
                },
              },
              required: ["kind"],
              additionalProperties: false,
            },
          },
        ],
      },
    ]);
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: "ANY" } });
    assert.deepEqual(body.generationConfig, {
      temperature: 0.5,
      topP: 0.8,
      topK: 20,
      maxOutputTokens: 300,
      stopSequences: ["STOP"],
      seed: 1,
      presencePenalty: 0.3,
      frequencyPenalty: 0.4,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object" },
    });
  });

  test("a schema that needs no cleaning is passed through without copying", () => {
    const parameters = { type: "object", properties: { a: { type: "array", items: { type: "string" } } } };
    const body = geminiCodec.encodeRequest(
      baseIR({ tools: [{ name: "t", parameters }] }),
      "gemini-2.5-flash",
    );
    assert.equal((body.tools as any)[0].functionDeclarations[0].parametersJsonSchema, parameters);
  });

  test("tool choice forms", () => {
    const tools = [{ name: "t" }];
    const cfg = (toolChoice: IRRequest["toolChoice"]) =>
      geminiCodec.encodeRequest(baseIR({ tools, toolChoice }), "gemini-2.5-flash").toolConfig;
    assert.deepEqual(cfg({ type: "auto" }), { functionCallingConfig: { mode: "AUTO" } });
    assert.deepEqual(cfg({ type: "none" }), { functionCallingConfig: { mode: "NONE" } });
    assert.deepEqual(cfg({ type: "tool", name: "t" }), {
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["t"] },
    });
  });

  test("thinking: budgets for 2.5, levels for 3, explicit budgets kept", () => {
    const thinking = (reasoning: IRRequest["reasoning"], model: string) =>
      (geminiCodec.encodeRequest(baseIR({ reasoning }), model).generationConfig as any)?.thinkingConfig;
    assert.deepEqual(thinking({ effort: "high" }, "gemini-2.5-flash"), {
      thinkingBudget: 24576,
      includeThoughts: true,
    });
    assert.deepEqual(thinking({ effort: "none" }, "gemini-2.5-flash"), { thinkingBudget: 0 });
    assert.deepEqual(thinking({ effort: "none" }, "gemini-2.5-pro"), { thinkingBudget: 128 });
    assert.deepEqual(thinking({ effort: "auto" }, "gemini-2.5-pro"), {
      thinkingBudget: -1,
      includeThoughts: true,
    });
    assert.deepEqual(thinking({ effort: "medium" }, "gemini-3-flash-preview"), {
      thinkingLevel: "medium",
      includeThoughts: true,
    });
    assert.deepEqual(thinking({ effort: "minimal" }, "gemini-3-pro-preview"), {
      thinkingLevel: "low",
      includeThoughts: true,
    });
    assert.deepEqual(thinking({ effort: "xhigh", includeThoughts: false }, "gemini-3.1-pro-preview"), {
      thinkingLevel: "high",
      includeThoughts: false,
    });
    assert.deepEqual(thinking({ budgetTokens: 4096 }, "gemini-3-flash-preview"), {
      thinkingBudget: 4096,
      includeThoughts: true,
    });
    assert.equal(thinking(undefined, "gemini-2.5-flash"), undefined);
  });

  test("decode(encode(ir)) keeps the conversation", () => {
    const ir = baseIR({
      model: "",
      system: [{ type: "text", text: "sys" }],
      messages: [
        { role: "user", content: [{ type: "text", text: "weather?" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "check tool", signature: "SIG" },
            { type: "text", text: "Let me check." },
            {
              type: "tool_call",
              id: "x",
              name: "get_weather",
              arguments: '{"city":"Oslo"}',
              signature: "SIG_C",
            },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool_result", toolCallId: "x", content: [{ type: "text", text: "cold" }] }],
        },
      ],
      tools: [{ name: "get_weather", description: "d", parameters: { type: "object" } }],
      toolChoice: { type: "auto" },
      maxTokens: 99,
      stop: ["Z"],
      reasoning: { budgetTokens: 1000, includeThoughts: true },
      responseFormat: { type: "json_schema", schema: { type: "object" } },
    });
    const back = geminiCodec.decodeRequest(geminiCodec.encodeRequest(ir, "gemini-2.5-flash"));
    assert.deepEqual(back.system, ir.system);
    assert.deepEqual(back.messages, [
      ir.messages[0],
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "check tool", signature: "SIG" },
          { type: "text", text: "Let me check." },
          {
            type: "tool_call",
            id: "call_1_2",
            name: "get_weather",
            arguments: '{"city":"Oslo"}',
            signature: "SIG_C",
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            toolCallId: "call_1_2",
            name: "get_weather",
            content: [{ type: "text", text: "cold" }],
          },
        ],
      },
    ]);
    assert.deepEqual(back.tools, ir.tools);
    assert.deepEqual(back.toolChoice, ir.toolChoice);
    assert.equal(back.maxTokens, 99);
    assert.deepEqual(back.stop, ["Z"]);
    assert.deepEqual(back.reasoning, ir.reasoning);
    assert.deepEqual(back.responseFormat, ir.responseFormat);
  });
});

// ---------- responses ----------

const DOC_RESPONSE = {
  candidates: [
    {
      content: {
        role: "model",
        parts: [
          { text: "**Planning** the call", thought: true },
          { text: "I'll check.", thoughtSignature: "SIG_A" },
          { functionCall: { name: "get_weather", args: { location: "Boston" } }, thoughtSignature: "SIG_B" },
        ],
      },
      finishReason: "STOP",
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 100,
    candidatesTokenCount: 20,
    thoughtsTokenCount: 30,
    cachedContentTokenCount: 40,
    totalTokenCount: 150,
  },
  modelVersion: "gemini-2.5-flash",
  responseId: "resp-123",
};

describe("gemini responses", () => {
  test("decodeResponse maps parts, finish and usage", () => {
    const res = geminiCodec.decodeResponse(structuredClone(DOC_RESPONSE));
    assert.equal(res.id, "resp-123");
    assert.equal(res.model, "gemini-2.5-flash");
    assert.equal(res.finishReason, "tool_calls");
    assert.deepEqual(res.usage, {
      inputTokens: 100,
      outputTokens: 50,
      cachedInputTokens: 40,
      reasoningTokens: 30,
    });
    assert.equal(res.content.length, 3);
    assert.deepEqual(res.content[0], {
      type: "reasoning",
      text: "**Planning** the call",
      signature: "SIG_A",
    });
    assert.deepEqual(res.content[1], { type: "text", text: "I'll check." });
    const call = res.content[2];
    assert.equal(call.type, "tool_call");
    assert.ok(call.type === "tool_call" && call.id.startsWith("call_"));
    assert.deepEqual(
      { ...call, id: "" },
      {
        type: "tool_call",
        id: "",
        name: "get_weather",
        arguments: '{"location":"Boston"}',
        signature: "SIG_B",
      },
    );
  });

  test("finish reasons", () => {
    const finish = (finishReason: string) =>
      geminiCodec.decodeResponse({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] })
        .finishReason;
    assert.equal(finish("STOP"), "stop");
    assert.equal(finish("MAX_TOKENS"), "length");
    for (const r of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"])
      assert.equal(finish(r), "content_filter");
    assert.equal(finish("MALFORMED_FUNCTION_CALL"), "error");
    assert.equal(finish("OTHER"), "stop");
    const blocked = geminiCodec.decodeResponse({
      promptFeedback: { blockReason: "SAFETY" },
      usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
    });
    assert.equal(blocked.finishReason, "content_filter");
    assert.deepEqual(blocked.content, []);
    assert.deepEqual(blocked.usage, { inputTokens: 5, outputTokens: 0 });
  });

  test("decodeResponse rejects a non-object body as an upstream error", () => {
    assert.throws(
      () => geminiCodec.decodeResponse("nope"),
      (e: unknown) => e instanceof ProxyError && e.status === 502,
    );
  });

  test("encodeResponse writes Gemini's shape with the client's model name", () => {
    const res: IRResponse = {
      id: "msg_1",
      model: "claude-x",
      created: 1,
      content: [
        { type: "reasoning", text: "hmm", signature: "S" },
        { type: "text", text: "Hi" },
        { type: "tool_call", id: "t1", name: "f", arguments: '{"a":1}' },
        { type: "image", mediaType: "image/png", data: "PNG" },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 10, outputTokens: 8, reasoningTokens: 3, cachedInputTokens: 4 },
    };
    const body = geminiCodec.encodeResponse(res, { model: "gemini-2.5-pro" }) as any;
    assert.deepEqual(body, {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "hmm", thought: true },
              { text: "Hi", thoughtSignature: "S" },
              { functionCall: { name: "f", args: { a: 1 } } },
              { inlineData: { mimeType: "image/png", data: "PNG" } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        candidatesTokenCount: 5,
        totalTokenCount: 18,
        cachedContentTokenCount: 4,
        thoughtsTokenCount: 3,
      },
      modelVersion: "gemini-2.5-pro",
      responseId: "msg_1",
    });
    // and back: usage survives the round trip
    assert.deepEqual(geminiCodec.decodeResponse(body).usage, res.usage);
    const finish = (finishReason: IRResponse["finishReason"]) =>
      (geminiCodec.encodeResponse({ ...res, finishReason }, { model: "m" }) as any).candidates[0]
        .finishReason;
    assert.equal(finish("length"), "MAX_TOKENS");
    assert.equal(finish("content_filter"), "SAFETY");
    assert.equal(finish("stop"), "STOP");
  });
});

// ---------- stream decoder ----------

describe("gemini stream decoder", () => {
  test("decodes a documented thinking + function-call stream", () => {
    const events = decodeStream([
      {
        candidates: [
          { content: { role: "model", parts: [{ text: "Thinking about ", thought: true }] }, index: 0 },
        ],
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
        modelVersion: "gemini-2.5-flash",
        responseId: "r1",
      },
      {
        candidates: [{ content: { role: "model", parts: [{ text: "weather", thought: true }] }, index: 0 }],
        modelVersion: "gemini-2.5-flash",
        responseId: "r1",
      },
      {
        candidates: [
          { content: { role: "model", parts: [{ text: "Checking", thoughtSignature: "SIG_T" }] }, index: 0 },
        ],
      },
      { candidates: [{ content: { role: "model", parts: [{ text: " now." }] }, index: 0 }] },
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "SIG_C" },
                { functionCall: { name: "get_time", args: {} } },
              ],
            },
            finishReason: "STOP",
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 12,
          candidatesTokenCount: 9,
          thoughtsTokenCount: 5,
          totalTokenCount: 26,
        },
      },
    ]);
    assert.deepEqual(withoutVolatile(events), [
      { type: "start", model: "gemini-2.5-flash" },
      { type: "reasoning", delta: "Thinking about " },
      { type: "reasoning", delta: "weather" },
      { type: "reasoning_signature", signature: "SIG_T" },
      { type: "text", delta: "Checking" },
      { type: "text", delta: " now." },
      { type: "tool_call_start", index: 0, id: "<id>", name: "get_weather", signature: "SIG_C" },
      { type: "tool_call_delta", index: 0, argsDelta: '{"city":"Paris"}' },
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_start", index: 1, id: "<id>", name: "get_time" },
      { type: "tool_call_delta", index: 1, argsDelta: "{}" },
      { type: "tool_call_end", index: 1 },
      { type: "usage", usage: { inputTokens: 12, outputTokens: 14, reasoningTokens: 5 } },
      { type: "finish", reason: "tool_calls" },
    ]);
    assert.equal((events[0] as any).id, "r1");
    const ids = events.filter((e) => e.type === "tool_call_start").map((e) => (e as any).id);
    assert.notEqual(ids[0], ids[1]);
  });

  test("end() finishes a stream that never sent finishReason; usage keeps the last value", () => {
    const events = decodeStream([
      { candidates: [{ content: { parts: [{ text: "a" }] } }], usageMetadata: { promptTokenCount: 1 } },
      {
        candidates: [{ content: { parts: [{ text: "b" }] } }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 },
      },
    ]);
    assert.deepEqual(withoutVolatile(events), [
      { type: "start", model: "" },
      { type: "text", delta: "a" },
      { type: "text", delta: "b" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 2 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("MAX_TOKENS, blocked prompts and images", () => {
    const cut = decodeStream([
      { candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "MAX_TOKENS" }] },
    ]);
    assert.deepEqual(cut.at(-1), { type: "finish", reason: "length" });
    const blocked = decodeStream([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } }]);
    assert.deepEqual(blocked.at(-1), { type: "finish", reason: "content_filter" });
    const img = decodeStream([
      { candidates: [{ content: { parts: [{ inlineData: { mimeType: "image/png", data: "P" } }] } }] },
    ]);
    assert.deepEqual(img[1], { type: "image", mediaType: "image/png", data: "P" });
  });

  test("an error chunk mid-stream ends the stream with an error event, no finish", () => {
    const events = decodeStream([
      { candidates: [{ content: { parts: [{ text: "partial" }] } }] },
      { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
      { candidates: [{ content: { parts: [{ text: "ignored" }] } }] },
    ]);
    assert.deepEqual(withoutVolatile(events), [
      { type: "start", model: "" },
      { type: "text", delta: "partial" },
      { type: "error", status: 503, errorType: "server_error", message: "The model is overloaded." },
    ]);
    const bad = decodeStream(["{not json"]);
    assert.equal(bad[0].type, "error");
    assert.equal(bad.length, 1);
  });
});

// ---------- stream encoder ----------

const STREAM_EVENTS: IRStreamEvent[] = [
  { type: "start", id: "msg_9", model: "claude-x", created: 1 },
  { type: "reasoning", delta: "Let me " },
  { type: "reasoning", delta: "think." },
  { type: "reasoning_signature", signature: "SIG_R" },
  { type: "text", delta: "Sure" },
  { type: "tool_call_start", index: 0, id: "toolu_1", name: "get_weather" },
  { type: "tool_call_delta", index: 0, argsDelta: '{"ci' },
  { type: "tool_call_delta", index: 0, argsDelta: 'ty":"Paris"}' },
  { type: "tool_call_start", index: 1, id: "toolu_2", name: "get_time", signature: "SIG_CALL" },
  { type: "tool_call_end", index: 0 },
  { type: "tool_call_delta", index: 1, argsDelta: "{}" },
  { type: "tool_call_end", index: 1 },
  { type: "usage", usage: { inputTokens: 20, outputTokens: 15, reasoningTokens: 6 } },
  { type: "finish", reason: "tool_calls" },
];

describe("gemini stream encoder", () => {
  test("SSE: one chunk per event, whole function calls, finish and usage on the last chunk", () => {
    const text = encodeStream(STREAM_EVENTS);
    const chunks = sseData(text);
    assert.deepEqual(chunks.map(partsOf), [
      [{ text: "Let me ", thought: true }],
      [{ text: "think.", thought: true }],
      [{ text: "Sure", thoughtSignature: "SIG_R" }],
      [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }],
      [{ functionCall: { name: "get_time", args: {} }, thoughtSignature: "SIG_CALL" }],
      [{ text: "" }],
    ]);
    for (const c of chunks) {
      assert.equal(c.modelVersion, "gemini-client-name");
      assert.equal(c.responseId, "msg_9");
      assert.equal(c.candidates[0].content.role, "model");
      assert.equal(c.candidates[0].index, 0);
    }
    const last = chunks.at(-1);
    assert.equal(last.candidates[0].finishReason, "STOP");
    assert.deepEqual(last.usageMetadata, {
      promptTokenCount: 20,
      candidatesTokenCount: 9,
      totalTokenCount: 35,
      thoughtsTokenCount: 6,
    });
    assert.ok(
      chunks
        .slice(0, -1)
        .every((c) => c.usageMetadata === undefined && c.candidates[0].finishReason === undefined),
    );
  });

  test("a signature nothing carries goes out on an empty thought part", () => {
    const chunks = sseData(
      encodeStream([
        { type: "start", id: "a", model: "m", created: 1 },
        { type: "reasoning", delta: "one" },
        { type: "reasoning_signature", signature: "S1" },
        { type: "reasoning", delta: "two" },
        { type: "reasoning_signature", signature: "S2" },
        { type: "reasoning_redacted", data: "zzz" },
        { type: "finish", reason: "stop" },
      ]),
    );
    assert.deepEqual(chunks.map(partsOf), [
      [{ text: "one", thought: true }],
      [
        { thought: true, text: "", thoughtSignature: "S1" },
        { text: "two", thought: true },
      ],
      [{ thought: true, text: "", thoughtSignature: "S2" }],
    ]);
  });

  test("JSON-array mode frames chunks like Google without alt=sse", () => {
    const text = encodeStream(
      [
        { type: "start", id: "r", model: "m", created: 1 },
        { type: "text", delta: "Hel" },
        { type: "text", delta: "lo" },
        { type: "finish", reason: "length" },
      ],
      false,
    );
    assert.ok(text.startsWith('[{"candidates"'));
    assert.ok(text.endsWith("}]"));
    assert.equal(text.split(",\r\n{").length, 3);
    const arr = JSON.parse(text);
    assert.deepEqual(arr.map(partsOf), [[{ text: "Hel" }], [{ text: "lo" }], [{ text: "" }]]);
    assert.equal(arr[2].candidates[0].finishReason, "MAX_TOKENS");
    assert.equal(encodeStream([], false), "[]");
  });

  test("errors end the stream in both modes", () => {
    const events: IRStreamEvent[] = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text", delta: "par" },
      { type: "error", status: 429, errorType: "rate_limit_error", message: "slow down" },
      { type: "text", delta: "never" },
    ];
    const sse = sseData(encodeStream(events));
    assert.equal(sse.length, 2);
    assert.deepEqual(sse[1], { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } });
    const arr = JSON.parse(encodeStream(events, false));
    assert.equal(arr.length, 2);
    assert.deepEqual(arr[1], { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } });
  });

  test("Gemini upstream -> IR -> Gemini client keeps parts and signature placement", () => {
    const upstream = [
      {
        candidates: [{ content: { role: "model", parts: [{ text: "plan", thought: true }] } }],
        responseId: "r",
      },
      { candidates: [{ content: { role: "model", parts: [{ text: "Answer", thoughtSignature: "SIG" }] } }] },
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [{ functionCall: { name: "f", args: { x: 1 } }, thoughtSignature: "SIG_F" }],
            },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 },
      },
    ];
    const chunks = sseData(encodeStream(decodeStream(upstream), true, "gemini-2.5-flash"));
    assert.deepEqual(chunks.map(partsOf), [
      [{ text: "plan", thought: true }],
      [{ text: "Answer", thoughtSignature: "SIG" }],
      [{ functionCall: { name: "f", args: { x: 1 } }, thoughtSignature: "SIG_F" }],
      [{ text: "" }],
    ]);
    assert.equal(chunks[0].responseId, "r");
    assert.deepEqual(chunks.at(-1).usageMetadata, {
      promptTokenCount: 4,
      candidatesTokenCount: 3,
      totalTokenCount: 7,
    });
  });
});

// ---------- the official SDK against our encoder ----------

async function serve(
  handler: (req: IncomingMessage, body: any) => { status?: number; type: string; body: string },
) {
  const requests: Array<{ url: string; body: any }> = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    requests.push({ url: req.url ?? "", body });
    const out = handler(req, body);
    res.writeHead(out.status ?? 200, { "content-type": out.type });
    // Write in small pieces to exercise the SDK's frame reassembly.
    for (let i = 0; i < out.body.length; i += 37) res.write(out.body.slice(i, i + 37));
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  return { ai, requests, close: () => new Promise((r) => server.close(r)) };
}

describe("@google/genai SDK accepts our output", () => {
  test("generateContentStream: thoughts, text, function calls, usage", async () => {
    const srv = await serve(() => ({
      type: "text/event-stream",
      body: encodeStream(STREAM_EVENTS, true, "gemini-2.5-pro"),
    }));
    try {
      const stream = await srv.ai.models.generateContentStream({
        model: "gemini-2.5-pro",
        contents: "What is the weather in Paris?",
        config: { thinkingConfig: { includeThoughts: true } },
      });
      let thoughts = "";
      let text = "";
      const calls: any[] = [];
      let last: any;
      for await (const chunk of stream) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          if (part.thought) thoughts += part.text ?? "";
          else if (part.text !== undefined) text += part.text;
        }
        calls.push(...(chunk.functionCalls ?? []));
        last = chunk;
      }
      assert.equal(thoughts, "Let me think.");
      assert.equal(text, "Sure");
      assert.deepEqual(
        calls.map((c) => [c.name, c.args]),
        [
          ["get_weather", { city: "Paris" }],
          ["get_time", {}],
        ],
      );
      assert.equal(last.candidates[0].finishReason, "STOP");
      assert.equal(last.usageMetadata.thoughtsTokenCount, 6);
      assert.equal(last.modelVersion, "gemini-2.5-pro");
      assert.match(srv.requests[0].url, /\/v1beta\/models\/gemini-2\.5-pro:streamGenerateContent\?alt=sse/);
      // the SDK's request decodes into our IR
      const ir = geminiCodec.decodeRequest(srv.requests[0].body);
      assert.deepEqual(ir.messages, [
        { role: "user", content: [{ type: "text", text: "What is the weather in Paris?" }] },
      ]);
      assert.deepEqual(ir.reasoning, { includeThoughts: true });
    } finally {
      await srv.close();
    }
  });

  test("a chat session records the streamed turn and sends signatures back, which we decode", async () => {
    let turn = 0;
    const srv = await serve(() => {
      turn++;
      const events: IRStreamEvent[] =
        turn === 1
          ? STREAM_EVENTS
          : [
              { type: "start", id: "r2", model: "x", created: 1 },
              { type: "text", delta: "It is sunny." },
              { type: "finish", reason: "stop" },
            ];
      return { type: "text/event-stream", body: encodeStream(events, true, "gemini-2.5-pro") };
    });
    try {
      const chat = srv.ai.chats.create({ model: "gemini-2.5-pro" });
      for await (const _ of await chat.sendMessageStream({ message: "weather?" })) {
        // drain
      }
      const answer = await chat.sendMessageStream({
        message: [
          { functionResponse: { name: "get_weather", response: { output: "sunny" } } },
          { functionResponse: { name: "get_time", response: { output: "noon" } } },
        ],
      });
      let text = "";
      for await (const chunk of answer) text += chunk.text ?? "";
      assert.equal(text, "It is sunny.");
      const ir = geminiCodec.decodeRequest(srv.requests[1].body);
      assert.equal(ir.messages.length, 3);
      const assistant = ir.messages[1];
      assert.deepEqual(
        assistant.content.map((p) => ({ ...p, id: undefined })),
        [
          { type: "reasoning", text: "Let me think.", signature: "SIG_R", id: undefined },
          { type: "text", text: "Sure", id: undefined },
          { type: "tool_call", id: undefined, name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool_call", id: undefined, name: "get_time", arguments: "{}", signature: "SIG_CALL" },
        ],
      );
      const callIds = assistant.content.flatMap((p) => (p.type === "tool_call" ? [p.id] : []));
      const resultIds = ir.messages[2].content.flatMap((p) =>
        p.type === "tool_result" ? [p.toolCallId] : [],
      );
      assert.deepEqual(resultIds, callIds);
    } finally {
      await srv.close();
    }
  });

  test("an error frame mid-stream surfaces as ApiError", async () => {
    const body = encodeStream([
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text", delta: "partial" },
      { type: "error", status: 503, errorType: "server_error", message: "upstream went away" },
    ]);
    const srv = await serve(() => ({ type: "text/event-stream", body }));
    try {
      const stream = await srv.ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
      let text = "";
      await assert.rejects(
        (async () => {
          for await (const chunk of stream) text += chunk.text ?? "";
        })(),
        (err: unknown) =>
          err instanceof ApiError && err.status === 503 && /upstream went away/.test(err.message),
      );
      assert.equal(text, "partial");
    } finally {
      await srv.close();
    }
  });

  test("generateContent reads our non-stream response", async () => {
    const res: IRResponse = {
      id: "x",
      model: "other",
      created: 1,
      content: [
        { type: "reasoning", text: "hmm", signature: "S" },
        { type: "text", text: "Hello!" },
      ],
      finishReason: "stop",
      usage: { inputTokens: 3, outputTokens: 4 },
    };
    const srv = await serve(() => ({
      type: "application/json",
      body: JSON.stringify(geminiCodec.encodeResponse(res, { model: "gemini-2.5-flash" })),
    }));
    try {
      const out = await srv.ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
      assert.equal(out.text, "Hello!");
      assert.equal(out.usageMetadata?.totalTokenCount, 7);
      assert.equal(out.candidates?.[0].content?.parts?.[1].thoughtSignature, "S");
    } finally {
      await srv.close();
    }
  });
});
