/** Translation matrix: the `ollama` client's chat() on /api/chat against every upstream kind. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ChatResponse, type Message, Ollama, type Tool } from "ollama";
import type { Harness } from "../helpers/harness.ts";
import {
  ANSWER_SCHEMA,
  PNG_BASE64,
  schemaKeptMeaning,
  TIME_TOOL,
  TOOL_RESULT,
  WEATHER_TOOL,
} from "./kit/fixtures.ts";
import {
  assertToolResultMatched,
  sentImages,
  sentOutputSchema,
  sentToolExchange,
} from "./kit/upstream-body.ts";
import {
  model,
  onlyRequest,
  requestedModel,
  startMatrix,
  UPSTREAM_KINDS,
  upstreamModel,
} from "./kit/upstreams.ts";
import { assertOllamaUsage, reportedUsage } from "./kit/usage.ts";

const tools: Tool[] = [WEATHER_TOOL, TIME_TOOL].map((t) => ({ type: "function", function: t }));

/** Joins a streamed chat into one message, as a client would; returns the final (done) part too. */
async function collect(
  parts: AsyncIterable<ChatResponse>,
): Promise<{ message: Message; last: ChatResponse }> {
  const message: Message = { role: "assistant", content: "" };
  let last: ChatResponse | undefined;
  for await (const part of parts) {
    message.content += part.message.content;
    if (part.message.thinking) message.thinking = (message.thinking ?? "") + part.message.thinking;
    if (part.message.tool_calls)
      message.tool_calls = [...(message.tool_calls ?? []), ...part.message.tool_calls];
    last = part;
  }
  assert.ok(last, "at least one part");
  return { message, last };
}

describe("matrix: ollama chat client", () => {
  let h: Harness;
  let ollama: Ollama;

  before(async () => {
    h = await startMatrix();
    ollama = new Ollama({ host: h.proxy.url });
  });
  after(() => h.close());

  for (const kind of UPSTREAM_KINDS) {
    describe(`-> ${kind}`, () => {
      it("plain text, non-stream, exact usage", async () => {
        h.upstream.reset();
        const res = await ollama.chat({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "hello matrix" }],
          stream: false,
        });
        assert.equal(res.message.content, "echo: hello matrix");
        assert.equal(res.done, true);
        assert.equal(res.done_reason, "stop");
        assert.equal(res.model, model(kind, "echo"));
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertOllamaUsage(res, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, stream, exact usage", async () => {
        h.upstream.reset();
        const { message, last } = await collect(
          await ollama.chat({
            model: model(kind, "echo"),
            messages: [{ role: "user", content: "stream matrix please" }],
            stream: true,
          }),
        );
        assert.equal(message.content, "echo: stream matrix please");
        assert.equal(last.done, true);
        assert.equal(last.done_reason, "stop");
        assertOllamaUsage(last, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("tool call round trip: the result, named but without id, answers the call", async () => {
        const messages: Message[] = [{ role: "user", content: "weather in Paris?" }];
        const { message } = await collect(
          await ollama.chat({ model: model(kind, "tool-call"), messages, tools, stream: true }),
        );
        assert.deepEqual(
          message.tool_calls?.map((c) => [c.function.name, c.function.arguments]),
          [["get_weather", { location: "Paris" }]],
        );

        h.upstream.reset();
        messages.push(message, { role: "tool", content: TOOL_RESULT, tool_name: "get_weather" });
        const answer = await ollama.chat({ model: model(kind, "tool-call"), messages, tools, stream: false });
        assert.equal(answer.message.content, `tool result received: ${TOOL_RESULT}`);
        assertToolResultMatched(kind, onlyRequest(h).body, "get_weather", TOOL_RESULT);
      });

      it("parallel tool calls: both calls, then both results matched by tool name", async () => {
        const messages: Message[] = [{ role: "user", content: "weather and time?" }];
        const request = { model: model(kind, "parallel-tools"), messages, tools };
        const whole = await ollama.chat({ ...request, stream: false });
        const { message } = await collect(await ollama.chat({ ...request, stream: true }));
        for (const calls of [whole.message.tool_calls, message.tool_calls]) {
          assert.deepEqual(
            calls?.map((c) => [c.function.name, c.function.arguments]),
            [
              ["get_weather", { location: "Paris" }],
              ["get_time", { zone: "Paris" }],
            ],
          );
        }

        h.upstream.reset();
        messages.push(
          whole.message,
          // Answered in the opposite order: only the names tie results to calls.
          { role: "tool", content: "noon", tool_name: "get_time" },
          { role: "tool", content: TOOL_RESULT, tool_name: "get_weather" },
        );
        await ollama.chat({ ...request, messages, stream: false });
        const body = onlyRequest(h).body;
        assertToolResultMatched(kind, body, "get_weather", TOOL_RESULT);
        const { calls, results } = sentToolExchange(kind, body);
        const nameOf = (id: string | undefined, name: string | undefined) =>
          kind === "gemini" ? name : calls.find((c) => c.id === id)?.name;
        assert.deepEqual(
          results.map((r) => [nameOf(r.id, r.name), r.text.includes("noon"), r.text.includes(TOOL_RESULT)]),
          [
            ["get_time", true, false],
            ["get_weather", false, true],
          ],
        );
      });

      it("reasoning arrives as thinking, stream and not", async () => {
        const request = {
          model: model(kind, "reasoning"),
          messages: [{ role: "user", content: "think about it" }],
          think: true,
        };
        const whole = await ollama.chat({ ...request, stream: false });
        assert.equal(whole.message.content, "echo: think about it");
        assert.match(whole.message.thinking ?? "", /The user said "think about it"/);
        const { message } = await collect(await ollama.chat({ ...request, stream: true }));
        assert.equal(message.thinking, whole.message.thinking);
        assert.equal(message.content, "echo: think about it");
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await ollama.chat({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "what is this?", images: [PNG_BASE64] }],
          stream: false,
        });
        assert.equal(res.message.content, "echo: what is this?");
        const images = sentImages(kind, onlyRequest(h).body);
        assert.equal(images.length, 1);
        assert.equal(images[0].data, PNG_BASE64);
        assert.equal(images[0].mediaType, "image/png", "media type sniffed from the bytes");
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await ollama.chat({
          model: model(kind, "echo"),
          messages: [{ role: "user", content: "city?" }],
          format: ANSWER_SCHEMA,
          stream: false,
        });
        const schema = sentOutputSchema(kind, onlyRequest(h).body);
        assert.ok(schemaKeptMeaning(schema), `schema kept: ${JSON.stringify(schema)}`);
      });

      it("upstream 400, 500 and 429 arrive as Ollama errors with their status", async () => {
        const cases = [
          { scenario: "bad-request", status: 400, stream: false },
          { scenario: "bad-request", status: 400, stream: true },
          { scenario: "server-error-1", status: 500, stream: false },
          { scenario: "server-error-2", status: 500, stream: true },
          { scenario: "rate-limit", status: 429, stream: false },
        ] as const;
        for (const c of cases) {
          const request = { model: model(kind, c.scenario), messages: [{ role: "user", content: "x" }] };
          await assert.rejects(
            async () => {
              if (!c.stream) await ollama.chat({ ...request, stream: false });
              else for await (const _ of await ollama.chat({ ...request, stream: true }));
            },
            (err: any) => {
              assert.equal(err.name, "ResponseError", `ResponseError for ${c.scenario}`);
              assert.equal(err.status_code, c.status, `${c.scenario} stream=${c.stream}`);
              assert.ok(typeof err.error === "string" && err.error.length > 0, "error text");
              return true;
            },
          );
        }
      });

      it("a non-stream answer cut mid-body is a 502", async () => {
        await assert.rejects(
          ollama.chat({
            model: model(kind, "cut"),
            messages: [{ role: "user", content: "go" }],
            stream: false,
          }),
          (err: any) => {
            assert.equal(err.name, "ResponseError");
            assert.equal(err.status_code, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends with an error line, never a clean end", async () => {
        let text = "";
        await assert.rejects(
          async () => {
            const parts = await ollama.chat({
              model: model(kind, "cut"),
              messages: [{ role: "user", content: "go" }],
              stream: true,
            });
            for await (const part of parts) text += part.message.content;
          },
          (err: any) => {
            // The client's own complaint about a missing done line would mean we ended silently.
            assert.doesNotMatch(err.message, /Did not receive done/);
            return true;
          },
        );
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);
      });
    });
  }
});
