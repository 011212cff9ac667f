/** Small HTTP helpers for the routing tests: one call to the proxy, and who served it upstream. */
import type { FakeUpstream } from "../../../src/fake-upstream/server.ts";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
}

export async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export async function get(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(baseUrl + path, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** An Anthropic Messages call (the claude-api-key upstream's own format: passthrough). */
export function messages(baseUrl: string, model: string, opts: { stream?: boolean; text?: string } = {}) {
  return post(baseUrl, "/v1/messages", {
    model,
    max_tokens: 64,
    stream: opts.stream ?? false,
    messages: [{ role: "user", content: opts.text ?? "hi" }],
  });
}

/** An OpenAI chat call. */
export function chat(baseUrl: string, model: string, opts: { stream?: boolean; text?: string } = {}) {
  return post(baseUrl, "/v1/chat/completions", {
    model,
    stream: opts.stream ?? false,
    messages: [{ role: "user", content: opts.text ?? "hi" }],
  });
}

/** The upstream key of each recorded request, in order. */
export function keysUsed(upstream: FakeUpstream): string[] {
  return upstream.requests.map((r) => r.auth ?? "none");
}

export function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}

/** YAML for one claude-api-key entry pointed at the fake upstream. */
export function claudeKey(
  upstreamUrl: string,
  key: string,
  o: {
    models?: Array<[upstream: string, alias: string]>;
    headers?: Record<string, string>;
    extra?: string;
  } = {},
): string {
  let y = `  - api-key: "${key}"\n    base-url: "${upstreamUrl}"\n`;
  if (o.models) {
    y += "    models:\n";
    for (const [name, alias] of o.models) y += `      - name: "${name}"\n        alias: "${alias}"\n`;
  }
  if (o.headers) {
    y += "    headers:\n";
    for (const [k, v] of Object.entries(o.headers)) y += `      ${k}: "${v}"\n`;
  }
  if (o.extra) y += o.extra.replace(/^/gm, "    ") + "\n";
  return y;
}

/** The common head of a test config. */
export function baseConfig(dir: string, extra = ""): string {
  return `host: "127.0.0.1"\nport: 8317\nauth-dir: "${dir}/auth"\nlogging-to-file: false\n${extra}\n`;
}
