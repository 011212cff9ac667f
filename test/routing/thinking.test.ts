import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { codecFor } from "../../src/protocols/index.ts";
import type { IRRequest } from "../../src/protocols/ir.ts";
import { findCatalogModel } from "../../src/providers/catalog.ts";
import { applyThinkingToBody, applyThinkingToIR } from "../../src/routing/thinking.ts";
import {
  type ModelCaps,
  parseThinkingSuffix,
  reasoningForSuffix,
} from "../../src/routing/thinking-suffix.ts";
import { ProxyError } from "../../src/server/errors.ts";

const SONNET = "claude-sonnet-4-5-20250929";
const OPUS_41 = "claude-opus-4-1-20250805";

function caps(model: string): ModelCaps {
  const info = findCatalogModel(model);
  assert.ok(info, `${model} is in the catalog`);
  return { thinking: info.thinking, maxOutputTokens: info.maxOutputTokens };
}

function reasoning(suffix: string, model: string | undefined) {
  const parsed = parseThinkingSuffix(suffix);
  assert.ok(parsed);
  return reasoningForSuffix(parsed, model === undefined ? undefined : caps(model));
}

function ir(extra: Partial<IRRequest> = {}): IRRequest {
  return {
    model: "client-model",
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...extra,
  };
}

describe("thinking suffix parsing", () => {
  it("reads levels, budgets, none and auto; empty means no suffix", () => {
    assert.deepEqual(parseThinkingSuffix("HIGH"), { kind: "level", level: "high" });
    assert.deepEqual(parseThinkingSuffix("max"), { kind: "level", level: "max" });
    assert.deepEqual(parseThinkingSuffix("8192"), { kind: "budget", tokens: 8192 });
    assert.deepEqual(parseThinkingSuffix("none"), { kind: "off" });
    assert.deepEqual(parseThinkingSuffix("0"), { kind: "off" });
    assert.deepEqual(parseThinkingSuffix("auto"), { kind: "auto" });
    assert.deepEqual(parseThinkingSuffix("-1"), { kind: "auto" });
    assert.equal(parseThinkingSuffix(""), undefined);
    assert.equal(parseThinkingSuffix(undefined), undefined);
  });

  it("rejects text that is neither a level nor a budget with a 400", () => {
    for (const bad of ["bogus", "1.5", "-7", "12k"]) {
      assert.throws(
        () => parseThinkingSuffix(bad),
        (err: unknown) => err instanceof ProxyError && err.status === 400 && err.message.includes(bad),
      );
    }
  });
});

describe("thinking suffix -> reasoning, clamped per model", () => {
  it("Anthropic budgets: levels become budgets, clamped to 1024..max output; none disables", () => {
    assert.deepEqual(reasoning("high", SONNET), { budgetTokens: 24576 });
    assert.deepEqual(reasoning("500", SONNET), { budgetTokens: 1024 });
    assert.deepEqual(reasoning("100000", SONNET), { budgetTokens: 64000 });
    assert.deepEqual(reasoning("max", OPUS_41), { budgetTokens: 32000 });
    assert.deepEqual(reasoning("none", SONNET), { budgetTokens: 0 });
    assert.deepEqual(reasoning("auto", SONNET), { budgetTokens: 8192 });
  });

  it("Gemini 2.5: Pro cannot turn thinking off, Flash caps at 24576, both allow dynamic", () => {
    assert.deepEqual(reasoning("none", "gemini-2.5-pro"), { budgetTokens: 128 });
    assert.deepEqual(reasoning("50000", "gemini-2.5-pro"), { budgetTokens: 32768 });
    assert.deepEqual(reasoning("auto", "gemini-2.5-pro"), { budgetTokens: -1 });
    assert.deepEqual(reasoning("minimal", "gemini-2.5-pro"), { budgetTokens: 512 });
    assert.deepEqual(reasoning("none", "gemini-2.5-flash"), { budgetTokens: 0 });
    assert.deepEqual(reasoning("30000", "gemini-2.5-flash"), { budgetTokens: 24576 });
    assert.deepEqual(reasoning("xhigh", "gemini-2.5-flash"), { budgetTokens: 24576 });
  });

  it("Gemini 3: levels snap to the nearest supported level; budgets stay budgets", () => {
    const model = "gemini-3-pro-preview";
    assert.deepEqual(reasoning("high", model), { effort: "high" });
    assert.deepEqual(reasoning("medium", model), { effort: "high" });
    assert.deepEqual(reasoning("minimal", model), { effort: "low" });
    assert.deepEqual(reasoning("max", model), { effort: "high" });
    assert.deepEqual(reasoning("none", model), { effort: "low" });
    assert.deepEqual(reasoning("8192", model), { budgetTokens: 8192 });
    assert.deepEqual(reasoning("auto", model), { budgetTokens: -1 });
  });

  it("OpenAI efforts: budgets become levels, unsupported levels snap, none falls to the lowest", () => {
    assert.deepEqual(reasoning("none", "gpt-5"), { effort: "minimal" });
    assert.deepEqual(reasoning("none", "gpt-5.1"), { effort: "none" });
    assert.deepEqual(reasoning("minimal", "gpt-5.1"), { effort: "low" });
    assert.deepEqual(reasoning("xhigh", "gpt-5"), { effort: "high" });
    assert.deepEqual(reasoning("8192", "gpt-5"), { effort: "medium" });
    assert.deepEqual(reasoning("300", "gpt-5"), { effort: "minimal" });
    assert.deepEqual(reasoning("300", "gpt-5-codex"), { effort: "low" });
    assert.deepEqual(reasoning("auto", "gpt-5"), { effort: "auto" });
  });

  it("leaves models without thinking alone and applies the suffix as written to unknown models", () => {
    assert.equal(reasoning("high", "claude-3-5-haiku-20241022"), undefined);
    assert.deepEqual(reasoning("high", undefined), { effort: "high" });
    assert.deepEqual(reasoning("5000", undefined), { budgetTokens: 5000 });
    assert.deepEqual(reasoning("none", undefined), { effort: "none" });
  });
});

describe("applyThinkingToIR", () => {
  it("overrides the body's reasoning, keeps includeThoughts and does not touch the input", () => {
    const input = ir({ reasoning: { effort: "low", includeThoughts: true } });
    const out = applyThinkingToIR(input, "high", "gpt-5");
    assert.deepEqual(out.reasoning, { effort: "high", includeThoughts: true });
    assert.deepEqual(input.reasoning, { effort: "low", includeThoughts: true });
    assert.equal(applyThinkingToIR(input, undefined, "gpt-5"), input);
    assert.equal(applyThinkingToIR(input, "", "gpt-5"), input);
  });

  it("none disables thinking and drops includeThoughts", () => {
    const out = applyThinkingToIR(
      ir({ reasoning: { effort: "high", includeThoughts: true } }),
      "none",
      "gpt-5.1",
    );
    assert.deepEqual(out.reasoning, { effort: "none" });
  });

  it("OpenAI chat and Responses codecs write the effort", () => {
    const chat = codecFor("openai-chat").encodeRequest(applyThinkingToIR(ir(), "8192", "gpt-5"), "gpt-5");
    assert.equal(chat.reasoning_effort, "medium");
    const responses = codecFor("openai-responses").encodeRequest(
      applyThinkingToIR(ir({ reasoning: { effort: "low" } }), "high", "gpt-5.1"),
      "gpt-5.1",
    );
    assert.deepEqual(responses.reasoning, { effort: "high" });
  });

  it("Anthropic: max tokens is raised above the budget instead of the budget being cut", () => {
    const out = applyThinkingToIR(ir({ maxTokens: 1000 }), "8192", SONNET, "anthropic");
    assert.equal(out.maxTokens, 8192 + 8192);
    const body = codecFor("anthropic").encodeRequest(out, SONNET);
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 8192 });
    assert.equal(body.max_tokens, 16384);
  });

  it("Anthropic: the model's output ceiling bounds both max tokens and budget", () => {
    const out = applyThinkingToIR(ir(), "max", OPUS_41, "anthropic");
    assert.equal(out.maxTokens, 32000);
    const body = codecFor("anthropic").encodeRequest(out, OPUS_41);
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 31999 });
    assert.equal(body.max_tokens, 32000);
  });

  it("Anthropic: none gives thinking disabled", () => {
    const out = applyThinkingToIR(ir({ maxTokens: 500 }), "none", SONNET, "anthropic");
    const body = codecFor("anthropic").encodeRequest(out, SONNET);
    assert.deepEqual(body.thinking, { type: "disabled" });
    assert.equal(body.max_tokens, 500);
  });

  it("Gemini: budget for 2.5, level for 3", () => {
    const flash = codecFor("gemini").encodeRequest(
      applyThinkingToIR(ir(), "high", "gemini-2.5-flash"),
      "gemini-2.5-flash",
    );
    assert.equal((flash.generationConfig as any).thinkingConfig.thinkingBudget, 24576);
    const pro3 = codecFor("gemini").encodeRequest(
      applyThinkingToIR(ir(), "minimal", "gemini-3-pro-preview"),
      "gemini-3-pro-preview",
    );
    assert.equal((pro3.generationConfig as any).thinkingConfig.thinkingLevel, "low");
    assert.equal((pro3.generationConfig as any).thinkingConfig.thinkingBudget, undefined);
  });

  it("takes a registry candidate's capabilities (e.g. a configured thinking range)", () => {
    const target = { upstreamModel: "custom", caps: { thinking: { min: 100, max: 2000 } } };
    assert.deepEqual(applyThinkingToIR(ir(), "8192", target).reasoning, { budgetTokens: 2000 });
  });

  it("throws a 400 for a meaningless suffix", () => {
    assert.throws(
      () => applyThinkingToIR(ir(), "lots", "gpt-5"),
      (e: unknown) => (e as ProxyError).status === 400,
    );
  });
});

describe("applyThinkingToBody (same-format passthrough)", () => {
  it("OpenAI chat: reasoning_effort; auto removes it", () => {
    const body = { model: "gpt-5", messages: [], reasoning_effort: "low" };
    assert.equal(applyThinkingToBody("openai-chat", body, "high", "gpt-5").reasoning_effort, "high");
    assert.equal(body.reasoning_effort, "low");
    assert.equal("reasoning_effort" in applyThinkingToBody("openai-chat", body, "auto", "gpt-5"), false);
  });

  it("Responses: reasoning.effort, other reasoning fields kept", () => {
    const body = { model: "m", input: "x", reasoning: { effort: "high", summary: "auto" } };
    const out = applyThinkingToBody("openai-responses", body, "minimal", "gpt-5.1-codex");
    assert.deepEqual(out.reasoning, { effort: "low", summary: "auto" });
    assert.deepEqual(applyThinkingToBody("openai-responses", { input: "x" }, "none", "gpt-5.1").reasoning, {
      effort: "none",
    });
  });

  it("Anthropic: enabled with budget and max_tokens raised; none disables", () => {
    const body = { model: "m", max_tokens: 1000, messages: [], thinking: { type: "disabled" } };
    const out = applyThinkingToBody("anthropic", body, "8192", SONNET);
    assert.deepEqual(out.thinking, { type: "enabled", budget_tokens: 8192 });
    assert.equal(out.max_tokens, 16384);
    assert.deepEqual(body.thinking, { type: "disabled" });
    const off = applyThinkingToBody(
      "anthropic",
      { max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1500 } },
      "none",
      SONNET,
    );
    assert.deepEqual(off.thinking, { type: "disabled" });
    assert.equal(off.max_tokens, 2000);
  });

  it("Anthropic: a large max_tokens is kept and the budget fits under it", () => {
    const out = applyThinkingToBody("anthropic", { max_tokens: 40000 }, "high", SONNET);
    assert.deepEqual(out.thinking, { type: "enabled", budget_tokens: 24576 });
    assert.equal(out.max_tokens, 40000);
  });

  it("Anthropic adaptive-generation models get adaptive thinking with an effort", () => {
    const body = { max_tokens: 4096, output_config: { format: { type: "json_schema" } } };
    const out = applyThinkingToBody("anthropic", body, "high", "claude-opus-4-6");
    assert.deepEqual(out.thinking, { type: "adaptive" });
    assert.deepEqual(out.output_config, { format: { type: "json_schema" }, effort: "high" });
  });

  it("Gemini: thinkingBudget or thinkingLevel, never both, includeThoughts and the rest kept", () => {
    const body = {
      contents: [],
      generationConfig: { temperature: 0.2, thinkingConfig: { thinkingLevel: "low", includeThoughts: true } },
    };
    const out = applyThinkingToBody("gemini", body, "4096", "gemini-2.5-pro");
    assert.deepEqual(out.generationConfig, {
      temperature: 0.2,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 4096 },
    });
    assert.deepEqual(body.generationConfig.thinkingConfig, { thinkingLevel: "low", includeThoughts: true });
    const g3 = applyThinkingToBody(
      "gemini",
      { generationConfig: { thinkingConfig: { thinkingBudget: 99 } } },
      "high",
      "gemini-3-pro-preview",
    );
    assert.deepEqual(g3.generationConfig, { thinkingConfig: { thinkingLevel: "high" } });
    const off = applyThinkingToBody("gemini", {}, "none", "gemini-2.5-flash");
    assert.deepEqual(off.generationConfig, { thinkingConfig: { thinkingBudget: 0 } });
  });

  it("Gemini CLI envelope: the inner request is changed", () => {
    const out = applyThinkingToBody(
      "gemini-cli",
      { model: "m", request: { contents: [] } },
      "auto",
      "gemini-2.5-pro",
    );
    assert.deepEqual((out.request as any).generationConfig, { thinkingConfig: { thinkingBudget: -1 } });
  });

  it("a model without thinking support gets the body back unchanged", () => {
    const body = { max_tokens: 100 };
    assert.equal(applyThinkingToBody("anthropic", body, "high", "claude-3-5-haiku-20241022"), body);
  });
});
