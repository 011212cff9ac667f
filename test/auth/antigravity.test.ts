import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  addAccount,
  antigravityFile,
  codeAssistCalls,
  googleAuthorize,
  googleEnv,
  removeAccount,
  startGoogleLogin,
} from "./google-helpers.ts";
import {
  type AuthHarness,
  inMs,
  lastRequest,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// Antigravity accounts: Code Assist on the daily endpoint with the envelope the Antigravity
// IDE sends (its model names, userAgent, requestType, requestId, a stable sessionId), and the
// `--antigravity-login` flow with project discovery.

async function messages(h: AuthHarness, model: string, text: string, maxTokens = 256): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: maxTokens, messages: [{ role: "user", content: text }] }),
  });
}

describe("Antigravity accounts", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, googleEnv(h.upstream.url));
  });
  after(() => h.close());

  it("serves a Go-style file with the Antigravity envelope", async () => {
    const name = "antigravity-ag@example.com.json";
    await addAccount(h, name, antigravityFile({ access: "ya29.ag-file", project: "ag-project" }));
    try {
      const res = await messages(h, "gemini-claude-sonnet-4-5-thinking", "same conversation");
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as any).type, "message");
      const seen = lastRequest(h, "/v1internal:generateContent");
      assert.equal(seen.headers.authorization, "Bearer ya29.ag-file");
      assert.match(String(seen.headers["user-agent"]), /^antigravity\//);
      const body = seen.body;
      assert.equal(body.model, "claude-sonnet-4-5-thinking", "Antigravity's own model name");
      assert.equal(body.project, "ag-project");
      assert.equal(body.userAgent, "antigravity");
      assert.equal(body.requestType, "agent");
      assert.match(body.requestId, /^agent-[0-9a-f-]{36}$/);
      assert.match(body.request.sessionId, /^-\d+$/);
      assert.equal(body.request.toolConfig.functionCallingConfig.mode, "VALIDATED");

      // The same conversation keeps its session; a Gemini model there takes no output limit.
      assert.equal((await messages(h, "gemini-3-pro-preview", "same conversation", 100)).status, 200);
      const second = lastRequest(h, "/v1internal:generateContent").body;
      assert.equal(second.model, "gemini-3-pro-high");
      assert.equal(second.request.sessionId, body.request.sessionId);
      assert.notEqual(second.requestId, body.requestId);
      assert.equal(second.request.generationConfig?.maxOutputTokens, undefined);
      assert.equal(second.request.toolConfig, undefined);
    } finally {
      await removeAccount(h, name);
    }
  });

  it("refreshes an expiring token: tokens, expires_in, timestamp and expired rewritten", async () => {
    const name = "antigravity-refresh@example.com.json";
    const file: Record<string, any> = {
      ...antigravityFile({ access: "ya29.ag-old", refresh: "1//ag-keep" }),
      expired: inMs(60_000),
    };
    await addAccount(h, name, file);
    try {
      await waitFor(async () => (await h.readAuth(name)).access_token !== "ya29.ag-old");
      const written = await h.readAuth(name);
      const issued = h.upstream.oauth.issued.at(-1)!;
      assert.equal(issued.provider, "antigravity");
      assert.equal(written.access_token, issued.access_token);
      assert.equal(written.refresh_token, "1//ag-keep");
      assert.equal(written.expires_in, 3600);
      assert.ok(written.timestamp > file.timestamp);
      assert.ok(Date.parse(written.expired) > Date.now() + 50 * 60_000);
      assert.equal(written.project_id, "ag-project");
    } finally {
      await removeAccount(h, name);
    }
  });

  it("--antigravity-login --no-browser: the project found by loadCodeAssist, the account served", async () => {
    h.upstream.oauth.google.setCodeAssistAccount("ide@example.com", {
      tier: "standard-tier",
      project: "ag-login-project",
    });
    const run = startGoogleLogin(h, "ANTIGRAVITY", ["--antigravity-login"]);
    const url = new URL(await run.url());
    assert.equal(
      url.searchParams.get("client_id"),
      "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
    );
    assert.match(url.searchParams.get("redirect_uri")!, /^http:\/\/localhost:\d+\/oauth-callback$/);
    assert.match(url.searchParams.get("scope")!, /auth\/cclog/);
    const back = await googleAuthorize(url.href, { "x-fake-oauth-email": "ide@example.com" });
    assert.equal((await fetch(back)).status, 200);
    assert.equal(await run.exit, 0, run.output());

    const name = "antigravity-ide@example.com.json";
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(file.type, "antigravity");
    assert.equal(file.email, "ide@example.com");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.project_id, "ag-login-project");
    assert.equal(typeof file.expires_in, "number");
    assert.equal(typeof file.timestamp, "number");
    assert.ok(Date.parse(file.expired) > Date.now());
    assert.equal(codeAssistCalls(h, "loadCodeAssist").at(-1)!.body.metadata.ideType, "ANTIGRAVITY");

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await messages(h, "gemini-claude-opus-4-5-thinking", "hi")).status, 200);
    const seen = lastRequest(h, "/v1internal:generateContent");
    assert.equal(seen.headers.authorization, `Bearer ${issued.access_token}`);
    assert.equal(seen.body.project, "ag-login-project");
    assert.equal(seen.body.model, "claude-opus-4-5-thinking");
  });
});
