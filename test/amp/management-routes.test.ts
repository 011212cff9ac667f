/** /v0/management/ampcode/*: the Go original's shapes, validation, comment-keeping writes, live effect. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, beforeEach, describe, it } from "node:test";
import { parseConfigText } from "../../src/config/index.ts";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import {
  AMP_KEY,
  type AmpHarness,
  ampSection,
  auth,
  CLIENT_KEY,
  MANAGEMENT_SECRET,
  startAmp,
} from "./helpers.ts";

interface Reply {
  status: number;
  body: any;
}

describe("amp: management routes", () => {
  let h: AmpHarness;
  let other: FakeUpstream;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    key = MANAGEMENT_SECRET,
  ): Promise<Reply> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${key}` } };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await fetch(`${h.proxy.url}/v0/management/${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { status: "ok" });
  };
  const bad = async (method: string, path: string, body: unknown, pattern: RegExp) => {
    const r = await call(method, path, body);
    assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
    assert.match(r.body.error, pattern);
  };
  const fileConfig = async () => {
    const text = await readFile(h.configPath, "utf8");
    return { text, ampcode: parseConfigText(text).config.ampcode };
  };

  before(async () => {
    other = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
    h = await startAmp(
      (url) =>
        `  # the Amp upstream\n${ampSection(url, `  model-mappings:\n    - from: "a"\n      to: "b"\n`)}`,
    );
  });
  after(async () => {
    await h.close();
    await other.close();
  });
  beforeEach(() => h.amp.reset());

  it("needs the management key", async () => {
    const r = await call("GET", "ampcode", undefined, "wrong");
    assert.equal(r.status, 401);
  });

  it("GET /ampcode shows the whole section", async () => {
    const r = await call("GET", "ampcode");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      ampcode: {
        "upstream-url": h.amp.url,
        "upstream-api-key": AMP_KEY,
        "restrict-management-to-localhost": false,
        "model-mappings": [{ from: "a", to: "b" }],
        "force-model-mappings": false,
      },
    });
  });

  it("upstream-url: GET, PUT (applied at once, comments kept), PATCH, DELETE, bad input", async () => {
    assert.deepEqual((await call("GET", "ampcode/upstream-url")).body, { "upstream-url": h.amp.url });
    await ok("PUT", "ampcode/upstream-url", { value: `  ${other.url}  ` });
    assert.deepEqual((await call("GET", "ampcode/upstream-url")).body, { "upstream-url": other.url });
    const file = await fileConfig();
    assert.equal(file.ampcode["upstream-url"], other.url);
    assert.match(file.text, /# the Amp upstream/);
    const res = await fetch(`${h.proxy.url}/api/user`, { headers: auth() });
    assert.equal(res.status, 200);
    assert.equal(other.requests.at(-1)?.path, "/api/user");
    assert.equal(h.amp.requests.length, 0);

    await ok("PATCH", "ampcode/upstream-url", { value: h.amp.url });
    assert.equal(h.proxy.runtime.config.ampcode["upstream-url"], h.amp.url);

    await bad("PUT", "ampcode/upstream-url", { value: "ftp://example.com" }, /http:\/\/ or https:\/\//);
    await bad("PUT", "ampcode/upstream-url", { value: 42 }, /expected a text value/);
    await bad("PUT", "ampcode/upstream-url", { url: h.amp.url }, /value/);
    await bad("PUT", "ampcode/upstream-url", "{not json", /not valid JSON/);
    await bad("PUT", "ampcode/upstream-url", "", /empty/);

    await ok("DELETE", "ampcode/upstream-url");
    assert.equal((await fileConfig()).ampcode["upstream-url"], "");
    assert.equal((await fetch(`${h.proxy.url}/api/user`, { headers: auth() })).status, 503);
    await ok("PUT", "ampcode/upstream-url", { value: h.amp.url });
  });

  it("upstream-api-key: PUT is used for the next forward; DELETE clears it", async () => {
    assert.deepEqual((await call("GET", "ampcode/upstream-api-key")).body, { "upstream-api-key": AMP_KEY });
    await ok("PUT", "ampcode/upstream-api-key", { value: " new-amp-key " });
    assert.deepEqual((await call("GET", "ampcode/upstream-api-key")).body, {
      "upstream-api-key": "new-amp-key",
    });
    await fetch(`${h.proxy.url}/api/user`, { headers: auth() });
    assert.equal(h.amp.requests[0].headers["x-api-key"], "new-amp-key");
    await bad("PATCH", "ampcode/upstream-api-key", { value: ["x"] }, /expected a text value/);
    await ok("DELETE", "ampcode/upstream-api-key");
    assert.equal((await fileConfig()).ampcode["upstream-api-key"], "");
    await ok("PATCH", "ampcode/upstream-api-key", { value: AMP_KEY });
  });

  it("restrict-management-to-localhost and force-model-mappings take booleans", async () => {
    for (const name of ["restrict-management-to-localhost", "force-model-mappings"]) {
      assert.deepEqual((await call("GET", `ampcode/${name}`)).body, { [name]: false });
      await ok("PUT", `ampcode/${name}`, { value: true });
      assert.deepEqual((await call("GET", `ampcode/${name}`)).body, { [name]: true });
      assert.equal((await fileConfig()).ampcode[name as "force-model-mappings"], true);
      await bad("PUT", `ampcode/${name}`, { value: "yes" }, /expected true or false/);
      await ok("PATCH", `ampcode/${name}`, { value: false });
      assert.equal((await call("DELETE", `ampcode/${name}`)).status, 404);
    }
  });

  it("model-mappings: PUT replaces, PATCH upserts by from, DELETE removes by from or all", async () => {
    assert.deepEqual((await call("GET", "ampcode/model-mappings")).body, {
      "model-mappings": [{ from: "a", to: "b" }],
    });
    await ok("PUT", "ampcode/model-mappings", {
      value: [
        { from: " amp-model ", to: "echo-model" },
        { from: "^gpt-9.*", to: "tool-model", regex: true },
      ],
    });
    assert.deepEqual((await call("GET", "ampcode/model-mappings")).body["model-mappings"], [
      { from: "amp-model", to: "echo-model" },
      { from: "^gpt-9.*", to: "tool-model", regex: true },
    ]);
    // The mapping is live: amp-model is served by echo-model's provider.
    h.upstream.reset();
    const res = await fetch(`${h.proxy.url}/api/provider/openai/v1/chat/completions`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ model: "amp-model", messages: [{ role: "user", content: "m" }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(h.upstream.requests[0].body.model, "fake-echo");

    await ok("PATCH", "ampcode/model-mappings", {
      value: [
        { from: "amp-model", to: "tool-model" },
        { from: "new-one", to: "echo-model" },
      ],
    });
    assert.deepEqual((await call("GET", "ampcode/model-mappings")).body["model-mappings"], [
      { from: "amp-model", to: "tool-model" },
      { from: "^gpt-9.*", to: "tool-model", regex: true },
      { from: "new-one", to: "echo-model" },
    ]);

    await ok("DELETE", "ampcode/model-mappings", { value: ["^gpt-9.*", "not-there"] });
    assert.deepEqual(
      (await fileConfig()).ampcode["model-mappings"].map((m) => m.from),
      ["amp-model", "new-one"],
    );

    await bad("PUT", "ampcode/model-mappings", { value: [{ from: "x" }] }, /to: is required/);
    await bad("PUT", "ampcode/model-mappings", { value: [{ from: "", to: "y" }] }, /from: must not be empty/);
    await bad(
      "PATCH",
      "ampcode/model-mappings",
      { value: [{ from: "(", to: "y", regex: true }] },
      /from:.*regular expression/i,
    );
    await bad("PUT", "ampcode/model-mappings", { value: { from: "x", to: "y" } }, /expected a list/);
    await bad("DELETE", "ampcode/model-mappings", "{oops", /not valid JSON/);
    assert.equal((await fileConfig()).ampcode["model-mappings"].length, 2);

    await ok("DELETE", "ampcode/model-mappings");
    assert.deepEqual((await call("GET", "ampcode/model-mappings")).body, { "model-mappings": [] });
    assert.match((await fileConfig()).text, /# the Amp upstream/);
  });

  it("upstream-api-keys: PUT normalises, PATCH upserts by key, DELETE by key, [] clears, bad input refused", async () => {
    assert.deepEqual((await call("GET", "ampcode/upstream-api-keys")).body, { "upstream-api-keys": [] });
    await ok("PUT", "ampcode/upstream-api-keys", {
      value: [{ "upstream-api-key": "  u1  ", "api-keys": ["  k1  ", "", "k2"] }],
    });
    assert.deepEqual((await call("GET", "ampcode/upstream-api-keys")).body, {
      "upstream-api-keys": [{ "upstream-api-key": "u1", "api-keys": ["k1", "k2"] }],
    });
    assert.deepEqual((await call("GET", "ampcode")).body.ampcode["upstream-api-keys"], [
      { "upstream-api-key": "u1", "api-keys": ["k1", "k2"] },
    ]);

    await ok("PATCH", "ampcode/upstream-api-keys", {
      value: [
        { "upstream-api-key": "u1", "api-keys": [CLIENT_KEY] },
        { "upstream-api-key": "u2", "api-keys": ["k9"] },
      ],
    });
    assert.deepEqual((await fileConfig()).ampcode["upstream-api-keys"], [
      { "upstream-api-key": "u1", "api-keys": [CLIENT_KEY] },
      { "upstream-api-key": "u2", "api-keys": ["k9"] },
    ]);
    // Live: this client now reaches the Amp upstream with u1.
    await fetch(`${h.proxy.url}/api/user`, { headers: auth() });
    assert.equal(h.amp.requests[0].headers.authorization, "Bearer u1");

    await bad("DELETE", "ampcode/upstream-api-keys", "", /empty/);
    await bad("DELETE", "ampcode/upstream-api-keys", { values: ["u1"] }, /value/);
    await bad("DELETE", "ampcode/upstream-api-keys", { value: [" "] }, /only empty keys/);
    await bad(
      "PUT",
      "ampcode/upstream-api-keys",
      { value: [{ "api-keys": ["k"] }] },
      /upstream-api-key: is required/,
    );
    await ok("DELETE", "ampcode/upstream-api-keys", { value: ["u2"] });
    assert.deepEqual(
      (await call("GET", "ampcode/upstream-api-keys")).body["upstream-api-keys"].map(
        (e: any) => e["upstream-api-key"],
      ),
      ["u1"],
    );
    await ok("DELETE", "ampcode/upstream-api-keys", { value: [] });
    assert.deepEqual((await fileConfig()).ampcode["upstream-api-keys"], []);
  });
});
