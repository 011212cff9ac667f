import assert from "node:assert/strict";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { appLogs, LogRing, recordLogLine } from "../../src/management/log-ring.ts";
import { VERSION } from "../../src/server/version.ts";
import { call, type Harness, startManaged } from "./helpers.ts";

describe("log ring", () => {
  it("keeps the newest lines up to its capacity, with increasing sequence numbers", () => {
    const ring = new LogRing(3);
    for (let i = 1; i <= 5; i++) ring.push(`line ${i}`, i * 1000);
    assert.deepEqual(
      ring.read().map((e) => [e.seq, e.line]),
      [
        [3, "line 3"],
        [4, "line 4"],
        [5, "line 5"],
      ],
    );
    assert.deepEqual(
      ring.read({ afterSeq: 4 }).map((e) => e.line),
      ["line 5"],
    );
    assert.deepEqual(
      ring.read({ afterSeconds: 3 }).map((e) => e.line),
      ["line 4", "line 5"],
    );
    assert.deepEqual(
      ring.read({ limit: 1 }).map((e) => e.line),
      ["line 5"],
    );
    assert.equal(ring.clear(), 3);
    ring.push("again");
    assert.equal(ring.read()[0].seq, 6);
  });

  it("captures pino's serialised, redacted lines through hooks.streamWrite", () => {
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const logger = pino(
      { hooks: { streamWrite: recordLogLine }, redact: { paths: ["authorization"], censor: "****" } },
      sink,
    );
    const before = appLogs.lastSeq;
    logger.info({ authorization: "Bearer top-secret" }, "hello ring");
    const lines = appLogs.read({ afterSeq: before });
    assert.equal(lines.length, 1);
    const parsed = JSON.parse(lines[0].line);
    assert.equal(parsed.msg, "hello ring");
    assert.equal(parsed.authorization, "****");
  });
});

describe("management logs and status routes", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
  });
  after(() => h.close());

  it("GET logs returns recent lines with a cursor to continue from", async () => {
    appLogs.clear();
    recordLogLine('{"msg":"first"}\n');
    recordLogLine('{"msg":"second"}\n');
    const all = await call(h, "GET", "logs");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.lines.slice(-2), ['{"msg":"first"}', '{"msg":"second"}']);
    assert.equal(all.body["line-count"], all.body.lines.length);
    assert.ok(all.body["latest-timestamp"] > 1_700_000_000);
    recordLogLine('{"msg":"third"}\n');
    const next = await call(h, "GET", `logs?cursor=${all.body["next-cursor"]}`);
    assert.deepEqual(next.body.lines, ['{"msg":"third"}']);
    const tail = await call(h, "GET", "logs?limit=1");
    assert.deepEqual(tail.body.lines, ['{"msg":"third"}']);
    const future = await call(h, "GET", `logs?after=${Math.floor(Date.now() / 1000) + 60}`);
    assert.deepEqual(future.body.lines, []);
    const reset = await call(h, "GET", "logs?cursor=999999999");
    assert.equal(reset.body["cursor-reset"], true);
    assert.equal((await call(h, "GET", "logs?limit=0")).status, 400);
  });

  it("DELETE logs clears the buffer", async () => {
    const r = await call(h, "DELETE", "logs");
    assert.equal(r.status, 200);
    assert.equal(r.body.success, true);
    assert.ok(r.body.removed >= 3);
    assert.deepEqual((await call(h, "GET", "logs")).body.lines, []);
  });

  it("lists and downloads request error logs, newest first", async () => {
    assert.deepEqual((await call(h, "GET", "request-error-logs")).body, { files: [] });
    const dir = join(h.dir, "auth", "logs");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "error-old.log"), "old");
    await writeFile(join(dir, "error-new.log"), "new error");
    await writeFile(join(dir, "main.log"), "not an error log");
    await utimes(join(dir, "error-old.log"), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    const listed = (await call(h, "GET", "request-error-logs")).body.files;
    assert.deepEqual(
      listed.map((f: any) => [f.name, f.size]),
      [
        ["error-new.log", 9],
        ["error-old.log", 3],
      ],
    );
    assert.equal(listed[1].modified, 1_000_000_000);
    const file = await call(h, "GET", "request-error-logs/error-new.log");
    assert.equal(file.text, "new error");
    assert.equal((await call(h, "GET", "request-error-logs/main.log")).status, 404);
    assert.equal((await call(h, "GET", "request-error-logs/error-none.log")).status, 404);
  });

  it("usage answers the usage snapshot shape, empty", async () => {
    const r = await call(h, "GET", "usage");
    assert.equal(r.status, 200);
    assert.equal(r.body.failed_requests, 0);
    assert.deepEqual(Object.keys(r.body.usage).sort(), [
      "apis",
      "failure_count",
      "requests_by_day",
      "requests_by_hour",
      "success_count",
      "tokens_by_day",
      "tokens_by_hour",
      "total_requests",
      "total_tokens",
    ]);
  });

  it("latest-version says honestly that it cannot check", async () => {
    const r = await call(h, "GET", "latest-version");
    assert.equal(r.status, 503);
    assert.equal(r.body.checked, false);
    assert.equal(r.body["current-version"], VERSION);
    assert.equal(r.headers.get("x-cpa-version"), VERSION);
  });

  it("get-auth-status: ok without a state, unknown for any state", async () => {
    assert.deepEqual((await call(h, "GET", "get-auth-status")).body, { status: "ok" });
    assert.deepEqual((await call(h, "GET", "get-auth-status?state=abc")).body, {
      status: "error",
      error: "unknown or expired state",
    });
  });
});
