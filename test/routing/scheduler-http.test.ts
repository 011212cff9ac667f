import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness, waitFor } from "../helpers/harness.ts";
import { baseConfig, claudeKey, countBy, keysUsed, messages } from "./helpers/client.ts";

const M = [["fake-echo", "m"]] as Array<[string, string]>;

function rotationConfig(url: string, dir: string, strategy: string): string {
  return (
    baseConfig(dir, `routing:\n  strategy: "${strategy}"\n`) +
    "claude-api-key:\n" +
    claudeKey(url, "key-a", { models: M, extra: "weight: 3" }) +
    claudeKey(url, "key-b", { models: M, extra: "weight: 1" }) +
    claudeKey(url, "key-c", { models: M, extra: "weight: 1" })
  );
}

async function send(h: Harness, models: string[]): Promise<string[]> {
  h.upstream.reset();
  for (const model of models) {
    const r = await messages(h.proxy.url, model);
    assert.equal(r.status, 200, r.text);
  }
  return keysUsed(h.upstream);
}

describe("scheduler through HTTP", () => {
  let rr: Harness;
  let wrr: Harness;
  let ff: Harness;
  let prio: Harness;

  before(async () => {
    [rr, wrr, ff, prio] = await Promise.all([
      startHarness((url, dir) => rotationConfig(url, dir, "round-robin")),
      startHarness((url, dir) => rotationConfig(url, dir, "weighted-round-robin")),
      startHarness((url, dir) => rotationConfig(url, dir, "fill-first")),
      startHarness(
        (url, dir) =>
          baseConfig(dir) +
          "claude-api-key:\n" +
          claudeKey(url, "low", { models: M, extra: "priority: 0" }) +
          claudeKey(url, "high-1", { models: M, extra: "priority: 5" }) +
          claudeKey(url, "high-2", { models: M, extra: "priority: 5" }) +
          claudeKey(url, "failing-high", {
            models: [["fake-echo", "m-fail"]],
            headers: { "x-fake-scenario": "rate-limit", "x-fake-reset-seconds": "1" },
            extra: "priority: 5",
          }) +
          claudeKey(url, "fallback-low", { models: [["fake-echo", "m-fail"]], extra: "priority: 0" }),
      ),
    ]);
  });
  after(() => Promise.all([rr, wrr, ff, prio].map((h) => h?.close())));

  it("round-robin visits every key in turn and ignores weights", async () => {
    const used = await send(rr, Array(9).fill("m"));
    assert.deepEqual(used, ["key-a", "key-b", "key-c", "key-a", "key-b", "key-c", "key-a", "key-b", "key-c"]);
  });

  it("thinking variants of a model share its cursor, and the suffix never reaches upstream", async () => {
    // The cursor is at 9 (a multiple of 3) after the test above.
    const used = await send(rr, ["m(high)", "m", "m(8192)", "m"]);
    assert.deepEqual(used, ["key-a", "key-b", "key-c", "key-a"]);
    for (const r of rr.upstream.requests) assert.equal(r.body.model, "fake-echo");
  });

  it("weighted-round-robin gives each key its weight's share, exactly", async () => {
    const used = await send(wrr, Array(10).fill("m"));
    assert.deepEqual(countBy(used), { "key-a": 6, "key-b": 2, "key-c": 2 });
    assert.deepEqual(used.slice(0, 5), ["key-a", "key-a", "key-a", "key-b", "key-c"]);
  });

  it("fill-first keeps using the first key", async () => {
    const used = await send(ff, Array(5).fill("m"));
    assert.deepEqual(countBy(used), { "key-a": 5 });
  });

  it("priority: the highest bucket takes all traffic, rotating inside it", async () => {
    const used = await send(prio, Array(6).fill("m"));
    assert.deepEqual(countBy(used), { "high-1": 3, "high-2": 3 });
  });

  it("priority: a lower bucket is the failover when the higher one fails", async () => {
    const used = await send(prio, ["m-fail"]);
    assert.deepEqual(used, ["failing-high", "fallback-low"]);
  });

  it("the strategy switches at run time on config reload", async () => {
    await rr.writeConfig(rotationConfig(rr.upstream.url, rr.dir, "fill-first"));
    await waitFor(() => rr.proxy.runtime.scheduler.strategy === "fill-first");
    const used = await send(rr, Array(4).fill("m"));
    assert.deepEqual(countBy(used), { "key-a": 4 });
  });
});
