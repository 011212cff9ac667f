import { type Harness, startHarness, waitForSecretHashed } from "../helpers/harness.ts";

export { type Harness, waitFor } from "../helpers/harness.ts";

export const SECRET = "correct-horse-battery";

/** A commented config with the management API enabled by a plaintext secret (hashed on start). */
export function managedConfig(dir: string, extra = "", secret = SECRET): string {
  return `# top comment: kept across management writes
host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
remote-management:
  allow-remote: false
  secret-key: "${secret}" # the management key
# client keys
api-keys:
  - "client-key-1" # first
  - "client-key-2"
debug: false
request-retry: 0
${extra}
`;
}

export async function startManaged(extra = "", secret = SECRET): Promise<Harness> {
  const h = await startHarness((_url, dir) => managedConfig(dir, extra, secret));
  if (secret && !secret.startsWith("$2")) await waitForSecretHashed(h.configPath);
  return h;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** Calls /v0/management/<path> with the management key (or the given headers). */
export async function call(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${SECRET}` },
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??=
      typeof body === "string" ? "text/plain" : "application/json";
  }
  const res = await fetch(`${h.proxy.url}/v0/management/${path}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
