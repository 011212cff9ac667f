/**
 * The bench harness end to end, briefly: `bench/run.ts --smoke` starts the fake upstream, the
 * floor and the proxy, measures one scenario, checks the bars and writes its JSON. Speed is
 * never asserted here (timed tests on shared machines are noise); only that it all works.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseModelMap, swapModel } from "../bench/floor.ts";
import { evaluateBars } from "../bench/lib/bars.ts";
import { type Slice, scenarioFigures } from "../bench/lib/figures.ts";
import { anthropicMessagesBody, geminiBody, openAIChatBody } from "../bench/lib/payloads.ts";
import { distribution, median } from "../bench/lib/stats.ts";
import type { LoadResult } from "../bench/loadgen.ts";

const RUN = fileURLToPath(new URL("../bench/run.ts", import.meta.url));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

test("bench --smoke runs every part of the harness and writes its results", {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "bench-smoke-"));
  try {
    const out = join(dir, "result.json");
    const { code, stdout, stderr } = await runBench(["--smoke", "--out", out]);
    assert.equal(code, 0, `bench exited ${code}\n${stderr}\n${stdout}`);

    assert.match(stdout, /\| scenario +\| rps direct/);
    assert.match(stdout, /\| chat-1k-c16 +\|/);
    assert.match(stdout, /\| bar +\| result/);

    const result = JSON.parse(await readFile(out, "utf8"));
    for (const key of ["machine", "settings", "scenarios", "memory", "bars", "problems", "pass"]) {
      assert.ok(key in result, `results lack "${key}"`);
    }
    assert.equal(result.settings.mode, "smoke");
    assert.deepEqual(result.problems, []);
    assert.equal(typeof result.machine.cpus, "number");
    assert.match(result.machine.node, /^v\d+/);

    const [scenario] = result.scenarios;
    assert.equal(scenario.id, "chat-1k-c16");
    for (const target of ["direct", "floor", "proxy"]) {
      assert.ok(scenario.figures.rps[target] > 0, `${target} served no request`);
      assert.equal(scenario.figures.errors[target], 0, `${target} had failed requests`);
      assert.ok(scenario.slices[0][target].requests > 0);
    }
    assert.ok(Number.isFinite(scenario.figures.rpsRatio));

    assert.ok(result.memory.longStream.streams > 0, "no 1,000-event stream completed");
    assert.equal(result.memory.longStream.errors, 0);
    // The proxy's own count: the 2,000 plus the few keys the bench config always has.
    assert.ok(
      result.memory.credentials.count >= 2000,
      `only ${result.memory.credentials.count} credentials loaded`,
    );
    assert.ok(result.memory.credentials.peakMb > 0);

    const barIds = result.bars.map((b: { id: string }) => b.id);
    for (const id of [
      "passthrough-rps-c16",
      "stream-memory-flat",
      "rss-2000-credentials",
      "translated-rps",
    ]) {
      assert.ok(barIds.includes(id), `bar ${id} missing`);
    }
    const byId = new Map(result.bars.map((b: { id: string; status: string }) => [b.id, b.status]));
    // Measured bars have a verdict (either way); bars of scenarios a smoke run skips say so.
    assert.match(String(byId.get("passthrough-rps-c16")), /^(PASS|FAIL)$/);
    assert.equal(byId.get("translated-rps"), "SKIP");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the floor swaps only the top-level model value", () => {
  const map = parseModelMap("a=up-a, b=up-b");
  assert.equal(
    swapModel('{"model":"a","messages":[{"model":"a"}]}', map),
    '{"model":"up-a","messages":[{"model":"a"}]}',
  );
  // Not compact: re-serialised, same meaning.
  assert.deepEqual(JSON.parse(swapModel('{ "model" : "b", "x": 1 }', map)), { model: "up-b", x: 1 });
  assert.equal(swapModel('{"model":"other"}', map), '{"model":"other"}');
  assert.equal(swapModel("not json", map), "not json");
});

test("payloads have the asked size in every client format", () => {
  const cases: [string, number][] = [
    [openAIChatBody("m", 10_240, false), 10_240],
    [anthropicMessagesBody("m", 1024, true), 1024],
    [geminiBody(1024), 1024],
  ];
  for (const [body, size] of cases) {
    assert.equal(body.length, size);
    assert.doesNotThrow(() => JSON.parse(body));
  }
});

test("order statistics", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const d = distribution(Array.from({ length: 100 }, (_, i) => i + 1));
  assert.deepEqual([d.min, d.p50, d.p90, d.p99, d.max, d.mean], [1, 50, 90, 99, 100, 50.5]);
});

function result(rps: number, p50: number, ttfb = p50): LoadResult {
  const dist = { count: 10, min: p50, mean: p50, p50, p90: p50, p99: p50, max: p50 };
  return {
    url: "http://x",
    concurrency: 1,
    requests: 10,
    errors: 0,
    elapsedMs: 1,
    rps,
    latency: dist,
    ttfb: { ...dist, p50: ttfb },
    bytesPerResponse: 1,
  };
}

test("figures pair targets within a slice and bars judge the ratios", () => {
  const slices: Slice[] = [
    { direct: result(3000, 0.1), floor: result(1000, 0.3), proxy: result(900, 0.35) },
    { direct: result(1500, 0.2), floor: result(500, 0.4), proxy: result(450, 0.45) }, // a slower moment
    { direct: result(3000, 0.1), floor: result(1000, 0.3), proxy: result(600, 0.9) }, // an outlier
  ];
  const f = scenarioFigures(slices);
  assert.equal(f.rpsRatio, 0.9); // per-slice ratios 0.9, 0.9, 0.6
  assert.equal(f.addedP50.floor, 0.2);
  assert.equal(f.addedP50.proxy, 0.25);
  assert.equal(f.addedP50.ratio, 1.25);

  const bars = evaluateBars(
    new Map([
      ["chat-1k-c16", f],
      ["chat-1k-c1", f],
    ]),
    {},
    new Map([["translated-10k-c16", "proxy: HTTP 500"]]),
  );
  const status = (id: string) => bars.find((b) => b.id === id)?.status;
  assert.equal(status("passthrough-rps-c16"), "PASS");
  assert.equal(status("passthrough-latency-c1"), "PASS"); // 1.25 is on the bar
  assert.equal(status("translated-rps"), "FAIL"); // could not be served
  assert.equal(status("passthrough-rps-c64"), "SKIP"); // not run
  assert.equal(status("rss-2000-credentials"), "SKIP");

  const slow = scenarioFigures([
    { direct: result(3000, 0.1), floor: result(1000, 0.3), proxy: result(700, 0.5) },
  ]);
  const failed = evaluateBars(new Map([["chat-1k-c16", slow]]), {});
  assert.equal(failed.find((b) => b.id === "passthrough-rps-c16")?.status, "FAIL");
});

describe("proxy node flags", () => {
  it("npm start runs the proxy with the flags the bench measures it with", async () => {
    const { PROXY_NODE_FLAGS } = await import("../scripts/node-flags.mjs");
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    for (const flag of PROXY_NODE_FLAGS)
      assert.ok(pkg.scripts.start.includes(flag), `start script has ${flag}`);
  });
});
