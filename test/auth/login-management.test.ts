import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  type AuthHarness,
  claudeCall,
  codexCall,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// A login from the web panel: the management API hands out the authorization URL, the browser
// comes back to the public callback route (or the user pastes the redirect URL into
// POST /oauth-callback), and get-auth-status reports the outcome. The new file is served.

/** The browser: open the authorization URL, read where the server sends it back to. */
async function authorize(url: string, headers: Record<string, string> = {}): Promise<URL> {
  const res = await fetch(url, { redirect: "manual", headers });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get("location")!);
}

describe("management logins", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
  });
  after(() => h.close());

  it("codex: auth-url, authorize, public /codex/callback, get-auth-status ok, file served", async () => {
    const started = await management(h, "GET", "codex-auth-url");
    assert.equal(started.status, 200);
    assert.equal(started.body.status, "ok");
    const { url, state } = started.body;
    assert.equal(new URL(url).searchParams.get("state"), state);
    assert.equal((await management(h, "GET", `get-auth-status?state=${state}`)).body.status, "wait");

    const back = await authorize(url, { "x-fake-oauth-email": "panel@example.com" });
    // The registered redirect is the CLI's localhost callback; the panel flow lands on our public route.
    assert.equal(`${back.origin}${back.pathname}`, "http://localhost:1455/auth/callback");
    const page = await fetch(`${h.proxy.url}/codex/callback${back.search}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /account saved/);

    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });
    const name = "codex-panel@example.com-plus.json";
    assert.ok((await readdir(h.authDir)).includes(name));
    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await codexCall(h)).status, 200);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(
      lastRequest(h, "/backend-api/codex/responses").headers.authorization,
      `Bearer ${issued.access_token}`,
    );

    // A second callback for a finished login changes nothing.
    assert.equal((await fetch(`${h.proxy.url}/codex/callback${back.search}`)).status, 200);
    assert.equal(h.upstream.oauth.issued.length, 1);
  });

  it("anthropic: the pasted redirect URL through POST /oauth-callback", async () => {
    const { url, state } = (await management(h, "GET", "anthropic-auth-url")).body;
    const back = await authorize(url, { "x-fake-oauth-email": "paste@example.com" });
    assert.equal(`${back.origin}${back.pathname}`, "http://localhost:54545/callback");
    const done = await management(h, "POST", "oauth-callback", {
      provider: "anthropic",
      redirect_url: back.href,
    });
    assert.deepEqual(done, { status: 200, body: { status: "ok" } });
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });

    const name = "claude-paste@example.com.json";
    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await claudeCall(h)).status, 200);
    assert.equal(
      lastRequest(h, "/v1/messages").headers.authorization,
      `Bearer ${h.upstream.oauth.issued.at(-1)!.access_token}`,
    );
  });

  it("a denied login reports the error; wrong or unknown states are refused", async () => {
    const { url, state } = (await management(h, "GET", "codex-auth-url")).body;
    const back = await authorize(url, { "x-fake-oauth-deny": "access_denied" });
    const page = await fetch(`${h.proxy.url}/codex/callback${back.search}`);
    assert.equal(page.status, 400);
    const status = (await management(h, "GET", `get-auth-status?state=${state}`)).body;
    assert.equal(status.status, "error");
    assert.match(status.error, /denied: access_denied/);

    const other = (await management(h, "GET", "codex-auth-url")).body;
    const wrongProvider = await management(h, "POST", "oauth-callback", {
      provider: "claude",
      state: other.state,
      code: "x",
    });
    assert.equal(wrongProvider.status, 400);
    assert.match(wrongProvider.body.error, /Codex login/);
    const unknown = await management(h, "POST", "oauth-callback", {
      provider: "codex",
      state: "nope",
      code: "x",
    });
    assert.equal(unknown.status, 404);
    assert.equal((await fetch(`${h.proxy.url}/anthropic/callback?state=nope&code=x`)).status, 400);
    assert.deepEqual((await management(h, "GET", "get-auth-status?state=nope")).body, {
      status: "error",
      error: "unknown or expired state",
    });
    // A code the token endpoint refuses (not issued for this login) fails the login clearly.
    const bad = await management(h, "POST", "oauth-callback", {
      provider: "openai",
      state: other.state,
      code: "forged",
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /invalid_grant/);
  });

  it("the auth-url routes need the management key", async () => {
    const res = await fetch(`${h.proxy.url}/v0/management/codex-auth-url`);
    assert.equal(res.status, 401);
  });
});
