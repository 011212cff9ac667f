import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { baseConfig, chat, claudeKey, countBy, keysUsed, messages } from "./helpers/client.ts";

const rateLimited = (seconds: number) => ({
  "x-fake-scenario": "rate-limit",
  "x-fake-reset-seconds": String(seconds),
});

/** The text deltas of an OpenAI chat SSE stream, joined. */
function chatStreamText(sse: string): string {
  let out = "";
  for (const line of sse.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    out += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? "";
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe("cooldown and failover through HTTP", () => {
  let h: Harness;

  // fill-first, so the failing key is always tried first and the outcome is deterministic.
  before(async () => {
    h = await startHarness(
      (url, dir) =>
        baseConfig(dir, 'routing:\n  strategy: "fill-first"\nrequest-retry: 0') +
        "claude-api-key:\n" +
        claudeKey(url, "limited", {
          models: [
            ["model-one", "m1"],
            ["model-two", "m2"],
            ["model-five", "m5"],
          ],
          headers: rateLimited(1),
        }) +
        claudeKey(url, "rejects", {
          models: [["model-three", "m3"]],
          headers: { "x-fake-scenario": "bad-request" },
        }) +
        claudeKey(url, "broken", {
          models: [["model-four", "m4"]],
          headers: { "x-fake-scenario": "server-error" },
        }) +
        claudeKey(url, "cutter", { models: [["model-six", "m6"]], headers: { "x-fake-scenario": "cut" } }) +
        claudeKey(url, "good", {
          models: [
            ["model-one", "m1"],
            ["model-two", "m2"],
            ["model-three", "m3"],
            ["model-four", "m4"],
            ["model-five", "m5"],
            ["model-six", "m6"],
          ],
        }),
    );
  });
  after(() => h?.close());

  it("a 429 with a reset hint cools only that key, only for that model, and only until the reset", async () => {
    h.upstream.reset();
    const first = await messages(h.proxy.url, "m1");
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"]);

    h.upstream.reset();
    assert.equal((await messages(h.proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["good"], "the cooling key is skipped for m1");

    h.upstream.reset();
    assert.equal((await messages(h.proxy.url, "m2")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"], "m2 on the same key is not cooling");

    const cooling = h.proxy.runtime.cooldowns.active().map((c) => c.model);
    assert.deepEqual(cooling.sort(), ["model-one", "model-two"]);
    const left = h.proxy.runtime.cooldowns.active()[0].until - Date.now();
    assert.ok(left > 0 && left <= 1000, `cooldown follows the 1 s hint, ${left} ms left`);

    await sleep(1050);
    h.upstream.reset();
    assert.equal((await messages(h.proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"], "tried again after the reset");
  });

  it("a 400 is returned at once, without trying another key", async () => {
    h.upstream.reset();
    const r = await messages(h.proxy.url, "m3");
    assert.equal(r.status, 400);
    assert.deepEqual(keysUsed(h.upstream), ["rejects"]);
    assert.equal(
      h.proxy.runtime.cooldowns.active().some((c) => c.model === "model-three"),
      false,
    );
  });

  it("a stream fails over before its first byte (500 from the first key)", async () => {
    h.upstream.reset();
    const r = await messages(h.proxy.url, "m4", { stream: true, text: "stream please" });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /text\/event-stream/);
    assert.match(r.text, /event: message_stop/);
    assert.deepEqual(keysUsed(h.upstream), ["broken", "good"]);
  });

  it("a stream fails over before its first byte (429 from the first key), also when translated", async () => {
    h.upstream.reset();
    const r = await chat(h.proxy.url, "m5", { stream: true, text: "translated stream" });
    assert.equal(r.status, 200);
    assert.equal(chatStreamText(r.text), "echo: translated stream");
    assert.match(r.text, /data: \[DONE\]/);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"]);
  });

  it("no failover once the first byte reached the client (stream cut mid-way)", async () => {
    h.upstream.reset();
    const r = await messages(h.proxy.url, "m6", { stream: true });
    assert.equal(r.status, 200);
    assert.match(r.text, /content_block_delta/, "the client got the first frames");
    assert.doesNotMatch(r.text, /event: message_stop/);
    assert.match(r.text, /event: error/);
    assert.deepEqual(keysUsed(h.upstream), ["cutter"]);
  });
});

describe("retry rounds and all-cooling answers through HTTP", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness(
      (url, dir) =>
        baseConfig(dir, 'routing:\n  strategy: "fill-first"\nrequest-retry: 1\nmax-retry-interval: 2') +
        "claude-api-key:\n" +
        claudeKey(url, "short-1", { models: [["model-seven", "m7"]], headers: rateLimited(1) }) +
        claudeKey(url, "short-2", { models: [["model-seven", "m7"]], headers: rateLimited(1) }) +
        claudeKey(url, "long-1", { models: [["model-eight", "m8"]], headers: rateLimited(3) }) +
        claudeKey(url, "long-2", { models: [["model-eight", "m8"]], headers: rateLimited(3) }),
    );
  });
  after(() => h?.close());

  it("request-retry waits for the nearest cooldown when it is within max-retry-interval", async () => {
    h.upstream.reset();
    const started = Date.now();
    const r = await messages(h.proxy.url, "m7");
    const elapsed = Date.now() - started;
    assert.equal(r.status, 429);
    const used = countBy(keysUsed(h.upstream));
    assert.equal(used["short-1"], 2, `a second round after the 1 s cooldown: ${JSON.stringify(used)}`);
    assert.ok(elapsed >= 900, `waited for the cooldown (${elapsed} ms)`);
  });

  it("does not wait when the nearest cooldown is beyond max-retry-interval; all cooling -> 429 naming model and time", async () => {
    h.upstream.reset();
    const started = Date.now();
    const r = await messages(h.proxy.url, "m8");
    assert.ok(Date.now() - started < 900, "no wait for a 3 s cooldown with a 2 s limit");
    assert.deepEqual(keysUsed(h.upstream), ["long-1", "long-2"]);
    assert.equal(r.status, 429);
    const retryAfter = Number(r.headers.get("retry-after"));
    assert.ok(retryAfter >= 2 && retryAfter <= 3, `Retry-After ${retryAfter}`);
    const message = r.json().error.message as string;
    assert.match(message, /"m8"/);
    assert.match(message, /frees up in \d+s \(at \d{4}-\d\d-\d\dT/);

    // Every key is cooling now: answered without calling upstream at all.
    h.upstream.reset();
    const again = await messages(h.proxy.url, "m8");
    assert.equal(again.status, 429);
    assert.equal(h.upstream.requests.length, 0);
    assert.ok(Number(again.headers.get("retry-after")) >= 1);
    assert.match(again.json().error.message, /"m8"/);
  });
});
