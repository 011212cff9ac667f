import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

const DEMO = new URL("../scripts/demo.ts", import.meta.url).pathname;
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** The `curl ...` commands the demo printed, continuation lines joined. */
function curlCommands(out: string): string[] {
  const joined = out.replace(/\\\n\s*/g, "");
  return joined
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("curl "));
}

describe("npm run demo", () => {
  let dir: string;
  let child: ReturnType<typeof spawn>;
  let out = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-demo-"));
    const env = { ...process.env, PORT: String(await freePort()), LOG_LEVEL: "error" };
    child = spawn(process.execPath, [DEMO], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => {
      out += d;
    });
    child.stderr!.on("data", (d) => {
      out += d;
    });
    for (let i = 0; i < 300 && !out.includes("Stop with Ctrl-C"); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200)); // the curl lines follow the banner
  });
  after(async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await rm(dir, { recursive: true, force: true });
  });

  it("prints curl lines for every surface, and each works as printed", async () => {
    const commands = curlCommands(out);
    assert.ok(commands.length >= 8, `expected the curl lines, got:\n${out}`);
    for (const path of [
      "/v1/models",
      "/v1/chat/completions",
      "/v1/messages",
      ":generateContent",
      ":streamGenerateContent",
      "/v1/responses",
      "/api/chat",
    ]) {
      assert.ok(
        commands.some((c) => c.includes(path)),
        `a curl line for ${path}`,
      );
    }
    for (const cmd of commands) {
      // -f: fail on HTTP errors; -S: show them; otherwise exactly what a user pastes.
      const { stdout } = await run("bash", ["-c", cmd.replace(/^curl /, "curl -fsS ")], { timeout: 10_000 });
      assert.ok(stdout.length > 0, `no output from: ${cmd}`);
      assert.doesNotMatch(stdout, /"error":\s*[{"]/, `error answer from: ${cmd}\n${stdout}`);
    }
  });
});
