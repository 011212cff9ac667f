/**
 * Translation matrix: the `openai` SDK's legacy completions.create on /v1/completions against
 * every upstream kind. The legacy API has no tools, images, schemas or reasoning fields, so
 * those scenarios reduce to the text the upstream produced.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { Harness } from "../helpers/harness.ts";
import {
  model,
  onlyRequest,
  requestedModel,
  startMatrix,
  UPSTREAM_KINDS,
  upstreamModel,
} from "./kit/upstreams.ts";
import { assertCompletionsUsage, reportedUsage } from "./kit/usage.ts";

describe("matrix: openai legacy completions client", () => {
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
        const res = await client.completions.create({ model: model(kind, "echo"), prompt: "hello matrix" });
        assert.equal(res.choices[0].text, "echo: hello matrix");
        assert.equal(res.choices[0].finish_reason, "stop");
        assert.equal(res.object, "text_completion");
        assert.equal(res.model, model(kind, "echo"));
        const rec = onlyRequest(h);
        assert.equal(requestedModel(rec), upstreamModel(kind, "echo"));
        assertCompletionsUsage(res.usage, await reportedUsage(h.upstream.url, kind, rec));
      });

      it("plain text, stream, exact usage", async () => {
        h.upstream.reset();
        const stream = await client.completions.create({
          model: model(kind, "echo"),
          prompt: "stream matrix please",
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = "";
        let finish: string | null | undefined;
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.text ?? "";
          finish = chunk.choices[0]?.finish_reason ?? finish;
          if (chunk.usage) usage = chunk.usage;
        }
        assert.equal(text, "echo: stream matrix please");
        assert.equal(finish, "stop");
        assertCompletionsUsage(usage, await reportedUsage(h.upstream.url, kind, onlyRequest(h)));
      });

      it("reasoning upstream: only the answer text reaches the legacy client", async () => {
        const res = await client.completions.create({
          model: model(kind, "reasoning"),
          prompt: "think about it",
        });
        assert.equal(res.choices[0].text, "echo: think about it");
        const stream = await client.completions.create({
          model: model(kind, "reasoning"),
          prompt: "think about it",
          stream: true,
        });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
        assert.equal(text, "echo: think about it");
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
              const res = await client.completions.create({
                model: model(kind, c.scenario),
                prompt: "x",
                stream: c.stream,
              });
              if (c.stream) for await (const _ of res as AsyncIterable<unknown>);
            },
            (err: any) => {
              assert.ok(err instanceof OpenAI.APIError, `APIError for ${c.scenario}`);
              assert.equal(err.status, c.status, `${c.scenario} stream=${c.stream}`);
              assert.ok(err.error?.message, "error.message present");
              return true;
            },
          );
        }
      });

      it("a non-stream answer cut mid-body is a 502", async () => {
        await assert.rejects(
          client.completions.create({ model: model(kind, "cut"), prompt: "go" }),
          (err: any) => {
            assert.ok(err instanceof OpenAI.APIError);
            assert.equal(err.status, 502);
            return true;
          },
        );
      });

      it("a stream cut mid-way ends with an error, never a clean end", async () => {
        const stream = await client.completions.create({
          model: model(kind, "cut"),
          prompt: "go",
          stream: true,
        });
        let text = "";
        await assert.rejects(async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
        }, OpenAI.APIError);
        assert.ok(text.startsWith("word0"), `text before the cut: ${text}`);
      });
    });
  }
});
