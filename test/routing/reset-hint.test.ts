import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import { parseGoDuration, resetHintMs } from "../../src/upstream/reset-hint.ts";

/** Each provider's 429, as the fake upstream sends it (from each provider's documented format). */
const SURFACES: Array<{ name: string; path: string; body: unknown; ownHint: string }> = [
  {
    name: "OpenAI",
    path: "/v1/chat/completions",
    body: { model: "gpt-5", messages: [] },
    ownHint: "x-ratelimit-reset-requests",
  },
  {
    name: "Codex",
    path: "/backend-api/codex/responses",
    body: { model: "gpt-5", input: [] },
    ownHint: "body",
  },
  {
    name: "Anthropic",
    path: "/v1/messages",
    body: { model: "claude-sonnet-4-5", max_tokens: 10, messages: [] },
    ownHint: "anthropic-ratelimit-requests-reset",
  },
  {
    name: "Gemini",
    path: "/v1beta/models/gemini-2.5-pro:generateContent",
    body: { contents: [] },
    ownHint: "body",
  },
  {
    name: "Code Assist",
    path: "/v1internal:generateContent",
    body: { model: "gemini-2.5-pro", project: "p", request: { contents: [] } },
    ownHint: "body",
  },
];

describe("reset hints of every provider's 429", () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream({ port: 0, record: false });
  });
  after(() => up.close());

  async function rateLimited(path: string, body: unknown, seconds: number) {
    const res = await fetch(up.url + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-fake-scenario": "rate-limit",
        "x-fake-reset-seconds": String(seconds),
      },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 429);
    return { headers: Object.fromEntries(res.headers), text: await res.text() };
  }

  for (const s of SURFACES) {
    it(`${s.name}: the hint says when the key frees up`, async () => {
      const { headers, text } = await rateLimited(s.path, s.body, 7);
      const ms = resetHintMs(headers, text);
      assert.ok(ms !== undefined && ms >= 6000 && ms <= 8000, `${s.name}: ${ms}`);
    });

    it(`${s.name}: its own hint (${s.ownHint}) works without Retry-After`, async () => {
      const { headers, text } = await rateLimited(s.path, s.body, 75);
      delete headers["retry-after"];
      if (s.ownHint === "body")
        for (const k of Object.keys(headers)) if (k.includes("reset")) delete headers[k];
      const ms = resetHintMs(headers, text);
      assert.ok(ms !== undefined && ms >= 74_000 && ms <= 76_000, `${s.name}: ${ms}`);
    });
  }

  it("no hint at all gives undefined (the tracker then backs off on its own)", () => {
    assert.equal(resetHintMs({}, '{"error":{"message":"slow down"}}'), undefined);
    assert.equal(resetHintMs({}, "not json"), undefined);
  });

  it("a reset time already in the past means usable now", () => {
    const past = new Date(Date.now() - 5000).toUTCString();
    assert.equal(resetHintMs({ "retry-after": past }, ""), 0);
  });

  it("parses Go durations as OpenAI and Google print them", () => {
    assert.equal(parseGoDuration("3s"), 3000);
    assert.equal(parseGoDuration("1m30s"), 90_000);
    assert.equal(parseGoDuration("250ms"), 250);
    assert.equal(parseGoDuration("1h0m5s"), 3_605_000);
    assert.equal(parseGoDuration("1.5s"), 1500);
    assert.equal(parseGoDuration("soon"), undefined);
  });
});
