/**
 * Translation matrix: the `ollama` client's generate() on /api/generate against every upstream
 * kind. Generate has no tools, so the tool scenarios live in the chat matrix.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type GenerateResponse, Ollama } from "ollama";
import type { Harness } from "../helpers/harness.ts";
import { ANSWER_SCHEMA, PNG_BASE64, schemaKeptMeaning } from "./kit/fixtures.ts";
import { sentImages, sentOutputSchema } from "./kit/upstream-body.ts";
import {
  model,
  onlyRequest,
  requestedModel,
  startMatrix,
  UPSTREAM_KINDS,
  upstreamModel,
} from "./kit/upstreams.ts";
import { assertOllamaUsage, reportedUsage } from "./kit/usage.ts";

async function collect(parts: AsyncIterable<GenerateResponse>) {
  let response = "";
  let thinking = "";
  let last: GenerateResponse | undefined;
  for await (const part of parts) {
    response += part.response;
    thinking += part.thinking ?? "";
    last = part;
  }
  assert.ok(last, "at least one part");
  return { response, thinking, last };
}

describe("matrix: ollama generate client", () => {
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
        const res = await ollama.generate({
          model: model(kind, "echo"),
          prompt: "hello matrix",
          stream: false,
        });
        assert.equal(res.response, "echo: hello matrix");
        assert.equal(res.done, true);
        assert.equal(res.done_reason, "stop");
        assert.equal(res.model, model(kind, "echo"));
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertOllamaUsage(res, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text with a system prompt, stream, exact usage", async () => {
        h.upstream.reset();
        const { response, last } = await collect(
          await ollama.generate({
            model: model(kind, "echo"),
            prompt: "stream matrix please",
            system: "be brief",
            stream: true,
          }),
        );
        assert.equal(response, "echo: stream matrix please");
        assert.equal(last.done, true);
        assert.equal(last.done_reason, "stop");
        assertOllamaUsage(last, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("reasoning arrives as thinking, stream and not", async () => {
        const request = { model: model(kind, "reasoning"), prompt: "think about it", think: true };
        const whole = await ollama.generate({ ...request, stream: false });
        assert.equal(whole.response, "echo: think about it");
        assert.match(whole.thinking ?? "", /The user said "think about it"/);
        const streamed = await collect(await ollama.generate({ ...request, stream: true }));
        assert.equal(streamed.thinking, whole.thinking);
        assert.equal(streamed.response, "echo: think about it");
      });

      it("image input (base64) reaches the upstream in its format", async () => {
        h.upstream.reset();
        const res = await ollama.generate({
          model: model(kind, "echo"),
          prompt: "what is this?",
          images: [PNG_BASE64],
          stream: false,
        });
        assert.equal(res.response, "echo: what is this?");
        assert.deepEqual(sentImages(kind, onlyRequest(h).body), [
          { mediaType: "image/png", data: PNG_BASE64 },
        ]);
      });

      it("JSON schema output request reaches the upstream's schema field", async () => {
        h.upstream.reset();
        await ollama.generate({
          model: model(kind, "echo"),
          prompt: "city?",
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
          const request = { model: model(kind, c.scenario), prompt: "x" };
          await assert.rejects(
            async () => {
              if (!c.stream) await ollama.generate({ ...request, stream: false });
              else for await (const _ of await ollama.generate({ ...request, stream: true }));
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
          ollama.generate({ model: model(kind, "cut"), prompt: "go", stream: false }),
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
            for await (const part of await ollama.generate({
              model: model(kind, "cut"),
              prompt: "go",
              stream: true,
            }))
              text += part.response;
          },
          (err: any) => {
            assert.doesNotMatch(err.message, /Did not receive done/);
            return true;
          },
        );
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);
      });
    });
  }
});
