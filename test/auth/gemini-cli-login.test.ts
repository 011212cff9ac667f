import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  codeAssistCalls,
  googleAuthorize,
  googleEnv,
  removeAccount,
  startGoogleLogin,
} from "./google-helpers.ts";
import {
  type AuthHarness,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// `--login` (Gemini CLI) end to end against the fake Google: the printed URL is "opened",
// Google's redirect reaches the login's local callback, the code is exchanged, the account's
// email read, its Code Assist project discovered (or onboarded, polling the operation) or
// taken from --project_id, and the file lands in auth-dir where the running proxy serves it.

async function chatWith(h: AuthHarness, model: string): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
}

describe("Gemini CLI login", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, googleEnv(h.upstream.url));
  });
  after(() => h.close());

  const login = (extra: string[] = []) => startGoogleLogin(h, "GEMINI", ["--login", ...extra]);

  it("--login --no-browser: a new account is onboarded (operation polled) and served", async () => {
    h.upstream.oauth.google.setCodeAssistAccount("new@example.com", {
      pendingPolls: 1,
      onboardProject: "free-tier-project-42",
    });
    const run = login();
    const url = new URL(await run.url());
    const q = url.searchParams;
    assert.equal(
      q.get("client_id"),
      "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
    );
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.equal(q.get("access_type"), "offline");
    assert.match(q.get("scope")!, /cloud-platform/);
    assert.match(q.get("redirect_uri")!, /^http:\/\/localhost:\d+\/oauth2callback$/);

    const back = await googleAuthorize(url.href, { "x-fake-oauth-email": "new@example.com" });
    assert.equal((await fetch(back)).status, 200);
    assert.equal(await run.exit, 0, run.output());
    assert.match(run.output(), /Logged in to Gemini CLI as new@example\.com/);

    const name = "gemini-new@example.com-free-tier-project-42.json";
    assert.ok((await readdir(h.authDir)).includes(name), run.output());
    assert.equal((await stat(join(h.authDir, name))).mode & 0o777, 0o600);
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.grant, "authorization_code");
    assert.equal(file.type, "gemini");
    assert.equal(file.email, "new@example.com");
    assert.equal(file.project_id, "free-tier-project-42");
    assert.equal(file.auto, true);
    assert.equal(file.token.access_token, issued.access_token);
    assert.equal(file.token.refresh_token, issued.refresh_token);
    assert.equal(file.token.token_type, "Bearer");
    assert.equal(file.token.token_uri, "https://oauth2.googleapis.com/token");
    assert.ok(Date.parse(file.token.expiry) > Date.now());

    // No tier yet: onboarding on the default (free) tier, asked again until done.
    const onboards = codeAssistCalls(h, "onboardUser");
    assert.equal(onboards.length, 2);
    assert.equal(onboards[0].body.tierId, "free-tier");
    assert.equal(onboards[0].body.cloudaicompanionProject, undefined);
    assert.equal(onboards[0].headers.authorization, `Bearer ${issued.access_token}`);

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await chatWith(h, "gemini-2.5-flash")).status, 200);
    const seen = lastRequest(h, "/v1internal:generateContent");
    assert.equal(seen.headers.authorization, `Bearer ${issued.access_token}`);
    assert.equal(seen.body.project, "free-tier-project-42");
    await removeAccount(h, name);
  });

  it("--login --project_id: the named project is used, nothing is onboarded", async () => {
    const onboardsBefore = codeAssistCalls(h, "onboardUser").length;
    const run = login(["--project_id", "my-gcp-project"]);
    const back = await googleAuthorize(await run.url(), {
      "x-fake-oauth-email": "pro@example.com",
    });
    assert.equal((await fetch(back)).status, 200);
    assert.equal(await run.exit, 0, run.output());

    const file = await h.readAuth("gemini-pro@example.com-my-gcp-project.json");
    assert.equal(file.project_id, "my-gcp-project");
    assert.equal(file.auto, false);
    const load = codeAssistCalls(h, "loadCodeAssist").at(-1)!;
    assert.equal(load.body.cloudaicompanionProject, "my-gcp-project");
    assert.equal(load.body.metadata.pluginType, "GEMINI");
    assert.equal(codeAssistCalls(h, "onboardUser").length, onboardsBefore);
    await removeAccount(h, "gemini-pro@example.com-my-gcp-project.json");
  });

  it("a denied sign-in fails clearly and writes nothing", async () => {
    const before = await readdir(h.authDir);
    const run = login();
    const back = await googleAuthorize(await run.url(), {
      "x-fake-oauth-deny": "access_denied",
    });
    assert.equal((await fetch(back)).status, 400);
    assert.equal(await run.exit, 1);
    assert.match(run.output(), /Gemini CLI login failed: the authorization was denied: access_denied/);
    assert.deepEqual(await readdir(h.authDir), before);
  });

  it("management gemini-cli-auth-url: finishes at /google/callback, the account is served", async () => {
    const started = await management(h, "GET", "gemini-cli-auth-url");
    assert.equal(started.status, 200);
    const { url, state } = started.body;
    assert.equal(new URL(url).searchParams.get("state"), state);
    const back = await googleAuthorize(url, { "x-fake-oauth-email": "panel@example.com" });
    // The registered redirect is Gemini CLI's localhost callback; the panel flow lands on our public route.
    assert.equal(`${back.origin}${back.pathname}`, "http://localhost:8085/oauth2callback");
    const page = await fetch(`${h.proxy.url}/google/callback${back.search}`);
    assert.equal(page.status, 200, await page.clone().text());
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });

    // The fake Code Assist already has this account on a tier with its project.
    const name = "gemini-panel@example.com-fake-project.json";
    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await chatWith(h, "gemini-2.5-pro")).status, 200);
    const seen = lastRequest(h, "/v1internal:generateContent");
    assert.equal(seen.headers.authorization, `Bearer ${h.upstream.oauth.issued.at(-1)!.access_token}`);
    assert.equal(seen.body.project, "fake-project");
  });
});
