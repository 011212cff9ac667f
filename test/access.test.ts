import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Harness, openaiCompatConfig, startHarness } from "./helpers/harness.ts";

describe("client API keys", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((url, dir) =>
      openaiCompatConfig(url, dir, 'api-keys:\n  - "client-key-1"\n  - "client-key-2"'),
    );
  });
  after(() => h.close());

  const chat = (headers: Record<string, string>, query = "") =>
    fetch(`${h.proxy.url}/v1/chat/completions${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ model: "echo-model", messages: [{ role: "user", content: "hi" }] }),
    });

  it("accepts a key from Authorization: Bearer, x-api-key, x-goog-api-key and ?key=", async () => {
    assert.equal((await chat({ authorization: "Bearer client-key-1" })).status, 200);
    assert.equal((await chat({ "x-api-key": "client-key-2" })).status, 200);
    assert.equal((await chat({ "x-goog-api-key": "client-key-1" })).status, 200);
    assert.equal((await chat({}, "?key=client-key-2")).status, 200);
  });

  it("refuses a missing or wrong key with 401 in the OpenAI envelope", async () => {
    const missing = await chat({});
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as any).error.type, "authentication_error");
    const wrong = await chat({ authorization: "Bearer nope" });
    assert.equal(wrong.status, 401);
    const body = (await wrong.json()) as any;
    assert.equal(body.error.code, "invalid_api_key");
    assert.doesNotMatch(JSON.stringify(body), /client-key/);
  });

  it("the OpenAI SDK with the right key works, with a wrong key gets AuthenticationError", async () => {
    const ok = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "client-key-1", maxRetries: 0 });
    const res = await ok.chat.completions.create({
      model: "echo-model",
      messages: [{ role: "user", content: "k" }],
    });
    assert.equal(res.choices[0].message.content, "echo: k");
    const bad = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(bad.models.list(), OpenAI.AuthenticationError);
  });

  it("answers Anthropic routes in the Anthropic envelope", async () => {
    const client = new Anthropic({ baseURL: h.proxy.url, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(
      client.messages.create({
        model: "echo-model",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
      (err: any) =>
        err instanceof Anthropic.AuthenticationError &&
        (err.error as any)?.error?.type === "authentication_error",
    );
  });

  it("answers Gemini routes in the Google envelope", async () => {
    const res = await fetch(`${h.proxy.url}/v1beta/models/echo-model:generateContent?key=wrong`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as any;
    assert.equal(body.error.status, "UNAUTHENTICATED");
    assert.equal(body.error.code, 401);
  });

  it("protects model listings too, but not / or /healthz", async () => {
    assert.equal((await fetch(`${h.proxy.url}/v1/models`)).status, 401);
    assert.equal((await fetch(`${h.proxy.url}/v1beta/models`)).status, 401);
    assert.equal(
      (await fetch(`${h.proxy.url}/v1/models`, { headers: { authorization: "Bearer client-key-1" } })).status,
      200,
    );
    assert.equal((await fetch(`${h.proxy.url}/`)).status, 200);
    assert.equal((await fetch(`${h.proxy.url}/healthz`)).status, 200);
  });
});
