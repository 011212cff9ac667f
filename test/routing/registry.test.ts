import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfigText } from "../../src/config/index.ts";
import { CooldownTracker } from "../../src/credentials/cooldown.ts";
import { credentialsFromConfig } from "../../src/credentials/from-config.ts";
import { Scheduler } from "../../src/credentials/scheduler.ts";
import { ModelRegistry } from "../../src/routing/registry.ts";
import { applyThinkingToIR } from "../../src/routing/thinking.ts";

function registryFor(yaml: string, forceModelPrefix = false): ModelRegistry {
  return new ModelRegistry(credentialsFromConfig(parseConfigText(yaml).config), { forceModelPrefix });
}

const COMPAT = `openai-compatibility:
  - name: "lab"
    base-url: "http://127.0.0.1:1/v1"
    api-key-entries:
      - api-key: "k1"
      - api-key: "k2"
        weight: 0
    models:
      - name: "qwen3"
        alias: "thinker"
        thinking:
          min: 256
          max: 4096
          zero-allowed: true
      - name: "gpt-5"
        alias: "five"
      - name: "plain-model"
      - name: "odd(name)"
`;

describe("model registry", () => {
  it("carries each model's capabilities: configured thinking, else the catalog's, else unknown", () => {
    const reg = registryFor(COMPAT);
    assert.deepEqual(reg.resolve("thinker")?.candidates[0].caps?.thinking, {
      min: 256,
      max: 4096,
      zeroAllowed: true,
    });
    assert.deepEqual(reg.resolve("five")?.candidates[0].caps?.thinking?.levels, [
      "minimal",
      "low",
      "medium",
      "high",
    ]);
    assert.equal(reg.resolve("plain-model")?.candidates[0].caps, undefined);
  });

  it("a weight-0 key is not a candidate", () => {
    assert.equal(registryFor(COMPAT).resolve("thinker")?.candidates.length, 1);
  });

  it("the suffix is split off the cursor key and applied with the configured range", () => {
    const res = registryFor(COMPAT).resolve("thinker(100000)");
    assert.ok(res);
    assert.equal(res.key, "thinker");
    assert.equal(res.thinking, "100000");
    const ir = applyThinkingToIR(
      { model: "x", system: [], messages: [], stream: false },
      res.thinking,
      res.candidates[0],
    );
    assert.deepEqual(ir.reasoning, { budgetTokens: 4096 });
  });

  it("a configured name ending in parentheses is matched whole; empty parentheses are ignored", () => {
    const reg = registryFor(COMPAT);
    assert.deepEqual(
      { key: reg.resolve("odd(name)")?.key, thinking: reg.resolve("odd(name)")?.thinking },
      { key: "odd(name)", thinking: undefined },
    );
    assert.equal(reg.resolve("thinker()")?.thinking, undefined);
  });

  it("a meaningless suffix on a served model throws 400; on an unknown model it is simply not found", () => {
    const reg = registryFor(COMPAT);
    assert.throws(() => reg.resolve("thinker(lots)"), { status: 400 });
    assert.equal(reg.resolve("nobody(lots)"), undefined);
  });

  it("excluded-models also hides configured aliases", () => {
    const reg = registryFor(`claude-api-key:
  - api-key: "a"
    excluded-models: ["*-preview"]
    models:
      - name: "claude-x"
        alias: "x-preview"
      - name: "claude-y"
        alias: "y"
`);
    assert.equal(reg.resolve("x-preview"), undefined);
    assert.ok(reg.resolve("y"));
  });
});

describe("scheduler order", () => {
  const reg = registryFor(`claude-api-key:
  - api-key: "a"
    weight: 2
    models: [{ name: "up", alias: "m" }]
  - api-key: "b"
    models: [{ name: "up", alias: "m" }]
  - api-key: "c"
    priority: -1
    models: [{ name: "up", alias: "m" }]
`);
  const res = reg.resolve("m")!;
  const labels = (order: ReturnType<Scheduler["order"]>) => order.map((c) => c.cred.apiKey);

  it("rotates the top bucket and keeps lower buckets behind it as failover", () => {
    const s = new Scheduler("round-robin");
    const cool = new CooldownTracker();
    assert.deepEqual(labels(s.order(res.key, res.candidates, cool)), ["a", "b", "c"]);
    assert.deepEqual(labels(s.order(res.key, res.candidates, cool)), ["b", "a", "c"]);
    assert.deepEqual(labels(s.order(res.key, res.candidates, cool)), ["a", "b", "c"]);
  });

  it("weighted-round-robin repeats a key by its weight", () => {
    const s = new Scheduler("weighted-round-robin");
    const cool = new CooldownTracker();
    const firsts = Array.from({ length: 6 }, () => labels(s.order(res.key, res.candidates, cool))[0]);
    assert.deepEqual(firsts, ["a", "a", "b", "a", "a", "b"]);
  });

  it("leaves cooling candidates out; all cooling gives an empty order", () => {
    const s = new Scheduler("fill-first");
    const cool = new CooldownTracker();
    cool.fail(res.candidates[0].cred.id, "up", 429, 10_000);
    assert.deepEqual(labels(s.order(res.key, res.candidates, cool)), ["b", "c"]);
    cool.fail(res.candidates[1].cred.id, "up", 429, 10_000);
    cool.fail(res.candidates[2].cred.id, "up", 429, 10_000);
    assert.deepEqual(s.order(res.key, res.candidates, cool), []);
  });
});
