import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { call, type Harness, startManaged, waitFor } from "./helpers.ts";

describe("management config and config.yaml", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
    await waitFor(async () => (await readFile(h.configPath, "utf8")).includes("$2"));
  });
  after(() => h.close());

  it("GET config returns the running config as JSON, without listener, auth-dir and management keys", async () => {
    const r = await call(h, "GET", "config");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body["api-keys"], ["client-key-1", "client-key-2"]);
    assert.equal(r.body["request-retry"], 0);
    assert.equal(r.body.routing.strategy, "round-robin");
    for (const hidden of ["host", "port", "auth-dir", "remote-management"])
      assert.ok(!(hidden in r.body), hidden);
  });

  it("GET config.yaml returns the file byte for byte", async () => {
    const r = await call(h, "GET", "config.yaml");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type")!, /^application\/yaml/);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.text, await readFile(h.configPath, "utf8"));
  });

  it("PUT config.yaml stores the text as sent (comments kept) and applies it at once", async () => {
    const current = await readFile(h.configPath, "utf8");
    const next = current
      .replace("request-retry: 0", "request-retry: 2 # retry twice")
      .replace("# client keys", "# client keys (edited)");
    const r = await call(h, "PUT", "config.yaml", next);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { ok: true, changed: ["config"], warnings: [] });
    assert.equal(await readFile(h.configPath, "utf8"), next);
    assert.deepEqual((await call(h, "GET", "request-retry")).body, { "request-retry": 2 });
  });

  it("PUT config.yaml with problems is refused with each problem listed; nothing changes", async () => {
    const before = await readFile(h.configPath, "utf8");
    const bad = `${before}\nport: 99999\nrouting:\n  strategy: sideways\n`;
    const r = await call(h, "PUT", "config.yaml", bad);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, "invalid_config");
    assert.ok(r.body.problems.length >= 1);
    assert.ok(
      r.body.problems.some((p: string) => /port|routing|duplicate|unique/i.test(p)),
      JSON.stringify(r.body.problems),
    );
    const syntax = await call(h, "PUT", "config.yaml", "debug: [unclosed\n");
    assert.equal(syntax.status, 400);
    assert.match(syntax.body.message, /config\.yaml:\d+:\d+/);
    const typed = await call(h, "PUT", "config.yaml", "request-retry: lots\nport: 0\n");
    assert.equal(typed.status, 400);
    assert.equal(typed.body.problems.length, 2);
    assert.match(typed.body.problems.join("\n"), /request-retry: expected an integer >= 0, got "lots"/);
    const empty = await call(h, "PUT", "config.yaml", "   \n");
    assert.equal(empty.status, 400, "an empty body would reset everything: refused");
    assert.equal(await readFile(h.configPath, "utf8"), before);
    assert.deepEqual((await call(h, "GET", "request-retry")).body, { "request-retry": 2 });
  });

  it("PUT config.yaml reports warnings (unknown keys) and hashes a new plaintext secret", async () => {
    const current = await readFile(h.configPath, "utf8");
    const next = `${current.replace(/secret-key: "[^"]*"/, 'secret-key: "second-secret"')}\nunknown-thing: 1\n`;
    const r = await call(h, "PUT", "config.yaml", next);
    assert.equal(r.status, 200);
    assert.equal(r.body.warnings.length, 1);
    assert.match(r.body.warnings[0], /unknown-thing: unknown key/);
    const stored = await readFile(h.configPath, "utf8");
    assert.ok(!stored.includes("second-secret"), "hashed before the answer");
    assert.match(stored, /secret-key: "\$2[aby]\$10\$/);
    assert.equal((await call(h, "GET", "debug")).status, 401, "the old key no longer works");
    assert.equal(
      (await call(h, "GET", "debug", undefined, { "x-management-key": "second-secret" })).status,
      200,
    );
  });
});
