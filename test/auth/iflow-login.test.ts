import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { FakeIflowAuth } from "../../src/fake-upstream/oauth-iflow.ts";
import {
  type AuthHarness,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";
import { chatCall, printed, qwenIflowEnv, startLoginProcess } from "./qwen-iflow-helpers.ts";

// iFlow's browser login end to end: `--iflow-login --no-browser` prints iflow.cn's login URL;
// the "browser" follows it to the local callback; the code buys tokens, the tokens the
// account's API key; the file lands in auth-dir and the running proxy serves it. The web-panel
// flow finishes on the public /iflow/callback route.

const LOGIN_URL = /^(https?:\/\/\S+\/iflow\/oauth\?\S+)$/m;

/** The browser: open the login URL, read where iFlow sends it back to. */
async function authorize(url: string, headers: Record<string, string> = {}): Promise<URL> {
  const res = await fetch(url, { redirect: "manual", headers });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get("location")!);
}

describe("iflow login", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, qwenIflowEnv(h.upstream.url));
  });
  after(() => h.close());

  it("--iflow-login: the callback, the API key, the file in auth-dir, served", async () => {
    const login = startLoginProcess(h, "--iflow-login");
    const url = new URL(await printed(login, LOGIN_URL));
    assert.equal(url.searchParams.get("client_id"), "10009311001");
    assert.equal(url.searchParams.get("loginMethod"), "phone");
    assert.match(url.searchParams.get("redirect")!, /^http:\/\/localhost:\d+\/oauth2callback$/);

    const back = await authorize(url.href, { "x-fake-oauth-email": "cli@iflow.example" });
    const page = await fetch(back);
    assert.equal(page.status, 200);
    assert.equal(await login.exit, 0, login.output());
    assert.match(login.output(), /Logged in to iFlow as cli@iflow\.example/);

    const name = (await readdir(h.authDir)).find((n) => n.startsWith("iflow-cli@iflow.example-"));
    assert.ok(name && /^iflow-cli@iflow\.example-\d+\.json$/.test(name), login.output());
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.grant, "authorization_code");
    assert.equal(file.type, "iflow");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.api_key, FakeIflowAuth.apiKeyFor("cli@iflow.example"));
    assert.equal(file.email, "cli@iflow.example");
    assert.ok(Date.parse(file.expired) > Date.now());
    const token = new URLSearchParams(lastRequest(h, "/iflow/oauth/token").body);
    assert.equal(token.get("redirect_uri"), url.searchParams.get("redirect"));

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await chatCall(h, "qwen3-max")).status, 200);
    const seen = lastRequest(h, "/chat/completions");
    assert.equal(seen.path, "/iflow-api/v1/chat/completions");
    assert.equal(seen.headers.authorization, `Bearer ${file.api_key}`);
  });

  it("--iflow-login: a denied login exits non-zero with the reason", async () => {
    const login = startLoginProcess(h, "--iflow-login");
    const back = await authorize(await printed(login, LOGIN_URL), { "x-fake-oauth-deny": "access_denied" });
    assert.equal((await fetch(back)).status, 400);
    assert.equal(await login.exit, 1);
    assert.match(login.output(), /iFlow login failed: the authorization was denied: access_denied/);
  });

  it("management: iflow-auth-url, the public /iflow/callback, get-auth-status ok", async () => {
    const { url, state } = (await management(h, "GET", "iflow-auth-url")).body;
    const back = await authorize(url, { "x-fake-oauth-email": "panel@iflow.example" });
    assert.equal(`${back.origin}${back.pathname}`, "http://localhost:11451/oauth2callback");
    const page = await fetch(`${h.proxy.url}/iflow/callback${back.search}`);
    assert.equal(page.status, 200, await page.clone().text());
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });

    const name = (await readdir(h.authDir)).find((n) => n.startsWith("iflow-panel@iflow.example-"));
    assert.ok(name);
    assert.equal((await h.readAuth(name)).api_key, FakeIflowAuth.apiKeyFor("panel@iflow.example"));
    await waitFor(() => oauthCredentials(h).has(name));
  });
});
