import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import { type RunningProxy, startProxy } from "../../src/start.ts";

// Keep test output readable; errors still show.
process.env.LOG_LEVEL ??= "error";

export interface Harness {
  proxy: RunningProxy;
  upstream: FakeUpstream;
  dir: string;
  configPath: string;
  /** Rewrites config.yaml (the watcher applies it). */
  writeConfig(yaml: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real proxy on 127.0.0.1:0 in front of a real fake upstream, with a config file in a temp
 * dir. `configFor(upstreamUrl)` returns the YAML to start with.
 */
export async function startHarness(
  configFor: (upstreamUrl: string, dir: string) => string,
): Promise<Harness> {
  const upstream = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "cpa-test-"));
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, configFor(upstream.url, dir));
  let proxy: RunningProxy;
  try {
    // The config's port is ignored: tests listen on a random free port.
    proxy = await startProxy({ configPath, host: "127.0.0.1", port: 0, watchDebounceMs: 50 });
  } catch (err) {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    proxy,
    upstream,
    dir,
    configPath,
    writeConfig: (yaml) => writeFile(configPath, yaml),
    close: async () => {
      await proxy.close(1000);
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Minimal config: one openai-compatibility provider with two keys in front of the fake upstream. */
export function openaiCompatConfig(upstreamUrl: string, dir: string, extra = ""): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
${extra}
openai-compatibility:
  - name: "fake"
    base-url: "${upstreamUrl}/v1"
    api-key-entries:
      - api-key: "upstream-key-1"
      - api-key: "upstream-key-2"
    models:
      - name: "fake-echo"
        alias: "echo-model"
      - name: "fake-tool-call"
        alias: "tool-model"
  - name: "longfake"
    base-url: "${upstreamUrl}/v1"
    headers:
      x-fake-events: "100000"
    api-key-entries:
      - api-key: "upstream-key-long"
`;
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes. A check that throws counts as "not
 * yet" (state observed mid-reload); the last error is reported if time runs out.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met in time${lastError ? `: ${(lastError as Error).message}` : ""}`);
}

/**
 * A plaintext management secret-key is replaced by its bcrypt hash in config.yaml shortly
 * after start-up, and that write re-applies the config. Tests that watch for config or
 * registry changes wait for it first, so it cannot land in the middle of what they check.
 */
export async function waitForSecretHashed(configPath: string): Promise<void> {
  await waitFor(async () => /secret-key: "?\$2[aby]\$/.test(await readFile(configPath, "utf8")), 10_000);
}
