import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { qwenBaseUrl } from "../../src/auth/qwen/base-url.ts";
import {
  type AuthHarness,
  HOUR,
  inMs,
  lastRequest,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";
import { chatCall, qwenIflowEnv } from "./qwen-iflow-helpers.ts";

// Qwen Code accounts in auth-dir, as the Go original writes them: served at their
// `resource_url` with Qwen Code's headers, refreshed in the background and after a 401.

function qwenFile(o: {
  access: string;
  refresh?: string;
  resourceUrl?: string;
  expired?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    access_token: o.access,
    refresh_token: o.refresh ?? `${o.access}-refresh`,
    last_refresh: inMs(-HOUR),
    resource_url: o.resourceUrl ?? "portal.qwen.ai",
    email: "go-user",
    type: "qwen",
    expired: o.expired ?? inMs(5 * HOUR),
    ...o.extra,
  };
}

describe("qwen accounts", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, qwenIflowEnv(h.upstream.url));
  });
  after(() => h.close());

  it("builds the API base from resource_url as Qwen Code does", () => {
    const saved = process.env.CLI_PROXY_API_BASE_QWEN;
    delete process.env.CLI_PROXY_API_BASE_QWEN;
    try {
      assert.equal(qwenBaseUrl("portal.qwen.ai"), "https://portal.qwen.ai/v1");
      assert.equal(
        qwenBaseUrl("https://dashscope.aliyuncs.com/compatible-mode/v1/"),
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
      );
      assert.equal(qwenBaseUrl("http://10.0.0.1:8080"), "http://10.0.0.1:8080/v1");
      assert.equal(qwenBaseUrl(""), "https://portal.qwen.ai/v1");
    } finally {
      process.env.CLI_PROXY_API_BASE_QWEN = saved;
    }
    assert.equal(qwenBaseUrl("portal.qwen.ai"), `${h.upstream.url}/qwen-resource/portal.qwen.ai/v1`);
  });

  it("serves a Go-style file at its resource_url with the bearer and Qwen Code's headers", async () => {
    await h.writeAuth(
      "qwen-go-user.json",
      qwenFile({ access: "qwen-go-access", resourceUrl: "chat.qwen.ai" }),
    );
    await waitFor(() => oauthCredentials(h).has("qwen-go-user.json"));

    const res = await chatCall(h, "qwen3-coder-plus");
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as any).object, "chat.completion");
    const seen = lastRequest(h, "/chat/completions");
    assert.equal(seen.path, "/qwen-resource/chat.qwen.ai/v1/chat/completions");
    assert.equal(seen.headers.authorization, "Bearer qwen-go-access");
    assert.equal(seen.headers["x-dashscope-authtype"], "qwen-oauth");
    assert.match(String(seen.headers["user-agent"]), /^QwenCode\//);
    assert.equal(seen.body.model, "qwen3-coder-plus");

    // An Anthropic client reaches the same account in OpenAI Chat Completions.
    const messages = await fetch(`${h.proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "qwen3-coder-flash",
        max_tokens: 64,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.equal(messages.status, 200, await messages.clone().text());
    assert.equal(((await messages.json()) as any).type, "message");
    const translated = lastRequest(h, "/chat/completions");
    assert.equal(translated.body.model, "qwen3-coder-flash");
    assert.deepEqual(translated.body.messages, [{ role: "user", content: "hi" }]);
  });

  it("refreshes a token about to expire and rewrites the file, keeping unknown fields", async () => {
    const name = "qwen-expiring.json";
    await h.writeAuth(
      name,
      qwenFile({
        access: "qwen-old-access",
        refresh: "qwen-old-refresh",
        resourceUrl: "old.qwen.ai",
        expired: inMs(60_000),
        extra: { prefix: "exp", note: "keep me", session_cookies: { a: "b" } },
      }),
    );
    await waitFor(
      async () =>
        (await h.readAuth(name).catch(() => ({}) as Record<string, any>)).access_token !== "qwen-old-access",
    );

    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.provider, "qwen");
    assert.equal(issued.grant, "refresh_token");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.resource_url, "portal.qwen.ai");
    assert.equal(file.note, "keep me");
    assert.deepEqual(file.session_cookies, { a: "b" });
    assert.equal(file.email, "go-user");
    assert.equal(file.type, "qwen");
    assert.ok(Date.parse(file.expired) > Date.now() + 30 * 60_000);

    const grant = h.upstream.requests.find((r) => r.path === "/qwen/api/v1/oauth2/token")!;
    const params = new URLSearchParams(grant.body);
    assert.equal(params.get("grant_type"), "refresh_token");
    assert.equal(params.get("refresh_token"), "qwen-old-refresh");
    assert.equal(params.get("client_id"), "f0304373b74a44d2b584a3fb70ca9e56");

    await waitFor(() => oauthCredentials(h).get(name)?.apiKey === issued.access_token);
    assert.equal((await chatCall(h, "exp/qwen3-max")).status, 200);
    const seen = lastRequest(h, "/chat/completions");
    assert.equal(seen.path, "/qwen-resource/portal.qwen.ai/v1/chat/completions");
    assert.equal(seen.headers.authorization, `Bearer ${issued.access_token}`);
  });

  it("refreshes once after a 401 and retries the same account", async () => {
    const name = "qwen-revoked.json";
    await h.writeAuth(name, qwenFile({ access: "qwen-revoked-access", extra: { prefix: "rv" } }));
    await waitFor(() => oauthCredentials(h).has(name));
    h.upstream.oauth.revokeAccessToken("qwen-revoked-access");

    const res = await chatCall(h, "rv/qwen3-coder-plus", true);
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.grant, "refresh_token");
    assert.equal(lastRequest(h, "/chat/completions").headers.authorization, `Bearer ${issued.access_token}`);
    assert.equal((await h.readAuth(name)).access_token, issued.access_token);
  });
});
