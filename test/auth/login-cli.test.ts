import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type AuthHarness,
  claudeCall,
  codexCall,
  lastRequest,
  oauthCredentials,
  oauthEnv,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// `--codex-login` / `--claude-login --no-browser` as a user runs them: a child process prints
// the authorization URL; the "browser" is an HTTP GET of it (the fake authorization server
// answers 302 to the login's local callback) and a GET of that redirect. The account file
// lands in auth-dir and the running proxy serves it.

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const AUTHORIZE_URL = /^(https?:\/\/\S+\/oauth\/authorize\?\S+)$/m;

interface Login {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function startLogin(h: AuthHarness, flag: string, env: Record<string, string> = {}): Login {
  const child = spawn(process.execPath, [MAIN, flag, "--no-browser", "--config", h.configPath], {
    env: {
      ...process.env,
      ...oauthEnv(h.upstream.url),
      CLI_PROXY_OAUTH_PORT_CODEX: "0",
      CLI_PROXY_OAUTH_PORT_CLAUDE: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function authorizeUrl(login: Login): Promise<string> {
  await waitFor(() => AUTHORIZE_URL.test(login.output()) || login.child.exitCode !== null, 10_000);
  const m = AUTHORIZE_URL.exec(login.output());
  assert.ok(m, `no authorization URL printed:\n${login.output()}`);
  return m[1];
}

/** The browser: open the authorization URL, get redirected to the login's callback. */
async function visit(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { redirect: "manual", headers });
  assert.equal(res.status, 302, await res.text());
  return res.headers.get("location")!;
}

describe("login commands", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
  });
  after(() => h.close());

  it("--codex-login: PKCE + state, the file in auth-dir, served by the running proxy", async () => {
    const login = startLogin(h, "--codex-login");
    const url = new URL(await authorizeUrl(login));
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");
    assert.equal(url.searchParams.get("client_id"), "app_EMoamEEZ73f0CkXaXp7hrann");
    assert.match(url.searchParams.get("redirect_uri")!, /^http:\/\/localhost:\d+\/auth\/callback$/);

    const callback = await visit(url.toString(), { "x-fake-oauth-email": "cli@example.com" });
    const page = await fetch(callback);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Authorization received/);
    assert.equal(await login.exit, 0, login.output());
    assert.match(login.output(), /Logged in to Codex as cli@example\.com/);

    const name = "codex-cli@example.com-plus.json";
    assert.ok((await readdir(h.authDir)).includes(name), login.output());
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.grant, "authorization_code");
    assert.equal(file.type, "codex");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.email, "cli@example.com");
    assert.match(file.account_id, /^acct-/);
    assert.ok(Date.parse(file.expired) > Date.now());
    assert.equal((await stat(join(h.authDir, name))).mode & 0o777, 0o600);

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await codexCall(h)).status, 200);
    const seen = lastRequest(h, "/backend-api/codex/responses");
    assert.equal(seen.headers.authorization, `Bearer ${issued.access_token}`);
    assert.equal(seen.headers["chatgpt-account-id"], file.account_id);
  });

  it("--claude-login: the file in auth-dir, served by the running proxy", async () => {
    const login = startLogin(h, "--claude-login");
    const url = new URL(await authorizeUrl(login));
    assert.equal(url.searchParams.get("client_id"), "9d1c250a-e61b-44d9-88ed-5944d1962f5e");
    assert.match(url.searchParams.get("redirect_uri")!, /^http:\/\/localhost:\d+\/callback$/);
    assert.match(url.searchParams.get("scope")!, /user:inference/);

    const callback = await visit(url.toString(), { "x-fake-oauth-email": "cc@example.com" });
    assert.equal((await fetch(callback)).status, 200);
    assert.equal(await login.exit, 0, login.output());

    const name = "claude-cc@example.com.json";
    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(file.type, "claude");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.email, "cc@example.com");

    await waitFor(() => oauthCredentials(h).has(name));
    assert.equal((await claudeCall(h)).status, 200);
    assert.equal(lastRequest(h, "/v1/messages").headers.authorization, `Bearer ${issued.access_token}`);
  });

  // Independent of each other: run side by side to keep the folder fast.
  describe("failures", { concurrency: true }, () => {
    it("fails clearly when the user denies access", async () => {
      const login = startLogin(h, "--codex-login");
      const callback = await visit(await authorizeUrl(login), { "x-fake-oauth-deny": "access_denied" });
      const page = await fetch(callback);
      assert.equal(page.status, 400);
      assert.equal(await login.exit, 1);
      assert.match(login.output(), /Codex login failed: the authorization was denied: access_denied/);
    });

    it("fails clearly on a callback with a foreign state", async () => {
      const login = startLogin(h, "--codex-login");
      const callback = new URL(await visit(await authorizeUrl(login)));
      callback.searchParams.set("state", "forged-state");
      assert.equal((await fetch(callback)).status, 400);
      assert.equal(await login.exit, 1);
      assert.match(login.output(), /state mismatch/);
    });

    it("fails clearly when the browser never comes back", async () => {
      const login = startLogin(h, "--claude-login", { CLI_PROXY_OAUTH_TIMEOUT_MS: "300" });
      assert.equal(await login.exit, 1);
      assert.match(login.output(), /Claude Code login failed: timed out after 0s waiting for the browser/);
    });

    it("fails clearly when the callback port is busy", async () => {
      const busy: Server = createServer();
      await new Promise<void>((r) => busy.listen(0, r));
      const port = (busy.address() as { port: number }).port;
      try {
        const login = startLogin(h, "--codex-login", { CLI_PROXY_OAUTH_PORT_CODEX: String(port) });
        assert.equal(await login.exit, 1);
        assert.match(login.output(), new RegExp(`port ${port} is already in use`));
        assert.doesNotMatch(login.output(), /oauth\/authorize/, "no URL for a login that cannot finish");
      } finally {
        busy.close();
      }
    });
  });
});
