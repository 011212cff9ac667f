/** Translation matrix: the `@anthropic-ai/sdk` client on /v1/messages against every upstream kind. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
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
import { assertAnthropicUsage, neutralUsage, reportedUsage } from "./kit/usage.ts";

const tools: Anthropic.Tool[] = [WEATHER_TOOL, TIME_TOOL].map((t) => ({
  name: t.name,
  description: t.description,
  input_schema: t.parameters as Anthropic.Tool.InputSchema,
}));

const SIGNS: ReadonlySet<UpstreamKind> = new Set(["anthropic", "gemini", "codex"]);

function text(msg: Anthropic.Message): string {
  return msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
}

function toolUses(msg: Anthropic.Message): Anthropic.ToolUseBlock[] {
  return msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
}

describe("matrix: anthropic client", () => {
  let h: Harness;
  let client: Anthropic;

  before(async () => {
    h = await startMatrix();
    client = new Anthropic({ baseURL: h.proxy.url, apiKey: "client-key", maxRetries: 0 });
  });
  after(() => h.close());

  for (const kind of UPSTREAM_KINDS) {
    describe(`-> ${kind}`, () => {
      it("plain text, non-stream, exact usage", async () => {
        h.upstream.reset();
        const res = await client.messages.create({
          model: model(kind, "echo"),
          max_tokens: 256,
          messages: [{ role: "user", content: "hello matrix" }],
        });
        assert.equal(text(res), "echo: hello matrix");
        assert.equal(res.stop_reason, "end_turn");
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertAnthropicUsage(res.usage, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, stream (raw events and finalMessage), exact usage", async () => {
        h.upstream.reset();
        const request = {
          model: model(kind, "echo"),
          max_tokens: 256,
          messages: [{ role: "user" as const, content: "stream matrix please" }],
        };
        const stream = await client.messages.create({ ...request, stream: true });
        let streamed = "";
        const types: string[] = [];
        for await (const event of stream) {
          types.push(event.type);
          if (event.type === "content_block_delta" && event.delta.type === "text_delta")
            streamed += event.delta.text;
        }
        assert.equal(streamed, "echo: stream matrix please");
        assert.equal(types[0], "message_start");
        assert.equal(types.at(-1), "message_stop");

        h.upstream.reset();
        const final = await client.messages.stream(request).finalMessage();
        assert.equal(text(final), "echo: stream matrix please");
        assert.equal(final.stop_reason, "end_turn");
        assertAnthropicUsage(final.usage, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("answers name the model the client asked for", async () => {
        const request = {
          model: model(kind, "echo"),
          max_tokens: 64,
          messages: [{ role: "user" as const, content: "n" }],
        };
        assert.equal((await client.messages.create(request)).model, model(kind, "echo"), "non-stream");
        assert.equal(
          (await client.messages.stream(request).finalMessage()).model,
          model(kind, "echo"),
          "stream",
        );
      });

      it("tool call round trip (stream, finalMessage)", async () => {
        const messages: Anthropic.MessageParam[] = [{ role: "user", content: "weather in Paris?" }];
        const first = await client.messages
          .stream({ model: model(kind, "tool-call"), max_tokens: 256, messages, tools })
          .finalMessage();
        assert.equal(first.stop_reason, "tool_use");
        const calls = toolUses(first);
        assert.equal(calls.length, 1);
        assert.equal(calls[0].name, "get_weather");
        assert.deepEqual(calls[0].input, { location: "Paris" });

        h.upstream.reset();
        messages.push(
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: calls[0].id, content: TOOL_RESULT }],
          },
        );
        const answer = await client.messages.create({
          model: model(kind, "tool-call"),
          max_tokens: 256,
          messages,
          tools,
        });
        assert.equal(text(answer), `tool result received: ${TOOL_RESULT}`);
        assertToolResultMatched(kind, onlyRequest(h).body, "get_weather", TOOL_RESULT);
      });

      it("parallel tool calls, non-stream and stream", async () => {
        const request = {
          model: model(kind, "parallel-tools"),
          max_tokens: 256,
          messages: [{ role: "user" as const, content: "weather and time?" }],
          tools,
        };
        const whole = await client.messages.create(request);
        const streamed = await client.messages.stream(request).finalMessage();
        for (const res of [whole, streamed]) {
          const calls = toolUses(res);
          assert.deepEqual(
            calls.map((c) => [c.name, c.input]),
            [
              ["get_weather", { location: "Paris" }],
              ["get_time", { zone: "Paris" }],
            ],
          );
          assert.equal(new Set(calls.map((c) => c.id)).size, 2, "distinct tool_use ids");
          assert.equal(res.stop_reason, "tool_use");
        }
      });

      it("reasoning: thinking and usage; the signature travels back on the next turn", async () => {
        h.upstream.reset();
        const messages: Anthropic.MessageParam[] = [{ role: "user", content: "think about it" }];
        const request = {
          model: model(kind, "reasoning"),
          max_tokens: 4096,
          thinking: { type: "enabled" as const, budget_tokens: 1024 },
          messages,
        };
        const res = await client.messages.create(request);
        assert.equal(text(res), "echo: think about it");
        const thinking = res.content.find((b) => b.type === "thinking");
        assert.ok(thinking, "a thinking block");
        assert.match(thinking.thinking, /The user said "think about it"/);
        const reply = await replay(h.upstream.url, onlyRequest(h));
        assertAnthropicUsage(res.usage, neutralUsage(kind, reply));

        const streamed = await client.messages.stream(request).finalMessage();
        const streamedThinking = streamed.content.find((b) => b.type === "thinking");
        assert.equal(streamedThinking?.thinking, thinking.thinking);
        assert.equal(text(streamed), "echo: think about it");

        if (!SIGNS.has(kind)) return;
        const issued = issuedReasoning(kind, reply);
        assert.ok(issued?.signature, "the fake issued a signature");
        assert.ok(thinking.signature, "non-stream thinking is signed");
        assert.equal(streamedThinking?.signature, thinking.signature, "stream and non-stream sign alike");
        h.upstream.reset();
        await client.messages.create({
          ...request,
          messages: [
            ...messages,
            { role: "assistant", content: streamed.content },
            { role: "user", content: "again" },
          ],
        });
        assertReasoningReturned(kind, onlyRequest(h).body, issued);
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await client.messages.create({
          model: model(kind, "echo"),
          max_tokens: 256,
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this?" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
              ],
            },
          ],
        });
        assert.equal(text(res), "echo: what is this?");
        assert.deepEqual(sentImages(kind, onlyRequest(h).body), [
          { mediaType: "image/png", data: PNG_BASE64 },
        ]);
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await client.messages.create({
          model: model(kind, "echo"),
          max_tokens: 256,
          messages: [{ role: "user", content: "city?" }],
          output_config: { format: { type: "json_schema", schema: ANSWER_SCHEMA } },
        });
        const schema = sentOutputSchema(kind, onlyRequest(h).body);
        assert.ok(schemaKeptMeaning(schema), `schema kept: ${JSON.stringify(schema)}`);
      });

      it("upstream 400, 500 and 429 arrive as Anthropic errors with their status", async () => {
        const cases = [
          { scenario: "bad-request", status: 400, type: "invalid_request_error", stream: false },
          { scenario: "bad-request", status: 400, type: "invalid_request_error", stream: true },
          { scenario: "server-error-1", status: 500, type: "api_error", stream: false },
          { scenario: "server-error-2", status: 500, type: "api_error", stream: true },
          { scenario: "rate-limit", status: 429, type: "rate_limit_error", stream: false },
        ] as const;
        for (const c of cases) {
          await assert.rejects(
            async () => {
              const res = await client.messages.create({
                model: model(kind, c.scenario),
                max_tokens: 16,
                messages: [{ role: "user", content: "x" }],
                stream: c.stream,
              });
              if (c.stream) for await (const _ of res as AsyncIterable<unknown>);
            },
            (err: any) => {
              assert.ok(err instanceof Anthropic.APIError, `APIError for ${c.scenario}`);
              assert.equal(err.status, c.status, `${c.scenario} stream=${c.stream}`);
              assert.equal(err.error?.type, "error");
              assert.equal(err.error?.error?.type, c.type);
              assert.ok(err.error?.error?.message, "error.message present");
              if (c.status === 429) assert.ok(Number(err.headers?.get("retry-after")) > 0, "Retry-After");
              return true;
            },
          );
        }
      });

      it("a non-stream answer cut mid-body is a 502", async () => {
        await assert.rejects(
          client.messages.create({
            model: model(kind, "cut"),
            max_tokens: 64,
            messages: [{ role: "user", content: "go" }],
          }),
          (err: any) => {
            assert.ok(err instanceof Anthropic.APIError);
            assert.equal(err.status, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends with an error event, never a clean end", async () => {
        const request = {
          model: model(kind, "cut"),
          max_tokens: 256,
          messages: [{ role: "user" as const, content: "go" }],
        };
        const stream = await client.messages.create({ ...request, stream: true });
        let streamed = "";
        const types: string[] = [];
        await assert.rejects(async () => {
          for await (const event of stream) {
            types.push(event.type);
            if (event.type === "content_block_delta" && event.delta.type === "text_delta")
              streamed += event.delta.text;
          }
        }, Anthropic.APIError);
        assert.ok(streamed.startsWith("word0"), `text before the cut: ${streamed}`);
        assert.ok(!types.includes("message_stop"), "no message_stop");
        await assert.rejects(client.messages.stream(request).finalMessage(), Anthropic.APIError);
      });

      if (kind === "anthropic") {
        it("passthrough: the body arrives byte for byte but for the model", async () => {
          const probe = probeFetch();
          const probing = new Anthropic({
            baseURL: h.proxy.url,
            apiKey: "client-key",
            maxRetries: 0,
            fetch: probe.fetch,
          });
          const base = {
            model: model(kind, "echo"),
            max_tokens: 256,
            messages: [{ role: "user" as const, content: "verbatim ünïcode" }],
            temperature: 0.5,
          };
          for (const stream of [false, true]) {
            h.upstream.reset();
            if (stream) for await (const _ of await probing.messages.create({ ...base, stream }));
            else assert.equal(text(await probing.messages.create(base)), "echo: verbatim ünïcode");
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
