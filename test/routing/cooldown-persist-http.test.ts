import assert from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { isAuthFileName } from "../../src/auth/watcher.ts";
import { type RunningProxy, startProxy } from "../../src/start.ts";
import { type Harness, startHarness, waitFor } from "../helpers/harness.ts";
import { baseConfig, claudeKey, keysUsed, messages } from "./helpers/client.ts";

// save-cooldown-status: a key cooling after a 429 is still skipped by a proxy restarted on the
// same config and auth-dir, and is tried again once the upstream's reset time has passed.

const RESET_SECONDS = 3;

function config(url: string, dir: string, save: boolean): string {
  return (
    baseConfig(dir, `routing:\n  strategy: "fill-first"\nrequest-retry: 0\nsave-cooldown-status: ${save}`) +
    "claude-api-key:\n" +
    claudeKey(url, "limited", {
      models: [["model-one", "m1"]],
      headers: { "x-fake-scenario": "rate-limit", "x-fake-reset-seconds": String(RESET_SECONDS) },
    }) +
    claudeKey(url, "good", { models: [["model-one", "m1"]] })
  );
}

async function cdsFiles(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, "auth")).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".cds"));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("save-cooldown-status through HTTP", () => {
  let h: Harness | undefined;
  let restarted: RunningProxy | undefined;
  afterEach(async () => {
    await restarted?.close(1000);
    restarted = undefined;
    if (h) {
      await h.upstream.close();
      await rm(h.dir, { recursive: true, force: true });
    }
    h = undefined;
  });

  /** Stops the first proxy and starts a new one on the same config file. */
  async function restart(): Promise<RunningProxy> {
    await h!.proxy.close(1000);
    restarted = await startProxy({
      configPath: h!.configPath,
      host: "127.0.0.1",
      port: 0,
      watchDebounceMs: 50,
    });
    return restarted;
  }

  it("keeps a 429 cooldown across a restart, then uses the key again after the reset", async () => {
    h = await startHarness((url, dir) => config(url, dir, true));
    const first = await messages(h.proxy.url, "m1");
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"]);

    // Written in the background, one file per credential, Go's record shape.
    await waitFor(async () => (await cdsFiles(h!.dir)).length === 1);
    const [name] = await cdsFiles(h.dir);
    const saved = JSON.parse(await readFile(join(h.dir, "auth", name), "utf8"));
    assert.equal(saved.version, 1);
    assert.equal(saved.provider, "claude");
    assert.match(saved.auth_id, /^claude:/);
    assert.ok(!JSON.stringify(saved).includes("limited"), "no API key in the file");
    assert.equal(saved.records.length, 1);
    const record = saved.records[0];
    assert.equal(record.auth_id, saved.auth_id);
    assert.equal(record.model, "model-one");
    assert.equal(record.last_error.http_status, 429);
    const until = Date.parse(record.next_retry_after);
    assert.ok(
      until > Date.now() && until <= Date.now() + RESET_SECONDS * 1000 + 100,
      record.next_retry_after,
    );

    const proxy = await restart();
    h.upstream.reset();
    assert.equal((await messages(proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["good"], "still cooling after the restart");
    // The auth-dir loader and watcher leave the .cds file alone.
    assert.equal(isAuthFileName(name), false);
    assert.equal(proxy.runtime.registry.credentials.filter((c) => c.kind === "oauth").length, 0);

    // Once the reset time has passed the file goes away and the key is tried first again.
    await sleep(until - Date.now() + 100);
    await waitFor(async () => (await cdsFiles(h!.dir)).length === 0);
    h.upstream.reset();
    assert.equal((await messages(proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"]);
  });

  it("writes nothing and forgets cooldowns on restart when off", async () => {
    h = await startHarness((url, dir) => config(url, dir, false));
    assert.equal((await messages(h.proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"]);
    assert.equal(h.proxy.runtime.cooldowns.active().length, 1);
    await sleep(400); // longer than the write delay
    assert.deepEqual(await cdsFiles(h.dir), []);

    const proxy = await restart();
    assert.deepEqual(await cdsFiles(h.dir), [], "nothing written on shutdown either");
    h.upstream.reset();
    assert.equal((await messages(proxy.url, "m1")).status, 200);
    assert.deepEqual(keysUsed(h.upstream), ["limited", "good"], "the restarted proxy tries the key again");
  });
});
