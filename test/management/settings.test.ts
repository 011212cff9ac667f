import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { call, type Harness, startManaged } from "./helpers.ts";

// Single-value settings: GET/PUT/PATCH (and DELETE for proxy-url), persisted with comments.

describe("management settings", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
  });
  after(() => h.close());

  const fileValue = async (path: string[]) => {
    let node: any = parse(await readFile(h.configPath, "utf8"));
    for (const key of path) node = node?.[key];
    return node;
  };

  const booleans = [
    "debug",
    "logging-to-file",
    "usage-statistics-enabled",
    "ws-auth",
    "request-log",
    "force-model-prefix",
  ];
  for (const name of booleans) {
    it(`${name}: GET, PUT and PATCH round trip, persisted`, async () => {
      const before = (await call(h, "GET", name)).body[name];
      assert.equal(typeof before, "boolean");
      assert.deepEqual((await call(h, "PUT", name, { value: !before })).body, { status: "ok" });
      assert.deepEqual((await call(h, "GET", name)).body, { [name]: !before });
      assert.equal(await fileValue([name]), !before);
      assert.deepEqual((await call(h, "PATCH", name, { value: before })).body, { status: "ok" });
      assert.deepEqual((await call(h, "GET", name)).body, { [name]: before });
    });
  }

  const integers: Array<[string, number, number | undefined]> = [
    ["request-retry", 3, 0],
    ["max-retry-interval", 45, undefined],
    ["max-retry-credentials", 2, 0],
    ["logs-max-total-size-mb", 100, 0],
    ["error-logs-max-files", 5, 0],
  ];
  for (const [name, value, min] of integers) {
    it(`${name}: integer round trip; non-integers${min === undefined ? "" : " and negatives"} refused`, async () => {
      assert.equal((await call(h, "PUT", name, { value })).status, 200);
      assert.deepEqual((await call(h, "GET", name)).body, { [name]: value });
      assert.equal(await fileValue([name]), value);
      assert.equal(h.proxy.runtime.config[name as "request-retry"], value, "applied live");
      const text = await call(h, "PUT", name, { value: "3" });
      assert.equal(text.status, 400);
      assert.match(text.body.error, /body\.value: expected an integer/);
      assert.equal((await call(h, "PATCH", name, { value: 1.5 })).status, 400);
      if (min !== undefined) assert.equal((await call(h, "PUT", name, { value: min - 1 })).status, 400);
      assert.deepEqual((await call(h, "GET", name)).body, { [name]: value }, "unchanged after refusals");
    });
  }

  it("routing/strategy: accepts the original's spellings, stores the canonical one", async () => {
    assert.deepEqual((await call(h, "GET", "routing/strategy")).body, { strategy: "round-robin" });
    assert.equal((await call(h, "PUT", "routing/strategy", { value: "ff" })).status, 200);
    assert.deepEqual((await call(h, "GET", "routing/strategy")).body, { strategy: "fill-first" });
    assert.equal(await fileValue(["routing", "strategy"]), "fill-first");
    assert.equal(h.proxy.runtime.scheduler.strategy, "fill-first", "the scheduler follows at once");
    const bad = await call(h, "PATCH", "routing/strategy", { value: "random" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /expected one of round-robin, fill-first, weighted-round-robin/);
    assert.equal((await call(h, "PATCH", "routing/strategy", { value: "Weighted-Round-Robin" })).status, 200);
    assert.deepEqual((await call(h, "GET", "routing/strategy")).body, { strategy: "weighted-round-robin" });
  });

  it("proxy-url: PUT, PATCH, DELETE; only http(s)/socks5 URLs", async () => {
    assert.deepEqual((await call(h, "GET", "proxy-url")).body, { "proxy-url": "" });
    assert.equal(
      (await call(h, "PUT", "proxy-url", { value: "socks5://user:pw@127.0.0.1:1080" })).status,
      200,
    );
    assert.deepEqual((await call(h, "GET", "proxy-url")).body, {
      "proxy-url": "socks5://user:pw@127.0.0.1:1080",
    });
    assert.equal((await call(h, "PATCH", "proxy-url", { value: "http://127.0.0.1:3128" })).status, 200);
    assert.equal(await fileValue(["proxy-url"]), "http://127.0.0.1:3128");
    const bad = await call(h, "PUT", "proxy-url", { value: "ftp://x" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /socks5/);
    assert.equal((await call(h, "DELETE", "proxy-url")).status, 200);
    assert.deepEqual((await call(h, "GET", "proxy-url")).body, { "proxy-url": "" });
  });

  it("refuses bad bodies with what is wrong", async () => {
    const cases: Array<[unknown, RegExp]> = [
      ["not json", /not valid JSON/],
      [{}, /body\.value: is required/],
      [{ value: "yes" }, /body\.value: expected true or false/],
      [{ value: true, extra: 1 }, /unknown field\(s\) extra/],
      [[true], /expected \{"value": \.\.\.\}/],
    ];
    for (const [body, message] of cases) {
      const r = await call(h, "PUT", "debug", body, {
        authorization: "Bearer correct-horse-battery",
        "content-type": "application/json",
      });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, message);
    }
    const empty = await call(h, "PUT", "debug", "", { authorization: "Bearer correct-horse-battery" });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error, /empty/);
  });

  it("keeps comments and layout of the file across writes", async () => {
    await call(h, "PUT", "debug", { value: true });
    const text = await readFile(h.configPath, "utf8");
    assert.ok(text.startsWith("# top comment: kept across management writes\n"));
    assert.match(text, /# client keys\napi-keys:\n {2}- "client-key-1" # first\n/);
    assert.match(text, /secret-key: "\$2[aby]\$.*" # the management key/);
  });
});
