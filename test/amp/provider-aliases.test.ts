/** Amp's /api/provider/{provider}/... aliases: local answers, model-mappings, fallback to the Amp upstream. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  AMP_KEY,
  type AmpHarness,
  ampSection,
  auth,
  CLIENT_KEY,
  headerValues,
  startAmp,
  waitFor,
} from "./helpers.ts";

const MAPPINGS = `  model-mappings:
    - from: "GPT-5-Unknown"
      to: "echo-model"
    - from: "^claude-opus-.*$"
      to: "claude-local"
      regex: true
    - from: "mapped-to-nothing"
      to: "served-nowhere"
`;

function textOf(msg: Anthropic.Message): string {
  return msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
}

describe("amp: provider aliases", () => {
  let h: AmpHarness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    h = await startAmp((url) => ampSection(url, MAPPINGS));
    openai = new OpenAI({
      baseURL: `${h.proxy.url}/api/provider/openai/v1`,
      apiKey: CLIENT_KEY,
      maxRetries: 0,
    });
    anthropic = new Anthropic({
      baseURL: `${h.proxy.url}/api/provider/anthropic`,
      apiKey: CLIENT_KEY,
      maxRetries: 0,
    });
  });
  after(() => h.close());
  beforeEach(() => {
    h.upstream.reset();
    h.amp.reset();
  });

  it("serves the OpenAI SDK from the local provider", async () => {
    const r = await openai.chat.completions.create({
      model: "echo-model",
      messages: [{ role: "user", content: "hello amp" }],
    });
    assert.equal(r.choices[0].message.content, "echo: hello amp");
    assert.equal(r.model, "echo-model");
    assert.equal(h.amp.requests.length, 0);
    assert.equal(h.upstream.requests.length, 1);
    assert.equal(h.upstream.requests[0].path, "/v1/chat/completions");
    assert.equal(h.upstream.requests[0].body.model, "fake-echo");
  });

  it("streams the OpenAI SDK from the local provider", async () => {
    const stream = await openai.chat.completions.create({
      model: "echo-model",
      stream: true,
      messages: [{ role: "user", content: "stream me" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    assert.equal(text, "echo: stream me");
    assert.equal(h.amp.requests.length, 0);
  });

  it("serves the Anthropic SDK from the local provider, dropping unsigned thinking replays", async () => {
    const msg = await anthropic.messages.create({
      model: "claude-local",
      max_tokens: 64,
      messages: [
        { role: "user", content: "first" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "no signature here", signature: "" },
            { type: "text", text: "earlier answer" },
          ],
        },
        { role: "user", content: "hello claude" },
      ],
    });
    assert.equal(textOf(msg), "echo: hello claude");
    assert.equal(msg.model, "claude-local");
    assert.equal(h.amp.requests.length, 0);
    const sent = h.upstream.requests[0];
    assert.equal(sent.path, "/v1/messages");
    assert.equal(sent.body.model, "claude-fake-echo");
    assert.deepEqual(sent.body.messages[1].content, [{ type: "text", text: "earlier answer" }]);
  });

  it("forwards a model nobody serves to the Amp upstream, with the Amp key and never the client's", async () => {
    const msg = await anthropic.messages.create({
      model: "claude-sonnet-9",
      max_tokens: 64,
      messages: [{ role: "user", content: "to ampcode" }],
    });
    assert.equal(textOf(msg), "echo: to ampcode");
    assert.equal(h.upstream.requests.length, 0);
    assert.equal(h.amp.requests.length, 1);
    const fwd = h.amp.requests[0];
    assert.equal(fwd.path, "/api/provider/anthropic/v1/messages");
    assert.equal(fwd.body.model, "claude-sonnet-9");
    assert.equal(fwd.headers.authorization, `Bearer ${AMP_KEY}`);
    assert.equal(fwd.headers["x-api-key"], AMP_KEY);
    assert.ok(!headerValues(fwd).includes(CLIENT_KEY), "the client key reached the Amp upstream");
    assert.ok(!("x-stainless-lang" in fwd.headers), "SDK fingerprint headers are scrubbed");
  });

  it("streams a forwarded answer through", async () => {
    const stream = await openai.chat.completions.create({
      model: "gpt-unknown-stream",
      stream: true,
      messages: [{ role: "user", content: "forwarded stream" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    assert.equal(text, "echo: forwarded stream");
    assert.equal(h.amp.requests.length, 1);
    assert.equal(h.amp.requests[0].body.stream, true);
  });

  it("stops the forwarded upstream stream when the client goes away", async () => {
    const abort = new AbortController();
    const res = await fetch(`${h.proxy.url}/api/provider/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        ...auth(),
        "content-type": "application/json",
        "x-fake-events": "100000",
        "x-fake-interval-ms": "5",
      },
      body: JSON.stringify({
        model: "gpt-unknown-long",
        stream: true,
        messages: [{ role: "user", content: "x" }],
      }),
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    assert.ok((await reader.read()).value?.length);
    abort.abort();
    await waitFor(() => h.amp.requests[0]?.aborted === true);
  });

  it("sends a mapped model to its local target and answers under the requested name", async () => {
    const r = await openai.chat.completions.create({
      model: "gpt-5-unknown",
      messages: [{ role: "user", content: "mapped" }],
    });
    assert.equal(r.choices[0].message.content, "echo: mapped");
    assert.equal(r.model, "gpt-5-unknown");
    assert.equal(h.amp.requests.length, 0);
    assert.equal(h.upstream.requests[0].body.model, "fake-echo");
  });

  it("carries a thinking suffix over to the mapped model", async () => {
    await openai.chat.completions.create({
      model: "gpt-5-unknown(low)",
      messages: [{ role: "user", content: "think a little" }],
    });
    const sent = h.upstream.requests[0].body;
    assert.equal(sent.model, "fake-echo");
    assert.equal(sent.reasoning_effort, "low");
  });

  it("applies regex mappings case-insensitively", async () => {
    const msg = await anthropic.messages.create({
      model: "Claude-Opus-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "pattern" }],
    });
    assert.equal(msg.model, "Claude-Opus-4-5");
    assert.equal(h.amp.requests.length, 0);
    assert.equal(h.upstream.requests[0].body.model, "claude-fake-echo");
  });

  it("ignores a mapping whose target nobody serves and forwards instead", async () => {
    await openai.chat.completions.create({
      model: "mapped-to-nothing",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(h.upstream.requests.length, 0);
    assert.equal(h.amp.requests[0].body.model, "mapped-to-nothing");
  });

  it("serves Gemini calls locally and forwards unknown Gemini models without the client's ?key=", async () => {
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "gemini here" }] }] });
    const local = await fetch(
      `${h.proxy.url}/api/provider/google/v1beta/models/gemini-local:generateContent?key=${CLIENT_KEY}`,
      { method: "POST", headers: { "content-type": "application/json" }, body },
    );
    assert.equal(local.status, 200);
    const answer = (await local.json()) as any;
    assert.equal(answer.candidates[0].content.parts[0].text, "echo: gemini here");
    assert.match(h.upstream.requests[0].path, /\/models\/gemini-fake-echo:generateContent$/);

    const fwd = await fetch(
      `${h.proxy.url}/api/provider/google/v1beta/models/gemini-9-pro:generateContent?key=${CLIENT_KEY}&alt=json`,
      { method: "POST", headers: { "content-type": "application/json" }, body },
    );
    assert.equal(fwd.status, 200);
    const seen = h.amp.requests[0];
    assert.equal(seen.path, "/api/provider/google/v1beta/models/gemini-9-pro:generateContent");
    assert.deepEqual(seen.query, { alt: "json" });
    assert.equal(seen.headers["x-api-key"], AMP_KEY);
  });

  it("bridges Amp's Vertex-style Gemini path to the local Gemini route, else forwards it", async () => {
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "vertex style" }] }] });
    const path = "/api/provider/google/v1beta1/publishers/google/models";
    const local = await fetch(`${h.proxy.url}${path}/gemini-local:generateContent`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body,
    });
    assert.equal(local.status, 200);
    assert.equal(((await local.json()) as any).candidates[0].content.parts[0].text, "echo: vertex style");
    assert.equal(h.amp.requests.length, 0);

    const fwd = await fetch(`${h.proxy.url}${path}/gemini-other:generateContent`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body,
    });
    assert.equal(fwd.status, 200);
    assert.equal(h.amp.requests[0].path, `${path}/gemini-other:generateContent`);
  });

  it("accepts the root-level routes of OpenAI-style providers (no /v1)", async () => {
    const res = await fetch(`${h.proxy.url}/api/provider/groq/chat/completions`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ model: "echo-model", messages: [{ role: "user", content: "root" }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).choices[0].message.content, "echo: root");
  });

  it("drops the 1M-context beta for local Claude calls but forwards it to the Amp upstream", async () => {
    const beta = "context-1m-2025-08-07,other-beta-2025-01-01";
    await anthropic.messages.create(
      { model: "claude-local", max_tokens: 16, messages: [{ role: "user", content: "b" }] },
      { headers: { "anthropic-beta": beta } },
    );
    const localBeta = String(h.upstream.requests[0].headers["anthropic-beta"] ?? "");
    assert.ok(localBeta.includes("other-beta-2025-01-01"));
    assert.ok(!localBeta.includes("context-1m-2025-08-07"));
    await anthropic.messages.create(
      { model: "claude-remote", max_tokens: 16, messages: [{ role: "user", content: "b" }] },
      { headers: { "anthropic-beta": beta } },
    );
    assert.equal(h.amp.requests[0].headers["anthropic-beta"], beta);
  });

  it("lists models in the shape of the provider in the path", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${h.proxy.url}/api/provider${path}`, { headers: auth() });
      assert.equal(res.status, 200, path);
      return (await res.json()) as any;
    };
    const claude = await get("/anthropic/v1/models");
    assert.equal(claude.has_more, false);
    assert.ok(claude.data.some((m: any) => m.id === "claude-local" && m.type === "model"));
    const openaiList = await get("/openai/v1/models");
    assert.equal(openaiList.object, "list");
    assert.ok(openaiList.data.some((m: any) => m.id === "echo-model"));
    const gemini = await get("/google/v1beta/models");
    assert.ok(gemini.models.some((m: any) => m.name === "models/gemini-local"));
    assert.equal((await get("/google/v1beta/models/gemini-local")).name, "models/gemini-local");
    const listed = await openai.models.list();
    assert.ok(listed.data.some((m) => m.id === "tool-model"));
  });

  it("asks for the client key, in each provider's error envelope", async () => {
    const bad = new OpenAI({
      baseURL: `${h.proxy.url}/api/provider/openai/v1`,
      apiKey: "wrong",
      maxRetries: 0,
    });
    await assert.rejects(
      bad.chat.completions.create({ model: "echo-model", messages: [{ role: "user", content: "x" }] }),
      (err: any) => err.status === 401 && err.error?.message === "Invalid API key",
    );
    const res = await fetch(`${h.proxy.url}/api/provider/anthropic/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-local", max_tokens: 8, messages: [] }),
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).type, "error");
    const models = await fetch(`${h.proxy.url}/api/provider/google/v1beta/models`);
    assert.equal(models.status, 401);
    assert.equal(((await models.json()) as any).error.status, "UNAUTHENTICATED");
    assert.equal(h.amp.requests.length + h.upstream.requests.length, 0);
  });

  it("answers 404 for paths the aliases do not know", async () => {
    const res = await fetch(`${h.proxy.url}/api/provider/openai/v2/chat/completions`, {
      method: "POST",
      headers: auth(),
      body: "{}",
    });
    assert.equal(res.status, 404);
    // A malformed %-escape in a Gemini model name is a 404, not a crash of the listener.
    for (const path of [
      "/api/provider/google/v1beta/models/%E0%A4%A:generateContent",
      "/api/provider/google/v1beta1/publishers/google/models/%E0%A4%A:generateContent",
      "/v1beta/models/%E0%A4%A:generateContent",
    ]) {
      const bad = await fetch(`${h.proxy.url}${path}`, { method: "POST", headers: auth(), body: "{}" });
      assert.ok(bad.status === 404 || bad.status === 503, `${path}: ${bad.status}`);
    }
  });
});
