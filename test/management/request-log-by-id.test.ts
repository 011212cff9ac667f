import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Harness, openaiCompatConfig, startHarness, waitForSecretHashed } from "../helpers/harness.ts";
import { call, SECRET, waitFor } from "./helpers.ts";

// Request ids end to end: a generate response carries `X-Request-Id` whenever a request-log
// file will carry the id, and GET /request-log-by-id/<id> returns that file.

function chat(h: Harness, model: string, stream = false): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "log me please" }] }),
  });
}

describe("management request-log-by-id", () => {
  let h: Harness;
  const logsDir = () => join(h.dir, "auth", "logs");

  before(async () => {
    h = await startHarness((url, dir) =>
      openaiCompatConfig(
        url,
        dir,
        `remote-management:\n  secret-key: "${SECRET}"\nrequest-log: true\nerror-logs-max-files: 10`,
      ),
    );
    await waitForSecretHashed(h.configPath);
  });
  after(() => h.close());

  it("404 while no log file exists; 400 for an id that cannot be one", async () => {
    const none = await call(h, "GET", "request-log-by-id/0a1b2c3d");
    assert.equal(none.status, 404);
    assert.equal(none.body.error, "log file not found for the given request ID");
    for (const bad of ["a.b", "abc%24", "..%2F..%2Fconfig", "x".repeat(65)]) {
      const r = await call(h, "GET", `request-log-by-id/${bad}`);
      assert.equal(r.status, 400, bad);
      assert.match(r.body.error, /^invalid request ID/);
    }
  });

  it("with request-log on, every response names its log file by X-Request-Id", async () => {
    const res = await chat(h, "echo-model");
    assert.equal(res.status, 200);
    await res.text();
    const id = res.headers.get("x-request-id") ?? "";
    assert.match(id, /^[0-9a-f]{8}$/);

    const streamed = await chat(h, "echo-model", true);
    assert.equal(streamed.status, 200);
    await streamed.text();
    const streamId = streamed.headers.get("x-request-id") ?? "";
    assert.match(streamId, /^[0-9a-f]{8}$/);
    assert.notEqual(streamId, id);

    await h.proxy.runtime.observe.requestLog!.idle();
    const r = await call(h, "GET", `request-log-by-id/${id}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    const disposition = r.headers.get("content-disposition") ?? "";
    assert.match(disposition, new RegExp(`^attachment; filename="v1-chat-completions-.+-${id}\\.log"$`));
    assert.ok(r.text.includes(`Request ID: ${id}`), r.text);
    assert.ok(r.text.includes("log me please"));
    // The upstream key used for the call never appears in the file.
    assert.ok(!/upstream-key-[12]/.test(r.text), r.text);

    const s = await call(h, "GET", `request-log-by-id/${streamId}`);
    assert.equal(s.status, 200);
    assert.ok(s.text.includes(`Request ID: ${streamId}`));
  });

  it("with request-log off, only a failed request gets an id, and its error file is found by it", async () => {
    assert.equal((await call(h, "PUT", "request-log", { value: false })).status, 200);
    await waitFor(() => h.proxy.runtime.observe.requestLog?.settings.enabled === false);

    const ok = await chat(h, "echo-model");
    assert.equal(ok.status, 200);
    await ok.text();
    assert.equal(ok.headers.get("x-request-id"), null, "no file, no id");

    const failed = await chat(h, "no-such-model");
    assert.equal(failed.status, 404);
    await failed.text();
    const id = failed.headers.get("x-request-id") ?? "";
    assert.match(id, /^[0-9a-f]{8}$/);

    await h.proxy.runtime.observe.requestLog!.idle();
    const r = await call(h, "GET", `request-log-by-id/${id}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-disposition") ?? "", new RegExp(`filename="error-.+-${id}\\.log"`));
    assert.ok(r.text.includes("no-such-model"));
    const names = await readdir(logsDir());
    assert.ok(names.some((n) => n.startsWith("error-") && n.endsWith(`-${id}.log`)));
  });

  it("needs the management key", async () => {
    const r = await call(h, "GET", "request-log-by-id/0a1b2c3d", undefined, {});
    assert.equal(r.status, 401);
  });
});
