/** Translation matrix: the `@google/genai` client on /v1beta/models/{m}:... against every upstream kind. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, type Content, type FunctionCall, GoogleGenAI, type Part } from "@google/genai";
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
  sentToolExchange,
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
import { assertGeminiUsage, neutralUsage, reportedUsage } from "./kit/usage.ts";

const tools = [
  {
    functionDeclarations: [WEATHER_TOOL, TIME_TOOL].map((t) => ({
      name: t.name,
      description: t.description,
      parametersJsonSchema: t.parameters,
    })),
  },
];

const SIGNS: ReadonlySet<UpstreamKind> = new Set(["anthropic", "gemini", "codex"]);

const user = (text: string): Content => ({ role: "user", parts: [{ text }] });

/** What a Gemini client sends back for a call: the function's name and a response object, no id. */
function functionResponse(call: FunctionCall, result: string): Part {
  return { functionResponse: { name: call.name, response: { result } } };
}

describe("matrix: gemini client", () => {
  let h: Harness;
  let ai: GoogleGenAI;

  before(async () => {
    h = await startMatrix();
    ai = new GoogleGenAI({ apiKey: "client-key", httpOptions: { baseUrl: h.proxy.url } });
  });
  after(() => h.close());

  for (const kind of UPSTREAM_KINDS) {
    describe(`-> ${kind}`, () => {
      it("plain text, non-stream, exact usage", async () => {
        h.upstream.reset();
        const res = await ai.models.generateContent({ model: model(kind, "echo"), contents: "hello matrix" });
        assert.equal(res.text, "echo: hello matrix");
        assert.equal(res.candidates?.[0].finishReason, "STOP");
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertGeminiUsage(res.usageMetadata, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, SSE stream, exact usage", async () => {
        h.upstream.reset();
        const stream = await ai.models.generateContentStream({
          model: model(kind, "echo"),
          contents: "stream matrix please",
        });
        let text = "";
        let chunks = 0;
        let finish: string | undefined;
        let usage: unknown;
        for await (const chunk of stream) {
          chunks++;
          text += chunk.text ?? "";
          finish = chunk.candidates?.[0]?.finishReason ?? finish;
          usage = chunk.usageMetadata ?? usage;
        }
        assert.equal(text, "echo: stream matrix please");
        assert.ok(chunks > 2, `several chunks, got ${chunks}`);
        assert.equal(finish, "STOP");
        assertGeminiUsage(usage, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("plain text, JSON-array stream (no alt=sse)", async () => {
        const res = await fetch(`${h.proxy.url}/v1beta/models/${model(kind, "echo")}:streamGenerateContent`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-goog-api-key": "client-key" },
          body: JSON.stringify({ contents: [user("array please")] }),
        });
        assert.equal(res.status, 200);
        const chunks = (await res.json()) as any[];
        assert.ok(Array.isArray(chunks) && chunks.length > 1, "a JSON array of responses");
        const text = chunks.map((c) => c.candidates?.[0]?.content?.parts?.[0]?.text ?? "").join("");
        assert.equal(text, "echo: array please");
        assert.equal(chunks.at(-1).candidates[0].finishReason, "STOP");
      });

      it("answers name the model the client asked for", async () => {
        const res = await ai.models.generateContent({ model: model(kind, "echo"), contents: "n" });
        assert.equal(res.modelVersion, model(kind, "echo"));
      });

      it("tool call round trip: the result, named but without id, answers the right call", async () => {
        const contents: Content[] = [user("weather in Paris?")];
        let callContent: Content | undefined;
        const calls: FunctionCall[] = [];
        for await (const chunk of await ai.models.generateContentStream({
          model: model(kind, "tool-call"),
          contents,
          config: { tools },
        })) {
          const content = chunk.candidates?.[0]?.content;
          if (chunk.functionCalls) {
            calls.push(...chunk.functionCalls);
            callContent = content;
          }
        }
        assert.equal(calls.length, 1);
        assert.equal(calls[0].name, "get_weather");
        assert.deepEqual(calls[0].args, { location: "Paris" });
        assert.ok(callContent);

        h.upstream.reset();
        contents.push(
          { role: "model", parts: callContent.parts },
          { role: "user", parts: [functionResponse(calls[0], TOOL_RESULT)] },
        );
        const answer = await ai.models.generateContent({
          model: model(kind, "tool-call"),
          contents,
          config: { tools },
        });
        assert.match(answer.text ?? "", new RegExp(`^tool result received: .*${TOOL_RESULT}`));
        assertToolResultMatched(kind, onlyRequest(h).body, "get_weather", TOOL_RESULT);
      });

      it("parallel tool calls: both calls, then both results matched by name", async () => {
        const contents: Content[] = [user("weather and time?")];
        const request = { model: model(kind, "parallel-tools"), contents, config: { tools } };
        const whole = await ai.models.generateContent(request);
        const streamed: FunctionCall[] = [];
        for await (const chunk of await ai.models.generateContentStream(request))
          streamed.push(...(chunk.functionCalls ?? []));
        for (const calls of [whole.functionCalls ?? [], streamed]) {
          assert.deepEqual(
            calls.map((c) => [c.name, c.args]),
            [
              ["get_weather", { location: "Paris" }],
              ["get_time", { zone: "Paris" }],
            ],
          );
        }

        h.upstream.reset();
        const [weather, time] = whole.functionCalls!;
        contents.push(whole.candidates![0].content!, {
          role: "user",
          // Answered in the opposite order: only the names tie results to calls.
          parts: [functionResponse(time, "noon"), functionResponse(weather, TOOL_RESULT)],
        });
        await ai.models.generateContent({ ...request, contents });
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

      it("reasoning: thoughts and usage; the signature travels back on the next turn", async () => {
        h.upstream.reset();
        const contents: Content[] = [user("think about it")];
        const config = { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } };
        const res = await ai.models.generateContent({ model: model(kind, "reasoning"), contents, config });
        const parts = res.candidates?.[0]?.content?.parts ?? [];
        const thoughts = parts.filter((p) => p.thought).map((p) => p.text ?? "");
        assert.match(thoughts.join(""), /The user said "think about it"/);
        assert.equal(
          parts
            .filter((p) => !p.thought)
            .map((p) => p.text ?? "")
            .join(""),
          "echo: think about it",
        );
        const reply = await replay(h.upstream.url, onlyRequest(h));
        assertGeminiUsage(res.usageMetadata, neutralUsage(kind, reply));

        const streamedParts: Part[] = [];
        for await (const chunk of await ai.models.generateContentStream({
          model: model(kind, "reasoning"),
          contents,
          config,
        })) {
          streamedParts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
        }
        assert.equal(
          streamedParts
            .filter((p) => p.thought)
            .map((p) => p.text ?? "")
            .join(""),
          thoughts.join(""),
        );

        if (!SIGNS.has(kind)) return;
        const issued = issuedReasoning(kind, reply);
        assert.ok(issued?.signature, "the fake issued a signature");
        assert.ok(
          parts.some((p) => p.thoughtSignature),
          "non-stream parts carry a thoughtSignature",
        );
        assert.ok(
          streamedParts.some((p) => p.thoughtSignature),
          "streamed parts carry a thoughtSignature",
        );
        h.upstream.reset();
        await ai.models.generateContent({
          model: model(kind, "reasoning"),
          contents: [...contents, { role: "model", parts: streamedParts }, user("again")],
          config,
        });
        assertReasoningReturned(kind, onlyRequest(h).body, issued);
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await ai.models.generateContent({
          model: model(kind, "echo"),
          contents: [
            {
              role: "user",
              parts: [{ text: "what is this?" }, { inlineData: { mimeType: "image/png", data: PNG_BASE64 } }],
            },
          ],
        });
        assert.equal(res.text, "echo: what is this?");
        assert.deepEqual(sentImages(kind, onlyRequest(h).body), [
          { mediaType: "image/png", data: PNG_BASE64 },
        ]);
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await ai.models.generateContent({
          model: model(kind, "echo"),
          contents: "city?",
          config: { responseMimeType: "application/json", responseJsonSchema: ANSWER_SCHEMA },
        });
        const schema = sentOutputSchema(kind, onlyRequest(h).body);
        assert.ok(schemaKeptMeaning(schema), `schema kept: ${JSON.stringify(schema)}`);
      });

      it("upstream 400, 500 and 429 arrive as Gemini errors with their status", async () => {
        const cases = [
          { scenario: "bad-request", status: 400, stream: false },
          { scenario: "bad-request", status: 400, stream: true },
          { scenario: "server-error-1", status: 500, stream: false },
          { scenario: "server-error-2", status: 500, stream: true },
          { scenario: "rate-limit", status: 429, stream: false },
        ] as const;
        for (const c of cases) {
          const request = { model: model(kind, c.scenario), contents: "x" };
          await assert.rejects(
            async () => {
              if (!c.stream) await ai.models.generateContent(request);
              else for await (const _ of await ai.models.generateContentStream(request));
            },
            (err: any) => {
              assert.ok(err instanceof ApiError, `ApiError for ${c.scenario}`);
              assert.equal(err.status, c.status, `${c.scenario} stream=${c.stream}`);
              return true;
            },
          );
        }
        // The envelope itself, as Google sends it.
        const raw = await fetch(
          `${h.proxy.url}/v1beta/models/${model(kind, "bad-request")}:generateContent`,
          {
            method: "POST",
            headers: { "content-type": "application/json", "x-goog-api-key": "client-key" },
            body: JSON.stringify({ contents: [user("x")] }),
          },
        );
        const body = (await raw.json()) as any;
        assert.equal(raw.status, 400);
        assert.equal(body.error.code, 400);
        assert.equal(body.error.status, "INVALID_ARGUMENT");
        assert.ok(body.error.message);
      });

      it("a non-stream answer cut mid-body is a 502", async () => {
        await assert.rejects(
          ai.models.generateContent({ model: model(kind, "cut"), contents: "go" }),
          (err: any) => {
            assert.ok(err instanceof ApiError);
            assert.equal(err.status, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends with an error, never a clean end", async () => {
        let text = "";
        await assert.rejects(async () => {
          for await (const chunk of await ai.models.generateContentStream({
            model: model(kind, "cut"),
            contents: "go",
          }))
            text += chunk.text ?? "";
        }, ApiError);
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);

        // The JSON-array stream closes its array with an error element, as Google does.
        const raw = await fetch(`${h.proxy.url}/v1beta/models/${model(kind, "cut")}:streamGenerateContent`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-goog-api-key": "client-key" },
          body: JSON.stringify({ contents: [user("go")] }),
        });
        const chunks = (await raw.json()) as any[];
        assert.ok(chunks[0].candidates, "content before the cut");
        assert.ok(chunks.at(-1).error?.message, "the last element is an error");
        assert.ok(chunks.at(-1).error.code >= 500);
      });

      if (kind === "gemini") {
        it("passthrough: the body arrives byte for byte (the model travels in the URL)", async () => {
          const probe = probeFetch();
          const probing = new GoogleGenAI({
            apiKey: "client-key",
            httpOptions: { baseUrl: h.proxy.url, fetch: probe.fetch },
          });
          const request = {
            model: model(kind, "echo"),
            contents: "verbatim ünïcode",
            config: { temperature: 0.5 },
          };
          h.upstream.reset();
          const res = await probing.models.generateContent(request);
          assert.equal(res.text, "echo: verbatim ünïcode");
          assertBytesForwarded(probe.sent.at(-1)!, onlyRequest(h), "", "");
          h.upstream.reset();
          for await (const _ of await probing.models.generateContentStream(request));
          assertBytesForwarded(probe.sent.at(-1)!, onlyRequest(h), "", "");
          assert.equal(requestedModel(onlyRequest(h)), upstreamModel(kind, "echo"));
        });
      }
    });
  }
});
