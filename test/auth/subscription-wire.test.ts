import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Credential } from "../../src/credentials/credential.ts";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import {
  CLAUDE_CODE_IDENTITY,
  claudeProvider,
  mergeAnthropicBeta,
  withClaudeCodeIdentity,
} from "../../src/providers/claude.ts";
import { chatgptBody, codexProvider, collectResponse } from "../../src/providers/codex.ts";
import { ProxyError } from "../../src/server/errors.ts";

// What a subscription account changes on the wire, checked on the provider functions the
// pipeline calls (URL, headers, body preparation, collecting a forced stream).

function cred(over: Partial<Credential>): Credential {
  return {
    id: "x",
    provider: "codex",
    providerName: "codex",
    label: "x",
    apiKey: "tok",
    baseUrl: "https://example.test/base",
    proxyUrl: "",
    headers: {},
    prefix: "",
    priority: 0,
    weight: 1,
    models: [],
    excludedModels: [],
    ...over,
  };
}

describe("Codex on the ChatGPT backend", () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream({ record: false });
  });
  after(() => up.close());

  it("headers: bearer, account id, Codex CLI identity; API keys unchanged", () => {
    const oauth = codexProvider.headers(cred({ kind: "oauth", attributes: { account_id: "acc-9" } }), false);
    assert.equal(oauth.authorization, "Bearer tok");
    assert.equal(oauth["chatgpt-account-id"], "acc-9");
    assert.equal(oauth.originator, "codex_cli_rs");
    assert.equal(oauth.accept, "text/event-stream");
    assert.match(oauth.session_id, /^[0-9a-f-]{36}$/);
    const key = codexProvider.headers(cred({}), false);
    assert.deepEqual(Object.keys(key).sort(), ["accept", "authorization", "content-type"]);
    assert.equal(
      codexProvider.url(cred({ kind: "oauth" }), "gpt-5", true),
      "https://example.test/base/responses",
    );
  });

  it("body: streamed, not stored, no limits or sampling, system as developer, encrypted reasoning", () => {
    const out = JSON.parse(
      chatgptBody(
        JSON.stringify({
          model: "gpt-5",
          input: [
            { role: "system", content: "rules" },
            { role: "user", content: "hi" },
          ],
          max_output_tokens: 100,
          temperature: 0.2,
          top_p: 1,
          service_tier: "auto",
          stream: false,
          include: ["file_search_call.results"],
          reasoning: { effort: "high" },
        }),
        false,
      ),
    );
    assert.equal(out.stream, true);
    assert.equal(out.store, false);
    assert.equal(out.instructions, "");
    for (const gone of ["max_output_tokens", "temperature", "top_p", "service_tier"])
      assert.ok(!(gone in out), gone);
    assert.equal(out.input[0].role, "developer");
    assert.deepEqual(out.include, ["file_search_call.results", "reasoning.encrypted_content"]);
    assert.deepEqual(out.reasoning, { effort: "high" });

    const text = JSON.parse(chatgptBody(JSON.stringify({ model: "gpt-5", input: "plain" }), false));
    assert.deepEqual(text.input, [
      { type: "message", role: "user", content: [{ type: "input_text", text: "plain" }] },
    ]);
    const compact = JSON.parse(
      chatgptBody(JSON.stringify({ model: "gpt-5", input: [], stream: true }), true),
    );
    assert.equal("stream" in compact, false);
    assert.equal(compact.instructions, "");
    // API-key accounts are left alone.
    assert.equal(
      codexProvider.prepareBody!(cred({}), '{"stream":false}', { stream: false, compact: false }),
      '{"stream":false}',
    );
  });

  it("collects a real backend stream into the Responses object a non-stream client expects", async () => {
    const sse = await (
      await fetch(`${up.url}/backend-api/codex/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-fake-scenario": "tool-call" },
        body: JSON.stringify({
          model: "gpt-5",
          stream: true,
          input: "weather?",
          tools: [
            {
              type: "function",
              name: "get_weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          ],
        }),
      })
    ).text();
    const response = JSON.parse(collectResponse(sse));
    assert.equal(response.object, "response");
    assert.equal(response.status, "completed");
    assert.equal(response.output[0].type, "function_call");
    assert.deepEqual(JSON.parse(response.output[0].arguments), { city: "Paris" });

    // A completed event with an empty output is filled from the streamed items, in index order.
    const patched = JSON.parse(
      collectResponse(
        [
          'data: {"type":"response.output_item.done","output_index":1,"item":{"id":"b"}}',
          "",
          'data: {"type":"response.output_item.done","output_index":0,"item":{"id":"a"}}',
          "",
          'data: {"type":"response.completed","response":{"id":"r","output":[]}}',
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(patched.output, [{ id: "a" }, { id: "b" }]);
    assert.equal(collectResponse('{"output":[]}'), '{"output":[]}', "a JSON answer passes through");
    assert.throws(
      () => collectResponse('data: {"type":"response.created","response":{}}\n\n'),
      (e) => e instanceof ProxyError && e.status === 502 && /before response\.completed/.test(e.message),
    );
  });
});

describe("Claude with a subscription token", () => {
  const oauth = cred({ provider: "claude", kind: "oauth", baseUrl: "https://api.example.test" });

  it("URL and headers: bearer, Claude Code betas and client headers; API keys unchanged", () => {
    assert.equal(claudeProvider.url(oauth, "m", false), "https://api.example.test/v1/messages?beta=true");
    assert.equal(
      claudeProvider.url(oauth, "m", false, "countTokens"),
      "https://api.example.test/v1/messages/count_tokens?beta=true",
    );
    const h = claudeProvider.headers(oauth, true);
    assert.equal(h.authorization, "Bearer tok");
    assert.equal(h["x-api-key"], undefined);
    assert.ok(h["anthropic-beta"].split(",").includes("oauth-2025-04-20"));
    assert.equal(h["x-app"], "cli");
    assert.match(h["user-agent"], /^claude-cli\//);
    const key = claudeProvider.headers(cred({ provider: "claude" }), false);
    assert.equal(key["x-api-key"], "tok");
    assert.equal(key.authorization, undefined);
  });

  it("the Claude Code identity goes first in the system prompt, once", () => {
    const fromString = JSON.parse(
      withClaudeCodeIdentity(JSON.stringify({ system: "Be brief.", messages: [] })),
    );
    assert.deepEqual(fromString.system, [
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      { type: "text", text: "Be brief." },
    ]);
    const blocks = [{ type: "text", text: "A", cache_control: { type: "ephemeral" } }];
    assert.deepEqual(JSON.parse(withClaudeCodeIdentity(JSON.stringify({ system: blocks }))).system, [
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      ...blocks,
    ]);
    assert.deepEqual(JSON.parse(withClaudeCodeIdentity("{}")).system, [
      { type: "text", text: CLAUDE_CODE_IDENTITY },
    ]);
    const already = JSON.stringify({ system: [{ type: "text", text: CLAUDE_CODE_IDENTITY }], x: 1 });
    assert.equal(withClaudeCodeIdentity(already), already, "unchanged bytes when already there");
  });

  it("merges the client's betas after ours without duplicates", () => {
    assert.equal(mergeAnthropicBeta("a,b", " b , c"), "a,b,c");
    assert.equal(mergeAnthropicBeta(undefined, "c"), "c");
    assert.equal(mergeAnthropicBeta("a", undefined), "a");
  });
});
