/** Translation matrix: the `openai` SDK on /v1/responses against every upstream kind. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
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
import { assertResponsesUsage, neutralUsage, reportedUsage } from "./kit/usage.ts";

type Input = OpenAI.Responses.ResponseInputItem[];

const tools: OpenAI.Responses.FunctionTool[] = [WEATHER_TOOL, TIME_TOOL].map((t) => ({
  type: "function",
  strict: false,
  ...t,
}));

const SIGNS: ReadonlySet<UpstreamKind> = new Set(["anthropic", "gemini", "codex"]);

function functionCalls(res: OpenAI.Responses.Response): OpenAI.Responses.ResponseFunctionToolCall[] {
  return res.output.filter((i): i is OpenAI.Responses.ResponseFunctionToolCall => i.type === "function_call");
}

describe("matrix: openai responses client", () => {
  let h: Harness;
  let client: OpenAI;

  before(async () => {
    h = await startMatrix();
    client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  });
  after(() => h.close());

  for (const kind of UPSTREAM_KINDS) {
    describe(`-> ${kind}`, () => {
      it("plain text, non-stream, exact usage", async () => {
        h.upstream.reset();
        const res = await client.responses.create({ model: model(kind, "echo"), input: "hello matrix" });
        assert.equal(res.output_text, "echo: hello matrix");
        assert.equal(res.status, "completed");
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertResponsesUsage(res.usage, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, stream (raw events and finalResponse), exact usage", async () => {
        h.upstream.reset();
        const stream = await client.responses.create({
          model: model(kind, "echo"),
          input: "stream matrix please",
          stream: true,
        });
        let text = "";
        const types: string[] = [];
        let completed: OpenAI.Responses.Response | undefined;
        for await (const event of stream) {
          types.push(event.type);
          if (event.type === "response.output_text.delta") text += event.delta;
          if (event.type === "response.completed") completed = event.response;
        }
        assert.equal(text, "echo: stream matrix please");
        assert.equal(types[0], "response.created");
        assert.equal(types.at(-1), "response.completed");
        assert.equal(completed?.output_text ?? outputText(completed), "echo: stream matrix please");
        assertResponsesUsage(completed?.usage, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));

        const final = await client.responses
          .stream({ model: model(kind, "echo"), input: "stream matrix please" })
          .finalResponse();
        assert.equal(final.output_text, "echo: stream matrix please");
        assert.equal(final.status, "completed");
      });

      it("answers name the model the client asked for", async () => {
        const res = await client.responses.create({ model: model(kind, "echo"), input: "name" });
        assert.equal(res.model, model(kind, "echo"), "non-stream");
        const final = await client.responses
          .stream({ model: model(kind, "echo"), input: "name" })
          .finalResponse();
        assert.equal(final.model, model(kind, "echo"), "stream");
      });

      it("tool call round trip (stream, finalResponse)", async () => {
        const input: Input = [{ role: "user", content: "weather in Paris?" }];
        const first = await client.responses
          .stream({ model: model(kind, "tool-call"), input, tools })
          .finalResponse();
        const calls = functionCalls(first);
        assert.equal(calls.length, 1);
        assert.equal(calls[0].name, "get_weather");
        assert.deepEqual(JSON.parse(calls[0].arguments), { location: "Paris" });
        assert.ok(calls[0].call_id, "the call has a call_id");

        h.upstream.reset();
        input.push(...(first.output as Input), {
          type: "function_call_output",
          call_id: calls[0].call_id,
          output: TOOL_RESULT,
        });
        const answer = await client.responses.create({ model: model(kind, "tool-call"), input, tools });
        assert.equal(answer.output_text, `tool result received: ${TOOL_RESULT}`);
        assertToolResultMatched(kind, onlyRequest(h).body, "get_weather", TOOL_RESULT);
      });

      it("parallel tool calls, non-stream and stream", async () => {
        const request = { model: model(kind, "parallel-tools"), input: "weather and time?", tools };
        const whole = await client.responses.create(request);
        const streamed = await client.responses.stream(request).finalResponse();
        for (const res of [whole, streamed]) {
          const calls = functionCalls(res);
          assert.deepEqual(
            calls.map((c) => [c.name, JSON.parse(c.arguments)]),
            [
              ["get_weather", { location: "Paris" }],
              ["get_time", { zone: "Paris" }],
            ],
          );
          assert.equal(new Set(calls.map((c) => c.call_id)).size, 2, "distinct call ids");
        }
      });

      it("reasoning: summary and usage; the signature travels back on the next turn", async () => {
        h.upstream.reset();
        const input: Input = [{ role: "user", content: "think about it" }];
        const res = await client.responses.create({
          model: model(kind, "reasoning"),
          input,
          reasoning: { effort: "medium", summary: "auto" },
          include: ["reasoning.encrypted_content"],
        });
        assert.equal(res.output_text, "echo: think about it");
        const item = res.output.find((i) => i.type === "reasoning");
        assert.ok(item, "a reasoning item");
        assert.match(item.summary.map((s) => s.text).join(""), /The user said "think about it"/);
        const reply = await replay(h.upstream.url, onlyRequest(h));
        assertResponsesUsage(res.usage, neutralUsage(kind, reply));

        const streamed = await client.responses
          .stream({ model: model(kind, "reasoning"), input, include: ["reasoning.encrypted_content"] })
          .finalResponse();
        const streamedItem = streamed.output.find((i) => i.type === "reasoning");
        assert.deepEqual(
          streamedItem?.summary.map((s) => s.text).join(""),
          item.summary.map((s) => s.text).join(""),
        );

        if (!SIGNS.has(kind)) return;
        const issued = issuedReasoning(kind, reply);
        assert.ok(issued?.signature, "the fake issued a signature");
        assert.equal(typeof item.encrypted_content, "string", "encrypted_content present");
        assert.equal(typeof streamedItem?.encrypted_content, "string", "streamed encrypted_content present");
        h.upstream.reset();
        await client.responses.create({
          model: model(kind, "reasoning"),
          input: [...input, ...(streamed.output as Input), { role: "user", content: "and again" }],
        });
        assertReasoningReturned(kind, onlyRequest(h).body, issued);
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await client.responses.create({
          model: model(kind, "echo"),
          input: [
            {
              role: "user",
              content: [
                { type: "input_text", text: "what is this?" },
                { type: "input_image", image_url: `data:image/png;base64,${PNG_BASE64}`, detail: "auto" },
              ],
            },
          ],
        });
        assert.equal(res.output_text, "echo: what is this?");
        assert.deepEqual(sentImages(kind, onlyRequest(h).body), [
          { mediaType: "image/png", data: PNG_BASE64 },
        ]);
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await client.responses.create({
          model: model(kind, "echo"),
          input: "city?",
          text: { format: { type: "json_schema", name: "answer", schema: ANSWER_SCHEMA, strict: true } },
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
              const res = await client.responses.create({
                model: model(kind, c.scenario),
                input: "x",
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
          client.responses.create({ model: model(kind, "cut"), input: "go" }),
          (err: any) => {
            assert.ok(err instanceof OpenAI.APIError);
            assert.equal(err.status, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends in failure, never a clean completion", async () => {
        const stream = await client.responses.create({
          model: model(kind, "cut"),
          input: "go",
          stream: true,
        });
        let text = "";
        let last: string | undefined;
        let failed: OpenAI.Responses.Response | undefined;
        try {
          for await (const event of stream) {
            last = event.type;
            if (event.type === "response.output_text.delta") text += event.delta;
            if (event.type === "response.failed") failed = event.response;
          }
        } catch (err) {
          assert.ok(err instanceof OpenAI.APIError, "the SDK throws an APIError");
          last = "thrown";
        }
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);
        assert.ok(
          last === "thrown" || last === "response.failed",
          `the stream ends in failure, last: ${last}`,
        );
        if (failed) assert.ok(failed.error?.message, "response.error says why");

        const final = await client.responses
          .stream({ model: model(kind, "cut"), input: "go" })
          .finalResponse()
          .catch((err: unknown) => err);
        if (!(final instanceof Error)) {
          assert.equal(
            (final as OpenAI.Responses.Response).status,
            "failed",
            "finalResponse reports failure",
          );
        }
      });

      if (kind === "codex") {
        it("passthrough: the body arrives byte for byte but for the model", async () => {
          const probe = probeFetch();
          const probing = new OpenAI({
            baseURL: `${h.proxy.url}/v1`,
            apiKey: "client-key",
            maxRetries: 0,
            fetch: probe.fetch,
          });
          const base = { model: model(kind, "echo"), input: "verbatim ünïcode", temperature: 0.5 };
          for (const stream of [false, true]) {
            h.upstream.reset();
            if (stream) for await (const _ of await probing.responses.create({ ...base, stream }));
            else assert.equal((await probing.responses.create(base)).output_text, "echo: verbatim ünïcode");
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

/** Text of a raw (not SDK-finalised) response: the SDK adds output_text only to what it returns itself. */
function outputText(res: OpenAI.Responses.Response | undefined): string {
  let text = "";
  for (const item of res?.output ?? []) {
    if (item.type !== "message") continue;
    for (const part of item.content) if (part.type === "output_text") text += part.text;
  }
  return text;
}
