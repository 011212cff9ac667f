/** Translation matrix: the `openai` SDK on /v1/chat/completions against every upstream kind. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import OpenAI from "openai";
import type { Harness } from "../helpers/harness.ts";
import {
  ANSWER_SCHEMA,
  PNG_BASE64,
  schemaKeptMeaning,
  TIME_TOOL,
  TOOL_RESULT,
  WEATHER_TOOL,
} from "./kit/fixtures.ts";
import { assertBytesForwarded, probeFetch } from "./kit/passthrough.ts";
import { issuedReasoning, replay } from "./kit/replay.ts";
import {
  assertReasoningReturned,
  assertToolResultMatched,
  sentImages,
  sentOutputSchema,
} from "./kit/upstream-body.ts";
import {
  model,
  onlyRequest,
  requestedModel,
  startMatrix,
  UPSTREAM_KINDS,
  type UpstreamKind,
  upstreamModel,
} from "./kit/upstreams.ts";
import { assertChatUsage, neutralUsage, reportedUsage } from "./kit/usage.ts";

const tools: OpenAI.ChatCompletionTool[] = [WEATHER_TOOL, TIME_TOOL].map((t) => ({
  type: "function",
  function: t,
}));

/** Upstreams whose reasoning carries a signature the client must hand back. */
const SIGNS: ReadonlySet<UpstreamKind> = new Set(["anthropic", "gemini", "codex"]);

describe("matrix: openai chat client", () => {
  let h: Harness;
  let client: OpenAI;

  before(async () => {
    h = await startMatrix();
    client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  });
  after(() => h.close());

  it("a large translated stream to a slow reader keeps listeners bounded", async () => {
    // Every backpressure wait must clean up after itself; a leak shows as Node's warning.
    const warnings: Error[] = [];
    const onWarning = (w: Error) => {
      if (w.name === "MaxListenersExceededWarning") warnings.push(w);
    };
    process.on("warning", onWarning);
    try {
      const res = await fetch(`${h.proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: model("gemini", "echo"),
          messages: [{ role: "user", content: "word ".repeat(8000) }],
          stream: true,
        }),
      });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      let bytes = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        bytes += r.value.length;
        await sleep(1);
      }
      assert.ok(bytes > 1_000_000, `a large stream (${bytes} bytes)`);
      await sleep(10); // warnings are emitted on a later tick
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
    } finally {
      process.off("warning", onWarning);
    }
  });

  for (const kind of UPSTREAM_KINDS) {
    describe(`-> ${kind}`, () => {
      it("plain text, non-stream, exact usage", async () => {
        h.upstream.reset();
        const res = await client.chat.completions.create({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "hello matrix" }],
        });
        assert.equal(res.choices[0].message.content, "echo: hello matrix");
        assert.equal(res.choices[0].finish_reason, "stop");
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertChatUsage(res.usage, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, stream, exact usage", async () => {
        h.upstream.reset();
        const stream = await client.chat.completions.create({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "stream matrix please" }],
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = "";
        let chunks = 0;
        let finish: string | null | undefined;
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of stream) {
          chunks++;
          text += chunk.choices[0]?.delta?.content ?? "";
          finish = chunk.choices[0]?.finish_reason ?? finish;
          if (chunk.usage) usage = chunk.usage;
        }
        assert.equal(text, "echo: stream matrix please");
        assert.ok(chunks > 3, `several chunks, got ${chunks}`);
        assert.equal(finish, "stop");
        assertChatUsage(usage, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("answers name the model the client asked for", async () => {
        const request = {
          model: model(kind, "echo"),
          messages: [{ role: "user" as const, content: "name" }],
        };
        const res = await client.chat.completions.create(request);
        assert.equal(res.model, model(kind, "echo"), "non-stream");
        const stream = await client.chat.completions.create({ ...request, stream: true });
        for await (const chunk of stream) assert.equal(chunk.model, model(kind, "echo"), "stream chunk");
      });

      it("tool call round trip (streamed call accumulated by the SDK)", async () => {
        h.upstream.reset();
        const messages: OpenAI.ChatCompletionMessageParam[] = [
          { role: "user", content: "weather in Paris?" },
        ];
        const final = await client.chat.completions
          .stream({ model: model(kind, "tool-call"), messages, tools })
          .finalChatCompletion();
        const choice = final.choices[0];
        assert.equal(choice.finish_reason, "tool_calls");
        const call = choice.message.tool_calls?.[0];
        assert.ok(call && call.type === "function", "one function call");
        assert.equal(choice.message.tool_calls?.length, 1);
        assert.equal(call.function.name, "get_weather");
        assert.deepEqual(JSON.parse(call.function.arguments), { location: "Paris" });
        assert.ok(call.id, "the call has an id");

        h.upstream.reset();
        messages.push(
          { role: "assistant", content: choice.message.content, tool_calls: choice.message.tool_calls },
          { role: "tool", tool_call_id: call.id, content: TOOL_RESULT },
        );
        const answer = await client.chat.completions.create({
          model: model(kind, "tool-call"),
          messages,
          tools,
        });
        assert.equal(answer.choices[0].message.content, `tool result received: ${TOOL_RESULT}`);
        assertToolResultMatched(kind, onlyRequest(h).body, "get_weather", TOOL_RESULT);
      });

      it("parallel tool calls, non-stream and stream", async () => {
        const request = {
          model: model(kind, "parallel-tools"),
          messages: [{ role: "user" as const, content: "weather and time?" }],
          tools,
        };
        const whole = await client.chat.completions.create(request);
        const streamed = await client.chat.completions.stream(request).finalChatCompletion();
        for (const res of [whole, streamed]) {
          const calls = res.choices[0].message.tool_calls ?? [];
          assert.deepEqual(
            calls.map((c) =>
              c.type === "function" ? [c.function.name, JSON.parse(c.function.arguments)] : [],
            ),
            [
              ["get_weather", { location: "Paris" }],
              ["get_time", { zone: "Paris" }],
            ],
          );
          assert.equal(new Set(calls.map((c) => c.id)).size, 2, "distinct call ids");
          assert.equal(res.choices[0].finish_reason, "tool_calls");
        }
      });

      it("reasoning: text and usage; signatures travel back on the next turn", async () => {
        h.upstream.reset();
        const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "think about it" }];
        const res = await client.chat.completions.create({ model: model(kind, "reasoning"), messages });
        const message = res.choices[0].message as OpenAI.ChatCompletionMessage & Record<string, any>;
        assert.equal(message.content, "echo: think about it");
        assert.match(message.reasoning_content ?? "", /The user said "think about it"/);
        const rec = onlyRequest(h);
        const reply = await replay(h.upstream.url, rec);
        assertChatUsage(res.usage, neutralUsage(kind, reply));

        // The streamed form carries the same reasoning.
        const stream = await client.chat.completions.create({
          model: model(kind, "reasoning"),
          messages,
          stream: true,
        });
        let reasoning = "";
        let details: any[] = [];
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta as Record<string, any> | undefined;
          reasoning += delta?.reasoning_content ?? "";
          if (Array.isArray(delta?.reasoning_details)) details = details.concat(delta.reasoning_details);
        }
        assert.equal(reasoning, message.reasoning_content);

        if (!SIGNS.has(kind)) return;
        const issued = issuedReasoning(kind, reply);
        assert.ok(issued?.signature, "the fake issued a signature");
        const signature = issued.signature;
        assert.ok(
          (message.reasoning_details ?? []).some((d: any) => d.signature === signature),
          "non-stream reasoning_details carry the signature",
        );
        assert.ok(
          details.some((d) => d.signature === signature),
          "streamed reasoning_details carry the signature",
        );
        h.upstream.reset();
        const next = [
          ...messages,
          {
            role: "assistant",
            content: message.content,
            reasoning_content: message.reasoning_content,
            // What a streaming client accumulated: the detail fragments as they arrived.
            reasoning_details: details,
          } as OpenAI.ChatCompletionAssistantMessageParam,
          { role: "user" as const, content: "and again" },
        ];
        await client.chat.completions.create({ model: model(kind, "reasoning"), messages: next });
        assertReasoningReturned(kind, onlyRequest(h).body, issued);
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await client.chat.completions.create({
          model: model(kind, "echo"),
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this?" },
                { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
              ],
            },
          ],
        });
        assert.equal(res.choices[0].message.content, "echo: what is this?");
        assert.deepEqual(sentImages(kind, onlyRequest(h).body), [
          { mediaType: "image/png", data: PNG_BASE64 },
        ]);
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await client.chat.completions.create({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "city?" }],
          response_format: {
            type: "json_schema",
            json_schema: { name: "answer", schema: ANSWER_SCHEMA, strict: true },
          },
        });
        const schema = sentOutputSchema(kind, onlyRequest(h).body);
        assert.ok(schemaKeptMeaning(schema), `schema kept: ${JSON.stringify(schema)}`);
      });

      it("upstream 400, 500 and 429 arrive as OpenAI errors with their status", async () => {
        const cases = [
          { scenario: "bad-request", status: 400, stream: false },
          { scenario: "bad-request", status: 400, stream: true },
          { scenario: "server-error-1", status: 500, stream: false },
          { scenario: "server-error-2", status: 500, stream: true },
          { scenario: "rate-limit", status: 429, stream: false },
        ] as const;
        for (const c of cases) {
          await assert.rejects(
            async () => {
              const res = await client.chat.completions.create({
                model: model(kind, c.scenario),
                messages: [{ role: "user", content: "x" }],
                stream: c.stream,
              });
              if (c.stream) for await (const _ of res as AsyncIterable<unknown>);
            },
            (err: any) => {
              assert.ok(err instanceof OpenAI.APIError, `APIError for ${c.scenario}`);
              assert.equal(err.status, c.status, `${c.scenario} stream=${c.stream}`);
              assert.ok(err.error?.message, "error.message present");
              if (c.status === 429) assert.ok(Number(err.headers?.get("retry-after")) > 0, "Retry-After");
              return true;
            },
          );
        }
      });

      it("a non-stream answer cut mid-body is a 502", async () => {
        await assert.rejects(
          client.chat.completions.create({
            model: model(kind, "cut"),
            messages: [{ role: "user", content: "go" }],
          }),
          (err: any) => {
            assert.ok(err instanceof OpenAI.APIError);
            assert.equal(err.status, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends with an error, never a clean end", async () => {
        const stream = await client.chat.completions.create({
          model: model(kind, "cut"),
          messages: [{ role: "user", content: "go" }],
          stream: true,
        });
        let text = "";
        await assert.rejects(async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
        }, OpenAI.APIError);
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);
      });

      if (kind === "openai") {
        it("passthrough: the body arrives byte for byte but for the model", async () => {
          const probe = probeFetch();
          const probing = new OpenAI({
            baseURL: `${h.proxy.url}/v1`,
            apiKey: "client-key",
            maxRetries: 0,
            fetch: probe.fetch,
          });
          const base = {
            model: model(kind, "echo"),
            messages: [{ role: "user" as const, content: "verbatim ünïcode" }],
            temperature: 0.5,
          };
          for (const stream of [false, true]) {
            h.upstream.reset();
            if (stream) for await (const _ of await probing.chat.completions.create({ ...base, stream }));
            else {
              const res = await probing.chat.completions.create(base);
              assert.equal(res.choices[0].message.content, "echo: verbatim ünïcode");
            }
            assertBytesForwarded(
              probe.sent.at(-1)!,
              onlyRequest(h),
              model(kind, "echo"),
              upstreamModel(kind, "echo"),
            );
          }
        });
      }
    });
  }
});
