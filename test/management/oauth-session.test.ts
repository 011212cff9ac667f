import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type AuthHarness, management, startAuthHarness, waitFor } from "../auth/helpers.ts";
import { qwenIflowEnv } from "../auth/qwen-iflow-helpers.ts";
import { openaiCompatConfig, startHarness, waitForSecretHashed } from "../helpers/harness.ts";

// DELETE /oauth-session (cancel a panel login) and GET /oauth-callback (finish one from a
// redirect, without the management key), through the real server and the fake OAuth servers.

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** The browser: open the authorization URL, read where the server sends it back to. */
async function authorize(url: string, headers: Record<string, string> = {}): Promise<URL> {
  const res = await fetch(url, { redirect: "manual", headers });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get("location")!);
}

/** GET /v0/management/oauth-callback with no key at all. */
async function publicCallback(h: { proxy: { url: string } }, query: string) {
  const res = await fetch(`${h.proxy.url}/v0/management/oauth-callback?${query}`);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("management oauth-session and GET oauth-callback", () => {
  let h: AuthHarness;
  const devicePolls = () =>
    h.upstream.requests.filter(
      (r) =>
        r.path === "/qwen/api/v1/oauth2/token" &&
        new URLSearchParams(r.body).get("grant_type") === DEVICE_GRANT,
    ).length;
  const files = async () => (await readdir(h.authDir)).sort();

  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, qwenIflowEnv(h.upstream.url));
    h.upstream.oauth.qwen.interval = 0.1;
    await waitForSecretHashed(h.configPath);
  });
  after(() => h.close());

  it("cancels a waiting browser login: its state is forgotten and a late callback saves nothing", async () => {
    const { url, state } = (await management(h, "GET", "codex-auth-url")).body;
    const back = await authorize(url, { "x-fake-oauth-email": "late@example.com" });
    const before = await files();

    assert.deepEqual(await management(h, "DELETE", `oauth-session?state=${state}`), {
      status: 200,
      body: { status: "ok", cancelled: true },
    });
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, {
      status: "error",
      error: "unknown or expired state",
    });
    const page = await fetch(`${h.proxy.url}/codex/callback${back.search}`);
    assert.equal(page.status, 400);
    assert.equal(h.upstream.oauth.issued.length, 0, "the code was never exchanged");
    assert.deepEqual(await files(), before);

    // Cancelling again: nothing is waiting any more.
    assert.deepEqual((await management(h, "DELETE", `oauth-session?state=${state}`)).body, {
      status: "ok",
      cancelled: false,
    });
  });

  it("cancels a device login: polling stops and a later approval saves nothing", async () => {
    const started = (await management(h, "GET", "qwen-auth-url")).body;
    await waitFor(() => devicePolls() > 0);
    const cancelled = await management(h, "DELETE", `oauth-session?state=${started.state}`);
    assert.deepEqual(cancelled.body, { status: "ok", cancelled: true });
    const polls = devicePolls();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(devicePolls() <= polls + 1, "at most the poll already in flight");
    const before = await files();
    assert.equal((await fetch(started.url)).status, 200, "the user approves after all");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await files(), before);
  });

  it("refuses a missing or malformed state", async () => {
    const missing = await management(h, "DELETE", "oauth-session");
    assert.deepEqual(missing, { status: 400, body: { status: "error", error: "missing state" } });
    for (const bad of ["..%2Fx", "a%20b", "x".repeat(129), "a..b"]) {
      const r = await management(h, "DELETE", `oauth-session?state=${bad}`);
      assert.deepEqual(r, { status: 400, body: { status: "error", error: "invalid state" } }, bad);
    }
  });

  it("needs the management key to cancel", async () => {
    const res = await fetch(`${h.proxy.url}/v0/management/oauth-session?state=abc`, { method: "DELETE" });
    assert.equal(res.status, 401);
  });

  it("GET /oauth-callback finishes a login from the redirect's query, without a management key", async () => {
    const { url, state } = (await management(h, "GET", "codex-auth-url")).body;
    const back = await authorize(url, { "x-fake-oauth-email": "redirect@example.com" });
    const done = await publicCallback(h, `${back.searchParams.toString()}&provider=codex`);
    assert.deepEqual(done, { status: 200, body: { status: "ok" } });
    assert.deepEqual((await management(h, "GET", `get-auth-status?state=${state}`)).body, { status: "ok" });
    assert.ok((await files()).includes("codex-redirect@example.com-plus.json"));
  });

  it("GET /oauth-callback: the provider is optional, an error is reported, bad input is refused", async () => {
    const denied = (await management(h, "GET", "anthropic-auth-url")).body;
    const r = await publicCallback(h, `state=${denied.state}&error_description=user+said+no`);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /denied: user said no/);

    const other = (await management(h, "GET", "codex-auth-url")).body;
    const cases: Array<[string, number, RegExp]> = [
      ["code=x", 400, /^state is required$/],
      [`state=${other.state}`, 400, /^code or error is required$/],
      [`state=${other.state}&code=x&provider=anthropic`, 400, /Codex login/],
      [`state=${other.state}&code=x&provider=nobody`, 400, /^unsupported provider$/],
      ["state=unknown-state&code=x", 404, /^unknown or expired state$/],
      ["state=..%2Fetc&code=x", 400, /^invalid state$/],
    ];
    for (const [query, status, message] of cases) {
      const res = await publicCallback(h, query);
      assert.equal(res.status, status, query);
      assert.equal(res.body.status, "error");
      assert.match(res.body.error, message, query);
    }
  });

  it("GET /oauth-callback does not exist while management is off", async () => {
    const plain = await startHarness((url, dir) => openaiCompatConfig(url, dir));
    try {
      const r = await publicCallback(plain, "state=abc&code=x");
      assert.equal(r.status, 404);
    } finally {
      await plain.close();
    }
  });
});
