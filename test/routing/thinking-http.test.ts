import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { baseConfig, post } from "./helpers/client.ts";

/**
 * The thinking suffix reaches each upstream as its own reasoning control, on the translated
 * path (IR) and on the same-format passthrough path.
 */
describe("thinking suffix through HTTP", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness(
      (url, dir) =>
        baseConfig(dir) +
        `claude-api-key:
  - api-key: "claude-key"
    base-url: "${url}"
gemini-api-key:
  - api-key: "gemini-key"
    base-url: "${url}"
codex-api-key:
  - api-key: "codex-key"
    base-url: "${url}/v1"
openai-compatibility:
  - name: "compat"
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "compat-key"
    models:
      - name: "fake-echo"
        alias: "compat-echo"
`,
    );
  });
  after(() => h?.close());

  /** Sends one call and returns the body the upstream received. */
  async function upstreamBody(path: string, body: unknown): Promise<any> {
    h.upstream.reset();
    const r = await post(h.proxy.url, path, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(h.upstream.requests.length, 1);
    return h.upstream.requests[0].body;
  }

  const chatBody = (model: string, extra: object = {}) => ({
    model,
    messages: [{ role: "user", content: "think" }],
    ...extra,
  });

  it("Anthropic passthrough: thinking enabled with the budget, max_tokens raised, suffix wins over the body", async () => {
    const sent = await upstreamBody("/v1/messages", {
      model: "claude-sonnet-4-5-20250929(8192)",
      max_tokens: 1000,
      thinking: { type: "disabled" },
      messages: [{ role: "user", content: "think" }],
    });
    assert.equal(sent.model, "claude-sonnet-4-5-20250929");
    assert.deepEqual(sent.thinking, { type: "enabled", budget_tokens: 8192 });
    assert.equal(sent.max_tokens, 16384);
  });

  it("OpenAI client -> Anthropic: none disables thinking", async () => {
    const sent = await upstreamBody(
      "/v1/chat/completions",
      chatBody("claude-sonnet-4-5-20250929(none)", { reasoning_effort: "high" }),
    );
    assert.deepEqual(sent.thinking, { type: "disabled" });
  });

  it("OpenAI client -> Gemini 2.5: a level becomes a clamped thinkingBudget", async () => {
    const sent = await upstreamBody("/v1/chat/completions", chatBody("gemini-2.5-flash(xhigh)"));
    assert.equal(sent.generationConfig.thinkingConfig.thinkingBudget, 24576);
  });

  it("Gemini passthrough: Gemini 3 gets a thinkingLevel, never alongside a budget", async () => {
    const sent = await upstreamBody("/v1beta/models/gemini-3-pro-preview(minimal):generateContent", {
      contents: [{ role: "user", parts: [{ text: "think" }] }],
      generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
    });
    assert.deepEqual(sent.generationConfig.thinkingConfig, { includeThoughts: true, thinkingLevel: "low" });
    assert.match(h.upstream.requests[0].path, /models\/gemini-3-pro-preview:generateContent/);
  });

  it("OpenAI client -> Codex (Responses): reasoning.effort", async () => {
    const sent = await upstreamBody("/v1/chat/completions", chatBody("gpt-5(8192)"));
    assert.equal(sent.reasoning.effort, "medium");
  });

  it("Responses passthrough: none on gpt-5.1 is reasoning.effort none", async () => {
    const sent = await upstreamBody("/v1/responses", {
      model: "gpt-5.1(none)",
      input: "think",
      reasoning: { effort: "high", summary: "auto" },
    });
    assert.equal(sent.model, "gpt-5.1");
    assert.deepEqual(sent.reasoning, { effort: "none", summary: "auto" });
  });

  it("OpenAI-compatible passthrough of an unknown model: the level is sent as written", async () => {
    const sent = await upstreamBody(
      "/v1/chat/completions",
      chatBody("compat-echo(high)", { reasoning_effort: "low" }),
    );
    assert.equal(sent.model, "fake-echo");
    assert.equal(sent.reasoning_effort, "high");
  });

  it("no suffix: the passthrough body is forwarded untouched but for the model", async () => {
    const sent = await upstreamBody(
      "/v1/chat/completions",
      chatBody("compat-echo", { reasoning_effort: "low" }),
    );
    assert.equal(sent.reasoning_effort, "low");
  });
});
