import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { type AuthHarness, HOUR, inMs, oauthCredentials, waitFor } from "./helpers.ts";

/**
 * Points Google's sign-in (Gemini CLI under `/google`, Antigravity under `/antigravity`) and
 * Code Assist at the fake upstream (the test-only overrides). The proxy reads them when it
 * loads a file, so set them before writing one.
 */
export function googleEnv(upstreamUrl: string): Record<string, string> {
  return {
    CLI_PROXY_OAUTH_BASE_GEMINI: `${upstreamUrl}/google`,
    CLI_PROXY_API_BASE_GEMINI: upstreamUrl,
    CLI_PROXY_OAUTH_BASE_ANTIGRAVITY: `${upstreamUrl}/antigravity`,
    CLI_PROXY_API_BASE_ANTIGRAVITY: upstreamUrl,
  };
}

/** A Gemini CLI file as the Go original writes it (Go's oauth2.Token under `token`). */
export function geminiFile(o: {
  access: string;
  refresh?: string;
  expiry?: string;
  project?: string;
  email?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    token: {
      access_token: o.access,
      client_id: "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
      client_secret: "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",
      expiry: o.expiry ?? inMs(HOUR),
      refresh_token: o.refresh ?? `${o.access}-refresh`,
      scopes: [
        "https://www.googleapis.com/auth/cloud-platform",
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
      ],
      token_type: "Bearer",
      token_uri: "https://oauth2.googleapis.com/token",
      universe_domain: "googleapis.com",
    },
    project_id: o.project ?? "go-project",
    email: o.email ?? "go@example.com",
    auto: false,
    checked: true,
    type: "gemini",
    ...o.extra,
  };
}

/** An Antigravity file as the Go original writes it. */
export function antigravityFile(o: {
  access: string;
  refresh?: string;
  project?: string;
  email?: string;
}): Record<string, unknown> {
  const now = Date.now();
  return {
    type: "antigravity",
    access_token: o.access,
    refresh_token: o.refresh ?? `${o.access}-refresh`,
    expires_in: 3599,
    timestamp: now,
    expired: inMs(HOUR),
    email: o.email ?? "ag@example.com",
    project_id: o.project ?? "ag-project",
  };
}

/** Writes an account file and waits until the running proxy routes with it. */
export async function addAccount(h: AuthHarness, name: string, content: Record<string, unknown>) {
  await h.writeAuth(name, content);
  await waitFor(() => oauthCredentials(h).has(name));
}

/** Removes an account file and waits until the proxy stops routing with it. */
export async function removeAccount(h: AuthHarness, name: string) {
  await unlink(join(h.authDir, name));
  await waitFor(() => !oauthCredentials(h).has(name));
}

/** The authorization URL a `--no-browser` login printed. */
export const GOOGLE_AUTHORIZE_URL = /^(https?:\/\/\S+\/o\/oauth2\/v2\/auth\?\S+)$/m;

/** The browser: open the authorization URL and return where Google sends it back to. */
export async function googleAuthorize(url: string, headers: Record<string, string> = {}): Promise<URL> {
  const res = await fetch(url, { redirect: "manual", headers });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get("location")!);
}

/** Upstream requests to a Code Assist method, in order. */
export function codeAssistCalls(h: AuthHarness, method: string) {
  return h.upstream.requests.filter((r) => r.path.endsWith(`/v1internal:${method}`));
}

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface GoogleLogin {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** The authorization URL it printed. */
  url(): Promise<string>;
}

/**
 * `cli-proxy-api <flags> --no-browser` as a user runs it, against the fake Google, with the
 * callback on any free port (`port` names the kind's CLI_PROXY_OAUTH_PORT_<KIND>).
 */
export function startGoogleLogin(
  h: AuthHarness,
  kind: "GEMINI" | "ANTIGRAVITY",
  flags: string[],
): GoogleLogin {
  const child = spawn(process.execPath, [MAIN, ...flags, "--no-browser", "--config", h.configPath], {
    env: { ...process.env, ...googleEnv(h.upstream.url), [`CLI_PROXY_OAUTH_PORT_${kind}`]: "0" },
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
  return {
    child,
    output: () => out,
    exit,
    async url() {
      await waitFor(() => GOOGLE_AUTHORIZE_URL.test(out) || child.exitCode !== null, 10_000);
      const m = GOOGLE_AUTHORIZE_URL.exec(out);
      assert.ok(m, `no authorization URL printed:\n${out}`);
      return m[1];
    },
  };
}
