import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { geminiCliCodec } from "../../src/protocols/gemini-cli/index.ts";
import type { IRRequest, IRResponse, IRStreamEvent } from "../../src/protocols/ir.ts";
import { ProxyError } from "../../src/server/errors.ts";

/** A request as the Gemini CLI sends it to Code Assist (`/v1internal:streamGenerateContent`). */
const CLI_REQUEST = {
  model: "gemini-2.5-pro",
  project: "my-project-123",
  user_prompt_id: "abc########1",
  request: {
    contents: [
      { role: "user", parts: [{ text: "List files" }] },
      {
        role: "model",
        parts: [{ functionCall: { id: "ls-1", name: "list_directory", args: { path: "." } } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "ls-1", name: "list_directory", response: { output: "a.ts\nb.ts" } } },
        ],
      },
    ],
    systemInstruction: { role: "user", parts: [{ text: "You are an interactive CLI agent." }] },
    tools: [
      {
        functionDeclarations: [
          {
            name: "list_directory",
            description: "Lists a directory",
            parametersJsonSchema: {
              type: "object",
              properties: { path: { type: "string" } },
              required: ["path"],
            },
          },
        ],
      },
    ],
    generationConfig: {
      temperature: 0,
      topP: 1,
      thinkingConfig: { includeThoughts: true, thinkingBudget: -1 },
    },
    session_id: "s-1",
  },
};

describe("gemini-cli envelope", () => {
  test("decodeRequest unwraps the request and takes the model from the envelope", () => {
    const ir = geminiCliCodec.decodeRequest(structuredClone(CLI_REQUEST));
    assert.equal(ir.model, "gemini-2.5-pro");
    assert.equal(ir.stream, false);
    assert.deepEqual(ir.system, [{ type: "text", text: "You are an interactive CLI agent." }]);
    assert.deepEqual(ir.messages[1].content, [
      { type: "tool_call", id: "ls-1", name: "list_directory", arguments: '{"path":"."}' },
    ]);
    assert.deepEqual(ir.messages[2].content, [
      {
        type: "tool_result",
        toolCallId: "ls-1",
        name: "list_directory",
        content: [{ type: "text", text: "a.ts\nb.ts" }],
      },
    ]);
    assert.deepEqual(ir.reasoning, { budgetTokens: -1, includeThoughts: true });
    assert.equal(ir.tools?.[0].name, "list_directory");
  });

  test("decodeRequest rejects bodies without the envelope", () => {
    for (const body of [null, { contents: [] }, { model: "m", request: "x" }]) {
      assert.throws(
        () => geminiCliCodec.decodeRequest(body),
        (e: unknown) => e instanceof ProxyError && e.status === 400 && /request|body/.test(e.message),
      );
    }
    assert.throws(
      () => geminiCliCodec.decodeRequest({ model: "m", request: { contents: [{ role: "user" }] } }),
      (e: unknown) => e instanceof ProxyError && e.status === 400 && /contents\[0\]\.parts/.test(e.message),
    );
  });

  test("encodeRequest wraps the Gemini body, puts the model in the envelope and leaves project out", () => {
    const ir: IRRequest = {
      model: "client-name",
      system: [{ type: "text", text: "sys" }],
      messages: [
        { role: "user", content: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          content: [{ type: "tool_call", id: "call_9", name: "f", arguments: '{"a":1}' }],
        },
        {
          role: "tool",
          content: [{ type: "tool_result", toolCallId: "call_9", content: [{ type: "text", text: "ok" }] }],
        },
      ],
      maxTokens: 64,
      reasoning: { effort: "low" },
      stream: true,
    };
    const body = geminiCliCodec.encodeRequest(ir, "gemini-2.5-flash") as any;
    assert.deepEqual(Object.keys(body).sort(), ["model", "request"]);
    assert.equal(body.model, "gemini-2.5-flash");
    assert.equal(body.project, undefined);
    assert.deepEqual(body.request.contents, [
      { role: "user", parts: [{ text: "hi" }] },
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "f", args: { a: 1 } },
            thoughtSignature: "skip_thought_signature_validator",
          },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "f", response: { output: "ok" } } }] },
    ]);
    assert.deepEqual(body.request.generationConfig, {
      maxOutputTokens: 64,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    assert.equal(body.request.model, undefined);
    // and it decodes back
    const back = geminiCliCodec.decodeRequest({ ...body, project: "p" });
    assert.equal(back.model, "gemini-2.5-flash");
    assert.equal(back.messages.length, 3);
  });

  test("responses are unwrapped from and wrapped in `response`", () => {
    const upstream = {
      response: {
        candidates: [{ content: { role: "model", parts: [{ text: "Done." }] }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 2, totalTokenCount: 9 },
        modelVersion: "gemini-2.5-pro",
        responseId: "rid",
      },
      traceId: "t-1",
    };
    const res = geminiCliCodec.decodeResponse(upstream);
    assert.deepEqual(res.content, [{ type: "text", text: "Done." }]);
    assert.equal(res.finishReason, "stop");
    assert.deepEqual(res.usage, { inputTokens: 7, outputTokens: 2 });
    assert.equal(res.id, "rid");

    const out = geminiCliCodec.encodeResponse(res as IRResponse, { model: "gemini-2.5-pro" }) as any;
    assert.deepEqual(out.response.candidates[0].content.parts, [{ text: "Done." }]);
    assert.equal(out.response.modelVersion, "gemini-2.5-pro");
    assert.deepEqual(out.response.usageMetadata, {
      promptTokenCount: 7,
      candidatesTokenCount: 2,
      totalTokenCount: 9,
    });
  });

  test("stream decoder unwraps each message; a bare error object ends the stream", () => {
    const decoder = geminiCliCodec.createStreamDecoder();
    const out: IRStreamEvent[] = [];
    const frames = [
      {
        response: {
          candidates: [{ content: { role: "model", parts: [{ text: "th", thought: true }] } }],
          responseId: "r",
        },
        traceId: "t",
      },
      {
        response: {
          candidates: [
            { content: { role: "model", parts: [{ thought: true, text: "", thoughtSignature: "SIG" }] } },
          ],
        },
      },
      {
        response: {
          candidates: [
            {
              content: {
                role: "model",
                parts: [{ functionCall: { name: "read_file", args: { path: "x" } } }],
              },
              finishReason: "STOP",
            },
          ],
          usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
        },
      },
    ];
    for (const f of frames) decoder.push({ data: JSON.stringify(f) }, out);
    decoder.end(out);
    assert.deepEqual(
      out.map((e) =>
        e.type === "tool_call_start"
          ? { ...e, id: "" }
          : e.type === "start"
            ? { type: "start", id: e.id }
            : e,
      ),
      [
        { type: "start", id: "r" },
        { type: "reasoning", delta: "th" },
        { type: "reasoning_signature", signature: "SIG" },
        { type: "tool_call_start", index: 0, id: "", name: "read_file" },
        { type: "tool_call_delta", index: 0, argsDelta: '{"path":"x"}' },
        { type: "tool_call_end", index: 0 },
        { type: "usage", usage: { inputTokens: 3, outputTokens: 1 } },
        { type: "finish", reason: "tool_calls" },
      ],
    );

    const failing = geminiCliCodec.createStreamDecoder();
    const events: IRStreamEvent[] = [];
    failing.push(
      { data: JSON.stringify({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }) },
      events,
    );
    failing.end(events);
    assert.deepEqual(events, [
      { type: "error", status: 429, errorType: "rate_limit_error", message: "quota" },
    ]);
  });

  test("stream encoder wraps every chunk in `response` (SSE and JSON array); errors stay bare", () => {
    const events: IRStreamEvent[] = [
      { type: "start", id: "r1", model: "x", created: 1 },
      { type: "text", delta: "Hi" },
      { type: "usage", usage: { inputTokens: 2, outputTokens: 1 } },
      { type: "finish", reason: "stop" },
    ];
    const enc = geminiCliCodec.createStreamEncoder({ model: "gemini-2.5-pro", sse: true });
    let text = "";
    for (const e of events) text += enc.encode(e);
    text += enc.end();
    const frames = text
      .split("\n\n")
      .filter(Boolean)
      .map((f) => JSON.parse(f.replace(/^data: /, "")));
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[0].response.candidates[0].content.parts, [{ text: "Hi" }]);
    assert.equal(frames[0].response.modelVersion, "gemini-2.5-pro");
    assert.equal(frames[1].response.candidates[0].finishReason, "STOP");
    assert.deepEqual(frames[1].response.usageMetadata, {
      promptTokenCount: 2,
      candidatesTokenCount: 1,
      totalTokenCount: 3,
    });

    const arrEnc = geminiCliCodec.createStreamEncoder({ model: "m", sse: false });
    let arr = "";
    for (const e of [
      events[0],
      events[1],
      { type: "error", status: 500, errorType: "server_error", message: "x" } as IRStreamEvent,
    ]) {
      arr += arrEnc.encode(e);
    }
    arr += arrEnc.end();
    const parsed = JSON.parse(arr);
    assert.deepEqual(parsed[0].response.candidates[0].content.parts, [{ text: "Hi" }]);
    assert.deepEqual(parsed[1], { error: { code: 500, message: "x", status: "INTERNAL" } });
  });
});
