import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { call, type Harness, managedConfig, startManaged, waitFor } from "./helpers.ts";

// List and map settings: api-keys, the *-api-key families, openai-compatibility, OAuth maps.

describe("management lists", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged(`gemini-api-key:
  # primary key
  - api-key: "g-1" # keep me
    priority: 1
  - api-key: "g-2"
    base-url: "https://a.example"
  - api-key: "g-2"
    base-url: "https://b.example"
`);
  });
  after(() => h.close());

  const file = async () => parse(await readFile(h.configPath, "utf8"));
  const models = (key: string) =>
    fetch(`${h.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

  describe("api-keys", () => {
    it("PUT replaces the list (plain list or {items}) and applies it to client access at once", async () => {
      assert.equal((await models("client-key-1")).toString(), "200");
      assert.equal((await call(h, "PUT", "api-keys", ["new-1", "new-2", "new-1"])).status, 200);
      assert.deepEqual((await call(h, "GET", "api-keys")).body, { "api-keys": ["new-1", "new-2"] });
      assert.equal(await models("client-key-1"), 401);
      assert.equal(await models("new-2"), 200);
      assert.equal((await call(h, "PUT", "api-keys", { items: ["a", "b"] })).status, 200);
      assert.deepEqual((await file())["api-keys"], ["a", "b"]);
    });

    it("PATCH by index or old/new (appending when old is absent)", async () => {
      assert.equal((await call(h, "PATCH", "api-keys", { index: 1, value: "b2" })).status, 200);
      assert.equal((await call(h, "PATCH", "api-keys", { old: "a", new: "a2" })).status, 200);
      assert.equal((await call(h, "PATCH", "api-keys", { old: "zzz", new: "c" })).status, 200);
      assert.deepEqual((await call(h, "GET", "api-keys")).body["api-keys"], ["a2", "b2", "c"]);
      assert.equal((await call(h, "PATCH", "api-keys", { index: 9, value: "x" })).status, 404);
      const bad = await call(h, "PATCH", "api-keys", { index: 0 });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /expected \{"index": n, "value": "\.\.\."\}/);
      assert.equal((await call(h, "PATCH", "api-keys", { index: 0, value: "  " })).status, 400);
    });

    it("DELETE by index or value", async () => {
      assert.equal((await call(h, "DELETE", "api-keys?value=b2")).status, 200);
      assert.equal((await call(h, "DELETE", "api-keys?index=0")).status, 200);
      assert.deepEqual((await file())["api-keys"], ["c"]);
      assert.equal((await call(h, "DELETE", "api-keys?value=nope")).status, 404);
      assert.equal((await call(h, "DELETE", "api-keys")).status, 400);
      assert.equal((await call(h, "DELETE", "api-keys?index=-1")).status, 400);
    });

    it("PUT refuses non-text and empty keys without touching the file", async () => {
      const before = await readFile(h.configPath, "utf8");
      const r = await call(h, "PUT", "api-keys", ["ok", 5, ""]);
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.problems, [
        "body[1]: expected a text value, got 5",
        'body[2]: must not be empty, got ""',
      ]);
      assert.equal(await readFile(h.configPath, "utf8"), before);
    });
  });

  describe("gemini-api-key", () => {
    it("GET lists the running entries", async () => {
      const list = (await call(h, "GET", "gemini-api-key")).body["gemini-api-key"];
      assert.deepEqual(
        list.map((e: any) => [e["api-key"], e["base-url"], e.priority]),
        [
          ["g-1", "", 1],
          ["g-2", "https://a.example", 0],
          ["g-2", "https://b.example", 0],
        ],
      );
    });

    it("PATCH by match needs base-url when a key is used twice; only the target item changes", async () => {
      const twice = await call(h, "PATCH", "gemini-api-key", { match: "g-2", value: { prefix: "x" } });
      assert.equal(twice.status, 400);
      assert.match(twice.body.error, /multiple items match/);
      const r = await fetch(`${h.proxy.url}/v0/management/gemini-api-key?base-url=https://b.example`, {
        method: "PATCH",
        headers: { authorization: "Bearer correct-horse-battery" },
        body: JSON.stringify({
          match: "g-2",
          value: { prefix: "team-b", weight: 5, "excluded-models": ["A*"] },
        }),
      });
      assert.equal(r.status, 200);
      const text = await readFile(h.configPath, "utf8");
      assert.match(
        text,
        /# primary key\n {2}- api-key: "g-1" # keep me\n/,
        "other items keep their comments",
      );
      const entry = (await call(h, "GET", "gemini-api-key")).body["gemini-api-key"][2];
      assert.equal(entry.prefix, "team-b");
      assert.equal(entry.weight, 5);
      assert.deepEqual(entry["excluded-models"], ["a*"]);
    });

    it("PATCH by index; a null field is reset; bad values are refused with their path", async () => {
      assert.equal(
        (await call(h, "PATCH", "gemini-api-key", { index: 2, value: { weight: null } })).status,
        200,
      );
      assert.equal((await file())["gemini-api-key"][2].weight, undefined);
      const cases: Array<[unknown, RegExp]> = [
        [{ index: 0, value: { priority: "high" } }, /value\.priority: expected an integer, got "high"/],
        [{ index: 0, value: { "api-key": "" } }, /value\.api-key: must not be empty/],
        [{ index: 0, value: { colour: "red" } }, /unknown field\(s\) colour/],
        [{ index: 0, value: { weight: 2_000_000 } }, /value\.weight: expected an integer <= 1000000/],
        [{ index: 0 }, /body\.value: is required/],
      ];
      for (const [body, message] of cases) {
        const r = await call(h, "PATCH", "gemini-api-key", body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.body.error, message);
      }
      assert.equal(
        (await call(h, "PATCH", "gemini-api-key", { index: 7, value: { priority: 1 } })).status,
        404,
      );
      assert.equal(
        (await call(h, "PATCH", "gemini-api-key", { match: "none", value: { priority: 1 } })).status,
        404,
      );
    });

    it("DELETE by api-key (+base-url) or index", async () => {
      assert.equal((await call(h, "DELETE", "gemini-api-key?api-key=g-2")).status, 400);
      assert.equal(
        (await call(h, "DELETE", "gemini-api-key?api-key=g-2&base-url=https://a.example")).status,
        200,
      );
      assert.equal((await call(h, "DELETE", "gemini-api-key?api-key=nope")).status, 404);
      assert.equal((await call(h, "DELETE", "gemini-api-key?index=1")).status, 200);
      assert.deepEqual(
        (await file())["gemini-api-key"].map((e: any) => e["api-key"]),
        ["g-1"],
      );
      assert.equal((await call(h, "DELETE", "gemini-api-key")).status, 400);
    });
  });

  for (const family of [
    "claude-api-key",
    "codex-api-key",
    "vertex-api-key",
    "xai-api-key",
    "interactions-api-key",
  ]) {
    it(`${family}: PUT, GET, PATCH, DELETE round trip`, async () => {
      const put = await call(h, "PUT", family, {
        items: [
          { "api-key": `${family}-1`, models: [{ name: "m-up", alias: "m-alias" }] },
          { "api-key": "k2" },
        ],
      });
      assert.equal(put.status, 200, put.text);
      const listed = (await call(h, "GET", family)).body[family];
      assert.equal(listed.length, 2);
      assert.deepEqual(listed[0].models[0].alias, "m-alias");
      assert.deepEqual((await file())[family][0], {
        "api-key": `${family}-1`,
        models: [{ name: "m-up", alias: "m-alias" }],
      });
      assert.equal((await call(h, "PATCH", family, { match: "k2", value: { priority: 3 } })).status, 200);
      assert.equal((await call(h, "GET", family)).body[family][1].priority, 3);
      assert.equal((await call(h, "DELETE", `${family}?api-key=k2`)).status, 200);
      assert.equal((await call(h, "GET", family)).body[family].length, 1);
      const bad = await call(h, "PUT", family, [{ "api-key": "x", priority: "p" }]);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /body\[0\]\.priority: expected an integer/);
    });
  }

  describe("openai-compatibility", () => {
    it("PUT adds a provider whose models are served at once", async () => {
      const r = await call(h, "PUT", "openai-compatibility", [
        {
          name: "fake",
          "base-url": `${h.upstream.url}/v1`,
          "api-key-entries": [{ "api-key": "up-1" }],
          models: [{ name: "fake-echo", alias: "mgmt-model" }],
        },
      ]);
      assert.equal(r.status, 200, r.text);
      await call(h, "PUT", "api-keys", ["client"]);
      const res = await fetch(`${h.proxy.url}/v1/models`, { headers: { authorization: "Bearer client" } });
      const ids = ((await res.json()) as any).data.map((m: any) => m.id);
      assert.ok(ids.includes("mgmt-model"), JSON.stringify(ids));
    });

    it("PATCH by name; new key entries replace a legacy api-keys list", async () => {
      const text = await readFile(h.configPath, "utf8");
      await writeFile(
        h.configPath,
        text.replace(/- api-key: up-1\n/, "- api-key: up-1\n    api-keys: [legacy]\n"),
      );
      await waitFor(async () => {
        const p = (await call(h, "GET", "openai-compatibility")).body["openai-compatibility"][0];
        return p["api-key-entries"].length === 2;
      });
      const r = await call(h, "PATCH", "openai-compatibility", {
        name: "fake",
        value: { "api-key-entries": [{ "api-key": "up-2", weight: 2 }], prefix: "pre" },
      });
      assert.equal(r.status, 200, r.text);
      const p = (await call(h, "GET", "openai-compatibility")).body["openai-compatibility"][0];
      assert.deepEqual(
        p["api-key-entries"].map((e: any) => e["api-key"]),
        ["up-2"],
      );
      assert.equal(p.prefix, "pre");
      assert.equal((await file())["openai-compatibility"][0]["api-keys"], undefined);
    });

    it("refuses a provider without name or base-url, and unknown names", async () => {
      const r = await call(h, "PUT", "openai-compatibility", [{ name: "x" }]);
      assert.equal(r.status, 400);
      assert.match(r.body.error, /body\[0\]\.base-url: must not be empty/);
      const blank = await call(h, "PATCH", "openai-compatibility", {
        name: "fake",
        value: { "base-url": "" },
      });
      assert.equal(blank.status, 400);
      assert.equal((await call(h, "PATCH", "openai-compatibility", { name: "nope", value: {} })).status, 404);
    });

    it("DELETE by name or index", async () => {
      assert.equal((await call(h, "DELETE", "openai-compatibility?name=nope")).status, 404);
      assert.equal((await call(h, "DELETE", "openai-compatibility?name=fake")).status, 200);
      assert.deepEqual((await call(h, "GET", "openai-compatibility")).body, { "openai-compatibility": [] });
      assert.equal((await call(h, "DELETE", "openai-compatibility")).status, 400);
    });
  });

  describe("OAuth channel maps", () => {
    it("oauth-excluded-models: PUT, PATCH, DELETE by provider", async () => {
      assert.equal(
        (await call(h, "PUT", "oauth-excluded-models", { "Gemini-CLI": ["Gemini-2.5-*"] })).status,
        200,
      );
      assert.deepEqual((await call(h, "GET", "oauth-excluded-models")).body, {
        "oauth-excluded-models": { "gemini-cli": ["gemini-2.5-*"] },
      });
      assert.equal(
        (await call(h, "PATCH", "oauth-excluded-models", { provider: "codex", models: ["gpt-x"] })).status,
        200,
      );
      assert.deepEqual(Object.keys((await file())["oauth-excluded-models"]).sort(), ["codex", "gemini-cli"]);
      assert.equal(
        (await call(h, "PATCH", "oauth-excluded-models", { provider: "codex", models: [] })).status,
        200,
      );
      assert.equal(
        (await call(h, "PATCH", "oauth-excluded-models", { provider: "codex", models: [] })).status,
        404,
      );
      assert.equal((await call(h, "DELETE", "oauth-excluded-models?provider=gemini-cli")).status, 200);
      assert.deepEqual((await call(h, "GET", "oauth-excluded-models")).body["oauth-excluded-models"], {});
      assert.equal((await call(h, "DELETE", "oauth-excluded-models")).status, 400);
      assert.equal(
        (await call(h, "PATCH", "oauth-excluded-models", { provider: "", models: ["a"] })).status,
        400,
      );
      assert.equal((await call(h, "PUT", "oauth-excluded-models", { x: "not-a-list" })).status, 400);
    });

    it("oauth-model-alias: PATCH by channel or provider, replacing other spellings; invalid aliases refused", async () => {
      await call(h, "PUT", "oauth-model-alias", {
        items: { "Claude ": [{ name: "claude-x", alias: "cx" }] },
      });
      assert.deepEqual((await call(h, "GET", "oauth-model-alias")).body["oauth-model-alias"], {
        claude: [{ name: "claude-x", alias: "cx", fork: false, "display-name": "", "force-mapping": false }],
      });
      assert.equal(
        (
          await call(h, "PATCH", "oauth-model-alias", {
            provider: "CLAUDE",
            aliases: [{ name: "a", alias: "b", fork: true }],
          })
        ).status,
        200,
      );
      assert.deepEqual((await file())["oauth-model-alias"], {
        claude: [{ name: "a", alias: "b", fork: true }],
      });
      const dup = await call(h, "PATCH", "oauth-model-alias", {
        channel: "claude",
        aliases: [
          { name: "a", alias: "same" },
          { name: "b", alias: "same" },
        ],
      });
      assert.equal(dup.status, 400);
      assert.match(dup.body.error, /aliases\[1\]: alias "same" is already defined/);
      assert.equal((await call(h, "DELETE", "oauth-model-alias?channel=claude")).status, 200);
      assert.equal((await call(h, "DELETE", "oauth-model-alias?channel=claude")).status, 404);
    });
  });
});

describe("management lists when the file holds entries the loader dropped", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged(`claude-api-key:
  - api-key: "c-1"
  - api-key: ""
  - api-key: "c-2"
`);
  });
  after(() => h.close());

  it("indices follow GET (the running list), and the list is rewritten without the dropped entry", async () => {
    assert.deepEqual(
      (await call(h, "GET", "claude-api-key")).body["claude-api-key"].map((e: any) => e["api-key"]),
      ["c-1", "c-2"],
    );
    assert.equal(
      (await call(h, "PATCH", "claude-api-key", { index: 1, value: { priority: 9 } })).status,
      200,
    );
    const text = await readFile(h.configPath, "utf8");
    assert.deepEqual(parse(text)["claude-api-key"], [
      { "api-key": "c-1" },
      { "api-key": "c-2", priority: 9 },
    ]);
    assert.ok(text.includes(managedConfig("").split("\n")[0]), "comments elsewhere are kept");
  });
});
