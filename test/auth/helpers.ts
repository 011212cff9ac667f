import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import { type RunningProxy, startProxy } from "../../src/start.ts";

import { waitForSecretHashed } from "../helpers/harness.ts";

export { waitFor } from "../helpers/harness.ts";

process.env.LOG_LEVEL ??= "error";

export const SECRET = "auth-test-secret";

/**
 * Points every OAuth server and subscription API at the fake upstream (the test-only
 * overrides of src/auth/endpoints.ts), for this process and the login commands it spawns.
 */
export function oauthEnv(upstreamUrl: string): Record<string, string> {
  return {
    CLI_PROXY_OAUTH_BASE_CODEX: `${upstreamUrl}/codex`,
    CLI_PROXY_OAUTH_BASE_CLAUDE: `${upstreamUrl}/claude`,
    CLI_PROXY_API_BASE_CODEX: `${upstreamUrl}/backend-api/codex`,
    CLI_PROXY_API_BASE_CLAUDE: upstreamUrl,
  };
}

export interface AuthHarness {
  proxy: RunningProxy;
  upstream: FakeUpstream;
  dir: string;
  authDir: string;
  configPath: string;
  /** Writes an account file into auth-dir as the Go original does (compact JSON + newline). */
  writeAuth(name: string, content: Record<string, unknown>): Promise<void>;
  readAuth(name: string): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export function authConfig(dir: string, extra = ""): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
remote-management:
  secret-key: "${SECRET}"
${extra}
`;
}

/** Fake upstream + proxy whose auth-dir holds `files` from the start. */
export async function startAuthHarness(
  files: Record<string, Record<string, unknown>> = {},
  extraConfig = "",
): Promise<AuthHarness> {
  const upstream = await startFakeUpstream();
  Object.assign(process.env, oauthEnv(upstream.url));
  const dir = await mkdtemp(join(tmpdir(), "cpa-auth-"));
  const authDir = join(dir, "auth");
  await mkdir(authDir, { recursive: true });
  const writeAuth = (name: string, content: Record<string, unknown>) =>
    writeFile(join(authDir, name), `${JSON.stringify(content)}\n`, { mode: 0o600 });
  for (const [name, content] of Object.entries(files)) await writeAuth(name, content);
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, authConfig(dir, extraConfig));
  const proxy = await startProxy({ configPath, host: "127.0.0.1", port: 0, watchDebounceMs: 50 });
  await waitForSecretHashed(configPath);
  return {
    proxy,
    upstream,
    dir,
    authDir,
    configPath,
    writeAuth,
    readAuth: async (name) => JSON.parse(await readFile(join(authDir, name), "utf8")),
    close: async () => {
      await proxy.close(1000);
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** RFC 3339 like Go writes it, `ms` from now. */
export function inMs(ms: number): string {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const HOUR = 60 * 60_000;
export const DAY = 24 * HOUR;

/** A Codex file in the Go original's shape, plus `extra` fields. */
export function codexFile(o: {
  access: string;
  refresh?: string;
  accountId?: string;
  email?: string;
  expired?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    id_token: "",
    access_token: o.access,
    refresh_token: o.refresh ?? `${o.access}-refresh`,
    account_id: o.accountId ?? "acct-go-1",
    last_refresh: inMs(-HOUR),
    email: o.email ?? "go@example.com",
    type: "codex",
    expired: o.expired ?? inMs(30 * DAY),
    ...o.extra,
  };
}

/** A Claude file in the Go original's shape, plus `extra` fields. */
export function claudeFile(o: {
  access: string;
  refresh?: string;
  email?: string;
  expired?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    id_token: "",
    access_token: o.access,
    refresh_token: o.refresh ?? `${o.access}-refresh`,
    last_refresh: inMs(-HOUR),
    email: o.email ?? "claude@example.com",
    type: "claude",
    expired: o.expired ?? inMs(30 * DAY),
    ...o.extra,
  };
}

/** Calls the management API with the key. */
export async function management(h: AuthHarness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.proxy.url}/v0/management/${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The OAuth credentials the running proxy routes with, by auth file name. */
export function oauthCredentials(h: AuthHarness) {
  return new Map(
    h.proxy.runtime.registry.credentials
      .filter((c) => c.kind === "oauth")
      .map((c) => [c.attributes?.auth_file ?? "", c]),
  );
}

/** A Responses call through the proxy (streamed: the ChatGPT backend only streams). */
export async function codexCall(h: AuthHarness, text = "hello", stream = true): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5", input: text, stream }),
  });
}

/** A Messages call through the proxy. */
export async function claudeCall(h: AuthHarness, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

/** The last upstream request to a path ending in `suffix`. */
export function lastRequest(h: AuthHarness, suffix: string) {
  const list = h.upstream.requests.filter((r) => r.path.endsWith(suffix));
  return list[list.length - 1];
}
