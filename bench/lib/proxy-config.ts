/**
 * config.yaml (and auth-dir) for the proxy under test: open access, no file logging, no retries,
 * every provider pointed at the fake upstream.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { LONG_STREAM_EVENTS, MODELS } from "./models.ts";

export interface ProxyConfigOptions {
  dir: string;
  port: number;
  upstream: string;
  /** OAuth-shaped credential files to write into auth-dir. */
  authFiles?: number;
  /** API keys on the passthrough openai-compatibility entry (at least 1). */
  configKeys?: number;
}

/** Writes config.yaml (and the auth files) under `dir`; returns the config path. */
export async function writeProxyConfig(options: ProxyConfigOptions): Promise<string> {
  const authDir = join(options.dir, "auth");
  await mkdir(authDir, { recursive: true });
  const keyEntries = [{ "api-key": "k1" }];
  for (let i = 1; i < (options.configKeys ?? 1); i++) {
    keyEntries.push({ "api-key": `sk-bench-${String(i).padStart(5, "0")}-${token(24)}` });
  }
  if (options.authFiles) await writeAuthFiles(authDir, options.authFiles);

  const config = {
    host: "127.0.0.1",
    port: options.port,
    "auth-dir": authDir,
    "api-keys": [],
    debug: false,
    "logging-to-file": false,
    "request-retry": 0,
    "openai-compatibility": [
      {
        name: "fake",
        "base-url": `${options.upstream}/v1`,
        "api-key-entries": keyEntries,
        models: [MODELS.chat, MODELS.chatStream].map(alias),
      },
      {
        name: "fake-long",
        "base-url": `${options.upstream}/v1`,
        headers: { "x-fake-events": String(LONG_STREAM_EVENTS) },
        "api-key-entries": [{ "api-key": "k1" }],
        models: [alias(MODELS.chatStream1000)],
      },
    ],
    "claude-api-key": [
      {
        "api-key": "k2",
        "base-url": options.upstream,
        models: [MODELS.claude, MODELS.claudeStream].map(alias),
      },
    ],
  };
  const path = join(options.dir, "config.yaml");
  await writeFile(path, stringify(config));
  return path;
}

function alias(m: { client: string; upstream: string }): { name: string; alias: string } {
  return { name: m.upstream, alias: m.client };
}

/**
 * Codex- and Claude-Code-shaped OAuth files, token lengths like real ones (JWTs of 1-2 KB), so
 * the memory figure holds once auth-dir loading is in place. Expiry is far ahead: no refresh.
 */
async function writeAuthFiles(authDir: string, count: number): Promise<void> {
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const codex = i % 2 === 0;
    const email = `bench-${i}@example.com`;
    const file = codex
      ? {
          type: "codex",
          email,
          id_token: jwtLike(1400),
          access_token: jwtLike(1800),
          refresh_token: `rt_${token(60)}`,
          account_id: `acct-${token(12)}`,
          last_refresh: now,
          expired: expires,
        }
      : {
          type: "claude",
          email,
          access_token: `sk-ant-oat01-${token(90)}`,
          refresh_token: `sk-ant-ort01-${token(90)}`,
          last_refresh: now,
          expired: expires,
        };
    writes.push(
      writeFile(join(authDir, `${codex ? "codex" : "claude"}-${email}.json`), JSON.stringify(file, null, 2)),
    );
  }
  await Promise.all(writes);
}

function token(chars: number): string {
  return randomBytes(Math.ceil((chars * 3) / 4))
    .toString("base64url")
    .slice(0, chars);
}

function jwtLike(chars: number): string {
  const part = Math.floor((chars - 2) / 3);
  return `${token(part)}.${token(part)}.${token(part)}`;
}
