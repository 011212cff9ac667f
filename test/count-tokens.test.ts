import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { type Harness, openaiCompatConfig, startHarness } from "./helpers/harness.ts";

describe("count_tokens / countTokens", () => {
  let h: Harness;
  let anthropic: Anthropic;
  let genai: GoogleGenAI;

  before(async () => {
    h = await startHarness(
      (url, dir) =>
        `${openaiCompatConfig(url, dir)}claude-api-key:
  - api-key: "claude-key"
    base-url: "${url}"
    models: [{ name: "claude-fake-echo", alias: "claude-counted" }]
gemini-api-key:
  - api-key: "gemini-key"
    base-url: "${url}"
    models: [{ name: "gemini-fake-echo", alias: "gemini-counted" }]
`,
    );
    anthropic = new Anthropic({ baseURL: h.proxy.url, apiKey: "x", maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: h.proxy.url } });
  });
  after(() => h.close());

  const messages: Anthropic.MessageParam[] = [
    { role: "user", content: "count these words please, all of them" },
  ];

  it("asks the Claude upstream's count_tokens, without fields it rejects", async () => {
    h.upstream.reset();
    const res = await anthropic.messages.countTokens({
      model: "claude-counted",
      messages,
      system: "be brief",
    });
    const sent = h.upstream.requests.at(-1)!;
    assert.equal(sent.path, "/v1/messages/count_tokens");
    assert.equal(sent.body.model, "claude-fake-echo");
    assert.equal(sent.body.max_tokens, undefined);
    assert.ok(res.input_tokens > 0);
  });

  it("asks the Gemini upstream's countTokens for a Gemini client", async () => {
    h.upstream.reset();
    const res = await genai.models.countTokens({
      model: "gemini-counted",
      contents: "count these words please",
    });
    const sent = h.upstream.requests.at(-1)!;
    assert.match(sent.path, /gemini-fake-echo:countTokens$/);
    assert.ok((res.totalTokens ?? 0) > 0);
  });

  it("translates across: an Anthropic client counting on a Gemini upstream", async () => {
    h.upstream.reset();
    const res = await anthropic.messages.countTokens({ model: "gemini-counted", messages });
    assert.match(h.upstream.requests.at(-1)!.path, /:countTokens$/);
    assert.ok(res.input_tokens > 0);
  });

  it("counts locally when the upstream has no counting endpoint", async () => {
    h.upstream.reset();
    const short = await anthropic.messages.countTokens({
      model: "echo-model",
      messages: [{ role: "user", content: "hi" }],
    });
    const long = await anthropic.messages.countTokens({
      model: "echo-model",
      messages: [{ role: "user", content: "hello world ".repeat(50) }],
    });
    assert.equal(h.upstream.requests.length, 0, "no upstream call");
    assert.ok(short.input_tokens > 0 && short.input_tokens < 20, `short=${short.input_tokens}`);
    assert.ok(long.input_tokens > 100, `long=${long.input_tokens}`);
  });

  it("an unknown model is a 404 in the caller's envelope", async () => {
    await assert.rejects(
      anthropic.messages.countTokens({ model: "nope", messages }),
      (e: any) => e.status === 404,
    );
  });
});
