import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { qwenLogin } from "../../src/auth/qwen/login.ts";
import { pollDeviceToken, startDeviceAuthorization, verificationUrl } from "../../src/oauth/device-flow.ts";
import {
  type AuthHarness,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";
import { chatCall, printed, qwenIflowEnv, startLoginProcess } from "./qwen-iflow-helpers.ts";

// The Qwen device flow (RFC 8628 with PKCE) end to end: `--qwen-login --no-browser` prints the
// verification URL, the "browser" approves it with a GET while the login polls; the web-panel
// flow polls in the background and reports through get-auth-status.

const VERIFICATION_URL = /^(https?:\/\/\S+\/qwen\/authorize\?\S+)$/m;
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

function devicePolls(h: AuthHarness): number {
  return h.upstream.requests.filter(
    (r) =>
      r.path === "/qwen/api/v1/oauth2/token" &&
      new URLSearchParams(r.body).get("grant_type") === DEVICE_GRANT,
  ).length;
}

async function qwenFiles(h: AuthHarness): Promise<string[]> {
  return (await readdir(h.authDir)).filter((n) => n.startsWith("qwen-"));
}

describe("qwen device login", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, qwenIflowEnv(h.upstream.url));
    h.upstream.oauth.qwen.interval = 0.25;
  });
  after(() => h.close());

  it("--qwen-login: prints the URL and code, waits while pending, saves the approved account", async () => {
    const polled = devicePolls(h);
    const login = startLoginProcess(h, "--qwen-login");
    const url = new URL(await printed(login, VERIFICATION_URL));
    const grant = h.upstream.oauth.qwen.grants.at(-1)!;
    assert.equal(url.searchParams.get("user_code"), grant.userCode);
    assert.match(login.output(), new RegExp(`confirm the code ${grant.userCode}`));
    const start = new URLSearchParams(lastRequest(h, "/oauth2/device/code").body);
    assert.equal(start.get("client_id"), "f0304373b74a44d2b584a3fb70ca9e56");
    assert.equal(start.get("scope"), "openid profile email model.completion");
    assert.equal(start.get("code_challenge_method"), "S256");

    // Not approved yet: the login keeps polling (authorization_pending).
    await waitFor(() => devicePolls(h) >= polled + 2);
    assert.equal(login.child.exitCode, null);
    assert.equal((await fetch(url)).status, 200);

    assert.equal(await login.exit, 0, login.output());
    const [name] = await qwenFiles(h);
    assert.match(name, /^qwen-\d+\.json$/, login.output());
    assert.match(login.output(), new RegExp(`Saved .*${name}`));
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.grant, "device_code");
    assert.equal(file.type, "qwen");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.resource_url, "portal.qwen.ai");
    assert.equal(`qwen-${file.email}.json`, name);
    assert.ok(Date.parse(file.expired) > Date.now());

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await chatCall(h, "qwen3-coder-plus")).status, 200);
    const seen = lastRequest(h, "/chat/completions");
    assert.equal(seen.path, "/qwen-resource/portal.qwen.ai/v1/chat/completions");
    assert.equal(seen.headers.authorization, `Bearer ${issued.access_token}`);
  });

  describe("failures", () => {
    it("exits non-zero with a clear message when the device code expires", async () => {
      h.upstream.oauth.qwen.deviceExpiresIn = 1;
      try {
        const before = await qwenFiles(h);
        const login = startLoginProcess(h, "--qwen-login");
        await printed(login, VERIFICATION_URL);
        assert.equal(await login.exit, 1, login.output());
        assert.match(
          login.output(),
          /Qwen Code login failed: the device code expired before the login was approved/,
        );
        assert.deepEqual(await qwenFiles(h), before);
      } finally {
        h.upstream.oauth.qwen.deviceExpiresIn = 300;
      }
    });

    it("exits non-zero when the user denies access", async () => {
      const login = startLoginProcess(h, "--qwen-login");
      const url = await printed(login, VERIFICATION_URL);
      assert.equal((await fetch(url, { headers: { "x-fake-oauth-deny": "access_denied" } })).status, 200);
      assert.equal(await login.exit, 1, login.output());
      assert.match(login.output(), /Qwen Code login failed: the authorization was denied/);
    });
  });

  it("polls at the server's interval and backs off by 5 s on slow_down", async () => {
    const auth = await startDeviceAuthorization(qwenLogin, "");
    assert.equal(auth.intervalMs, 250);
    assert.equal((await fetch(verificationUrl(auth))).status, 200);
    h.upstream.oauth.qwen.forcedPollErrors.push(
      "authorization_pending",
      "slow_down",
      "authorization_pending",
    );
    const waits: number[] = [];
    const reasons: string[] = [];
    const tokens = await pollDeviceToken(qwenLogin, auth, {
      proxyUrl: "",
      wait: async (ms) => {
        waits.push(ms);
      },
      onWait: (reason) => reasons.push(reason),
    });
    assert.deepEqual(waits, [250, 250, 5250, 5250]);
    assert.deepEqual(reasons, [
      "authorization_pending",
      "authorization_pending",
      "slow_down",
      "authorization_pending",
    ]);
    assert.equal(tokens.access_token, h.upstream.oauth.issued.at(-1)!.access_token);
    assert.equal(tokens.resource_url, "portal.qwen.ai");
  });

  it("management: qwen-auth-url starts the device flow; get-auth-status follows it to ok", async () => {
    const polled = devicePolls(h);
    const started = await management(h, "GET", "qwen-auth-url");
    assert.equal(started.status, 200);
    const { status, url, state, flow, user_code } = started.body;
    assert.equal(status, "ok");
    assert.equal(flow, "device");
    assert.equal(new URL(url).searchParams.get("user_code"), user_code);
    assert.equal((await management(h, "GET", `get-auth-status?state=${state}`)).body.status, "wait");

    await waitFor(() => devicePolls(h) > polled);
    assert.equal((await management(h, "GET", `get-auth-status?state=${state}`)).body.status, "wait");
    const known = new Set(await qwenFiles(h));
    assert.equal((await fetch(url)).status, 200);
    await waitFor(
      async () => (await management(h, "GET", `get-auth-status?state=${state}`)).body.status !== "wait",
    );
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });

    const [name] = (await qwenFiles(h)).filter((n) => !known.has(n));
    assert.ok(name, "a new qwen file");
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal((await h.readAuth(name)).access_token, issued.access_token);
    await waitFor(() => oauthCredentials(h).get(name)?.apiKey === issued.access_token);
  });

  it("management: a denied device login reports the error", async () => {
    const { url, state } = (await management(h, "GET", "qwen-auth-url")).body;
    await fetch(url, { headers: { "x-fake-oauth-deny": "access_denied" } });
    await waitFor(
      async () => (await management(h, "GET", `get-auth-status?state=${state}`)).body.status !== "wait",
    );
    const outcome = (await management(h, "GET", `get-auth-status?state=${state}`)).body;
    assert.equal(outcome.status, "error");
    assert.match(outcome.error, /denied/);
  });
});
