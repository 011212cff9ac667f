import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { waitFor } from "./helpers/harness.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const CLIENT_KEY = "client-secret-key-1234567890";
const UPSTREAM_KEY = "upstream-secret-key-abcdefghij";

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe("logging-to-file", () => {
  let dir: string;
  let upstream: FakeUpstream;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-log-"));
    upstream = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes rotating files under auth-dir/logs at debug level, with no key or token in them", async () => {
    const port = await freePort();
    const configPath = join(dir, "config.yaml");
    await writeFile(
      configPath,
      `host: "127.0.0.1"
port: ${port}
auth-dir: "${dir}/auth"
debug: true
logging-to-file: true
api-keys: ["${CLIENT_KEY}"]
openai-compatibility:
  - name: up
    base-url: "${upstream.url}/v1"
    api-key-entries: [{ api-key: "${UPSTREAM_KEY}" }]
    models: [{ name: fake-echo, alias: echo }, { name: fake-server-error, alias: broken }]
`,
    );
    const env = { ...process.env };
    delete env.LOG_LEVEL;
    const child = spawn(process.execPath, [MAIN, "--config", configPath], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => {
        try {
          return (await fetch(`${url}/healthz`)).ok;
        } catch {
          return false;
        }
      }, 15_000);
      const call = (model: string, key: string) =>
        fetch(`${url}/v1/chat/completions?key=${key}`, {
          method: "POST",
          body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
        });
      assert.equal((await call("echo", CLIENT_KEY)).status, 200);
      assert.equal((await call("broken", CLIENT_KEY)).status, 500);
      assert.equal((await call("echo", "wrong-key-value-xyz")).status, 401);

      const logDir = join(dir, "auth", "logs");
      let text = "";
      await waitFor(async () => {
        const files = await readdir(logDir).catch(() => [] as string[]);
        text = "";
        for (const f of files) text += await readFile(join(logDir, f), "utf8");
        return text.includes('"status":401');
      }, 10_000);
      assert.match(text, /CLI Proxy API listening/);
      assert.match(text, /"status":500/);
      assert.match(text, /key=\*\*\*\*/, "query keys masked in request lines");
      assert.doesNotMatch(text, new RegExp(CLIENT_KEY));
      assert.doesNotMatch(text, new RegExp(UPSTREAM_KEY));
      assert.doesNotMatch(out, /CLI Proxy API listening/, "not also on stdout");
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});
