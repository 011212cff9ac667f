import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createRequestLogger, type RequestLogSettings } from "../../src/request-log/logger.ts";

const CLIENT_KEY = "client-secret-key-1234567890";
const UPSTREAM_KEY = "sk-ant-api03-upstreamsecretvalue0123456789";
const ODD_SECRET = "plain-looking-upstream-secret-42";
const ACCESS_TOKEN = "ya29.a0AfH6SMBx-oauth-access-token-value";

let root: string;
let n = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "cpa-reqlog-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function settings(over: Partial<RequestLogSettings> = {}): RequestLogSettings {
  return {
    enabled: true,
    dir: join(root, `logs-${++n}`),
    errorLogsMaxFiles: 3,
    maxBodyBytes: 1024 * 1024,
    ...over,
  };
}

async function files(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

function assertNoSecrets(text: string): void {
  for (const secret of [CLIENT_KEY, UPSTREAM_KEY, ODD_SECRET, ACCESS_TOKEN]) {
    assert.ok(!text.includes(secret), `log contains ${secret}`);
  }
}

const requestBody = JSON.stringify({
  model: "claude-sonnet-4-5",
  messages: [{ role: "user", content: `my key is ${ODD_SECRET}` }],
  metadata: { api_key: "inline-api-key-value-123456", access_token: ACCESS_TOKEN },
});

describe("request log", () => {
  it("request-log on: one file per request with bodies and redacted secrets", async () => {
    const s = settings();
    const logger = createRequestLogger(s);
    logger.setKnownSecrets([CLIENT_KEY, UPSTREAM_KEY, ODD_SECRET]);
    const entry = logger.begin({
      method: "POST",
      url: `/v1/messages?key=${CLIENT_KEY}`,
      headers: {
        authorization: `Bearer ${CLIENT_KEY}`,
        "content-type": "application/json",
        "x-api-key": CLIENT_KEY,
      },
      body: requestBody,
    });
    assert.equal(entry.capturing, true);
    entry.upstream({
      credential: "claude sk-a...6789",
      url: "https://api.anthropic.com/v1/messages",
      headers: { "x-api-key": UPSTREAM_KEY, "anthropic-version": "2023-06-01" },
      body: requestBody,
    });
    entry.upstreamError(429, `{"error":"rate limited for key ${UPSTREAM_KEY}"}`, "claude sk-a...6789");
    entry.responseChunk(Buffer.from('event: message_start\ndata: {"type":"message_start"}\n\n'));
    entry.responseChunk(`data: {"text":"Authorization: Bearer ${ACCESS_TOKEN}"}\n\n`);
    const path = await entry.finish(200, { "content-type": "text/event-stream" });
    assert.ok(path);
    const names = await files(s.dir);
    assert.equal(names.length, 1);
    assert.match(names[0], /^v1-messages-\d{4}-\d\d-\d\dT\d{6}-[0-9a-f]+\.log$/);
    const text = await readFile(join(s.dir, names[0]), "utf8");
    for (const section of [
      "=== REQUEST INFO ===",
      "=== HEADERS ===",
      "=== REQUEST BODY ===",
      "=== API REQUEST 1 ===",
      "=== API ERROR RESPONSE ===",
      "=== RESPONSE ===",
    ]) {
      assert.ok(text.includes(section), section);
    }
    assert.ok(text.includes("claude-sonnet-4-5"), "request body logged");
    assert.ok(text.includes("message_start"), "response bytes logged");
    assert.ok(text.includes("HTTP Status: 429"));
    assert.ok(!text.includes("inline-api-key-value-123456"), "api_key field scrubbed");
    assertNoSecrets(text);
  });

  it("request-log off: nothing for successes, an error- file for failures, capped to the newest N", async () => {
    const s = settings({ enabled: false, errorLogsMaxFiles: 3 });
    const logger = createRequestLogger(s);
    logger.setKnownSecrets([CLIENT_KEY, UPSTREAM_KEY, ODD_SECRET]);

    const ok = logger.begin({ method: "POST", url: "/v1/chat/completions", headers: {}, body: requestBody });
    assert.equal(ok.capturing, false);
    ok.responseChunk("data: streamed text that is never buffered\n\n");
    assert.equal(await ok.finish(200), undefined);
    assert.deepEqual(await files(s.dir), []);

    const written: string[] = [];
    for (let i = 0; i < 6; i++) {
      const e = logger.begin({
        method: "POST",
        url: "/v1/chat/completions",
        headers: { authorization: `Bearer ${CLIENT_KEY}` },
        body: requestBody,
        requestId: `req${i}`,
      });
      e.responseChunk("data: not kept when request-log is off\n\n");
      e.upstreamError(401, `{"error":{"message":"invalid x-api-key ${UPSTREAM_KEY}"}}`);
      const p = await e.finish(
        502,
        { "content-type": "application/json" },
        '{"error":{"message":"upstream failed"}}',
      );
      assert.ok(p);
      written.push(p);
      await logger.idle();
      await new Promise((r) => setTimeout(r, 5));
    }
    const names = await files(s.dir);
    assert.equal(names.length, 3, names.join(", "));
    assert.ok(
      names.every((f) => /^error-v1-chat-completions-.*-req[345]\.log$/.test(f)),
      names.join(", "),
    );
    for (const name of names) {
      const text = await readFile(join(s.dir, name), "utf8");
      assert.ok(text.includes("upstream failed"), "the error body is there");
      assert.ok(text.includes("HTTP Status: 401"), "the upstream failure is there");
      assert.ok(!text.includes("not kept when request-log is off"), "stream bytes were not buffered");
      assertNoSecrets(text);
    }
  });

  it("bodies past the cap are cut, with a note", async () => {
    const s = settings({ maxBodyBytes: 64 });
    const logger = createRequestLogger(s);
    const e = logger.begin({ method: "POST", url: "/v1/responses", headers: {}, body: "x".repeat(500) });
    for (let i = 0; i < 10; i++) e.responseChunk(Buffer.from("y".repeat(20)));
    await e.finish(200);
    const [name] = await files(s.dir);
    const text = await readFile(join(s.dir, name), "utf8");
    assert.ok(!text.includes("x".repeat(65)));
    assert.ok(text.includes("436 more characters not logged"));
    assert.ok(text.includes("y".repeat(64)) && !text.includes("y".repeat(65)));
    assert.ok(text.includes("136 more bytes not logged"));
  });

  it("configure() switches request logging at runtime; finish twice writes once", async () => {
    const s = settings({ enabled: false });
    const logger = createRequestLogger(s);
    logger.configure({ ...s, enabled: true });
    const e = logger.begin({ method: "POST", url: "/api/chat", headers: {} });
    e.requestBody('{"model":"llama"}');
    await e.finish(200, undefined, '{"done":true}');
    assert.equal(await e.finish(200), undefined);
    assert.equal((await files(s.dir)).length, 1);
  });
});
