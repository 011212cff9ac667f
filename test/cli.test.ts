import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeUpstream } from "../src/fake-upstream/server.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

function run(args: string[], cwd: string): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  return Object.assign(child, { out: () => out });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitHealthy(url: string, child: ChildProcess & { out: () => string }): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`proxy exited: ${child.out()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`proxy did not come up: ${child.out()}`);
}

describe("command line", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-cli-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("--help lists the flags", async () => {
    const child = run(["--help"], dir);
    assert.equal(await exitCode(child), 0);
    for (const flag of ["--config", "--login", "--codex-login", "--claude-login", "--no-browser"]) {
      assert.ok(child.out().includes(flag), flag);
    }
  });

  it("an invalid config stops start-up with one line per problem, with line numbers", async () => {
    const path = join(dir, "bad.yaml");
    await writeFile(path, 'port: "abc"\nrequest-retry: -3\n');
    const child = run(["--config", path], dir);
    assert.equal(await exitCode(child), 1);
    const out = child.out();
    assert.match(out, /bad\.yaml:1:\d+ port/);
    assert.match(out, /bad\.yaml:2:\d+ request-retry/);
  });

  it("creates config.yaml from the example on first start, serves, and shuts down on SIGTERM", async () => {
    const port = await freePort();
    const child = run(["--config", join(dir, "fresh", "config.yaml")], dir);
    // The example binds 8317; we only check creation here, then stop it.
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 100 && !child.out().includes("Created"); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(child.out(), /Created .*config\.yaml from config\.example\.yaml/);
    const text = await readFile(join(dir, "fresh", "config.yaml"), "utf8");
    assert.match(text, /port: 8317/);
    child.kill("SIGTERM");
    await exitCode(child);

    // A working config on a free port: it serves, then finishes an in-flight stream on SIGTERM.
    const upstream = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
    try {
      const path = join(dir, "ok.yaml");
      await writeFile(
        path,
        `host: "127.0.0.1"\nport: ${port}\nauth-dir: "${dir}/auth"\nopenai-compatibility:\n  - name: up\n    base-url: "${upstream.url}/v1"\n    api-key-entries: [{api-key: k}]\n    models: [{name: fake-slow, alias: slow}]\n`,
      );
      const proxy = run(["--config", path], dir);
      const url = `http://127.0.0.1:${port}`;
      await waitHealthy(url, proxy);
      const inflight = fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "slow", messages: [{ role: "user", content: "wait for me" }] }),
      });
      await new Promise((r) => setTimeout(r, 300));
      proxy.kill("SIGTERM");
      const res = await inflight;
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as any).choices[0].message.content, "echo: wait for me");
      assert.equal(await exitCode(proxy), 0);
    } finally {
      await upstream.close();
    }
  });
});
