import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { StoreSettings } from "../../src/store/env.ts";
import { type StoreBackedProxy, startWithStore } from "../../src/store/start-with-store.ts";
import { waitFor } from "../helpers/harness.ts";

// The same end-to-end checks for every store backend, through the real proxy and its
// management API: bootstrapping from config.example.yaml, an uploaded auth file and a config
// edit reaching the remote, a second instance on a fresh mirror seeing both, and a delete.

export const PASSWORD = "store-test-password";
// The bootstrapped config has no secret-key: the management API is opened by the env password.
process.env.MANAGEMENT_PASSWORD = PASSWORD;

export const EXAMPLE_PATH = fileURLToPath(new URL("../../config.example.yaml", import.meta.url));

/** What the remote holds now, read with the backend's own tools (not through our store code). */
export interface RemoteView {
  config(): Promise<string | undefined>;
  auth(name: string): Promise<string | undefined>;
}

export const AUTH_NAME = "codex-store@example.com.json";
const AUTH = {
  type: "codex",
  email: "store@example.com",
  access_token: "at-store-1",
  refresh_token: "rt-store-1",
};

export function start(settings: StoreSettings): Promise<StoreBackedProxy> {
  return startWithStore(settings, {
    examplePath: EXAMPLE_PATH,
    host: "127.0.0.1",
    port: 0,
    watchDebounceMs: 30,
    syncDebounceMs: 30,
    syncRetryMs: 100,
  });
}

export async function management(
  proxy: StoreBackedProxy,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${proxy.url}/v0/management/${path}`, {
    method,
    headers: { authorization: `Bearer ${PASSWORD}`, "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

export interface ScenarioResult {
  first: StoreBackedProxy;
  second: StoreBackedProxy;
}

/**
 * Runs the scenario; `settingsFor(name)` gives settings with a fresh local path per instance.
 * Closes both proxies before returning.
 */
export async function runStoreScenario(
  settingsFor: (instance: string) => StoreSettings,
  remote: RemoteView,
  extraChecks: { afterBootstrap?: () => Promise<void>; afterUpload?: () => Promise<void> } = {},
): Promise<void> {
  const example = await readFile(EXAMPLE_PATH, "utf8");
  const first = await start(settingsFor("first"));
  let second: StoreBackedProxy | undefined;
  try {
    // Bootstrap: the remote had nothing, now has config.example.yaml (as the mirror does).
    const pushed = await remote.config();
    assert.ok(pushed !== undefined, "config pushed at bootstrap");
    assert.match(pushed, /^# /m);
    assert.ok(first.store.configPath.endsWith("config/config.yaml"));
    assert.equal(first.runtime.config["auth-dir"], first.store.authDir, "auth-dir is the mirror's auths/");
    assert.equal(first.runtime.config.port, 8317, "the example's settings are in use");
    assert.equal(pushed, example);
    await extraChecks.afterBootstrap?.();

    // An auth file uploaded through the management API lands in the remote.
    const up = await management(
      first,
      "POST",
      `auth-files?name=${encodeURIComponent(AUTH_NAME)}`,
      JSON.stringify(AUTH),
    );
    assert.equal(up.status, 200);
    await waitFor(async () => (await remote.auth(AUTH_NAME)) !== undefined, 8000);
    assert.deepEqual(JSON.parse((await remote.auth(AUTH_NAME))!), AUTH);
    await extraChecks.afterUpload?.();

    // A management config edit is pushed (the file keeps the example's comments).
    const edit = await management(first, "PUT", "request-retry", JSON.stringify({ value: 7 }));
    assert.equal(edit.status, 200);
    await waitFor(async () => /^request-retry: 7\b/m.test((await remote.config()) ?? ""), 8000);
    assert.match((await remote.config())!, /^# /m);

    // A second instance on a fresh local path sees both.
    second = await start(settingsFor("second"));
    assert.notEqual(second.store.root, first.store.root);
    assert.equal(second.runtime.config["request-retry"], 7);
    const listed = await management(second, "GET", "auth-files");
    assert.deepEqual(
      listed.json.files.map((f: { name: string }) => f.name),
      [AUTH_NAME],
    );
    // Deleting through the second instance removes it remotely.
    const del = await management(second, "DELETE", `auth-files?name=${encodeURIComponent(AUTH_NAME)}`);
    assert.equal(del.status, 200);
    await waitFor(async () => (await remote.auth(AUTH_NAME)) === undefined, 8000);
    // The first instance's later config edit must not bring anything back or lose the delete.
    const again = await management(first, "PUT", "request-retry", JSON.stringify({ value: 3 }));
    assert.equal(again.status, 200);
    await waitFor(async () => /^request-retry: 3\b/m.test((await remote.config()) ?? ""), 8000);
    assert.equal(await remote.auth(AUTH_NAME), undefined);
  } finally {
    await second?.close(1000);
    await first.close(1000);
  }
}
