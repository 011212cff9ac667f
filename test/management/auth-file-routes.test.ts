import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { catalogs } from "../../src/providers/catalog.ts";
import {
  type AuthHarness,
  codexFile,
  lastRequest,
  oauthCredentials,
  SECRET,
  startAuthHarness,
  waitFor,
} from "../auth/helpers.ts";
import { waitForSecretHashed } from "../helpers/harness.ts";

// GET /auth-files/models and PATCH /auth-files/fields through the real server: what a
// credential serves, and per-file settings that routing picks up from the rewritten file.

const FILE = "codex-a@example.com-plus.json";
const ACCESS = "codex-access-token-do-not-leak";
const CONFIG_KEY = "sk-ant-config-key-do-not-leak-0001";
const CODEX_MODELS = (catalogs.codex ?? []).map((m) => m.id);

async function api(h: AuthHarness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.proxy.url}/v0/management/${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(!text.includes(ACCESS) && !text.includes(CONFIG_KEY), `a secret leaked: ${text}`);
  return { status: res.status, body: JSON.parse(text), text };
}

function codexResponses(h: AuthHarness, model: string): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, input: "hi", stream: true }),
  });
}

describe("management auth-files/models and auth-files/fields", () => {
  let h: AuthHarness;
  const fileOnDisk = async () => JSON.parse(await readFile(join(h.authDir, FILE), "utf8"));
  const cred = () => oauthCredentials(h).get(FILE);

  before(async () => {
    h = await startAuthHarness(
      {
        [FILE]: codexFile({ access: ACCESS, email: "a@example.com", extra: { note: "first" } }),
        "mystery.json": { type: "not-a-kind-we-serve", token: "x" },
      },
      `claude-api-key:\n  - api-key: "${CONFIG_KEY}"\n    base-url: "http://127.0.0.1:9"\n`,
    );
    await waitForSecretHashed(h.configPath);
    await waitFor(() => cred() !== undefined);
  });
  after(() => h.close());

  it("lists the models an auth file serves, in the original's shape", async () => {
    const r = await api(h, "GET", `auth-files/models?name=${encodeURIComponent(FILE)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.models.map((m: any) => m.id),
      CODEX_MODELS,
    );
    assert.deepEqual(r.body.models[0], {
      id: CODEX_MODELS[0],
      display_name: catalogs.codex![0].displayName,
      type: "openai",
      owned_by: "openai",
    });
  });

  it("names a config API key by its credential id; its models are the provider catalog", async () => {
    const id = h.proxy.runtime.registry.credentials.find((c) => c.provider === "claude")!.id;
    const r = await api(h, "GET", `auth-files/models?name=${encodeURIComponent(id)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.models.map((m: any) => m.id),
      (catalogs.claude ?? []).map((m) => m.id),
    );
    assert.equal(r.body.models[0].owned_by, "anthropic");
  });

  it("answers an empty list for a file that serves nothing, 404 for no such file, 400 without a name", async () => {
    assert.deepEqual((await api(h, "GET", "auth-files/models?name=mystery.json")).body, { models: [] });
    const missing = await api(h, "GET", "auth-files/models?name=nope.json");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, "auth file not found");
    const bare = await api(h, "GET", "auth-files/models");
    assert.equal(bare.status, 400);
    assert.equal(bare.body.error, "name is required");
  });

  it("patches prefix, priority, weight, headers and legacy-named fields; routing follows the file", async () => {
    const r = await api(h, "PATCH", "auth-files/fields", {
      name: FILE,
      prefix: "team",
      priority: 5,
      weight: 3,
      headers: { "X-Team": "blue" },
      "proxy-url": "direct",
      "meta.owner": "ops",
    });
    assert.deepEqual(r, { status: 200, body: { status: "ok" }, text: '{"status":"ok"}' });

    const stored = await fileOnDisk();
    assert.equal(stored.access_token, ACCESS, "other fields are kept");
    assert.equal(stored.note, "first");
    assert.equal(stored.prefix, "team");
    assert.equal(stored.priority, 5);
    assert.equal(stored.weight, 3);
    assert.deepEqual(stored.headers, { "X-Team": "blue" });
    assert.equal(stored.proxy_url, "direct", "stored under the snake_case name");
    assert.equal(stored["proxy-url"], undefined);
    assert.deepEqual(stored.meta, { owner: "ops" });

    await waitFor(() => cred()?.prefix === "team");
    assert.equal(cred()!.priority, 5);
    assert.equal(cred()!.weight, 3);
    const models = (await api(h, "GET", `auth-files/models?name=${encodeURIComponent(FILE)}`)).body.models;
    assert.ok(
      models.some((m: any) => m.id === "team/gpt-5"),
      JSON.stringify(models),
    );

    const res = await codexResponses(h, "team/gpt-5");
    assert.equal(res.status, 200, await res.text());
    const seen = lastRequest(h, "/backend-api/codex/responses");
    assert.equal(seen.headers["x-team"], "blue");
    assert.equal(seen.headers.authorization, `Bearer ${ACCESS}`);
  });

  it("merges headers (a blank value removes one) and removes fields set to null", async () => {
    const r = await api(h, "PATCH", "auth-files/fields", {
      name: FILE,
      headers: { "X-Team": "  ", "X-Other": "1" },
      note: null,
      weight: null,
      "meta.owner": null,
    });
    assert.equal(r.status, 200);
    const stored = await fileOnDisk();
    assert.deepEqual(stored.headers, { "X-Other": "1" });
    assert.equal("note" in stored, false);
    assert.equal("weight" in stored, false);
    assert.deepEqual(stored.meta, {});
    await waitFor(() => cred()?.weight === 1 && cred()?.headers["X-Other"] === "1");
    assert.equal(cred()!.headers["X-Team"], undefined);
  });

  it("accepts a credential id as the name, and disabling a file empties its model list", async () => {
    const id = cred()!.id;
    assert.equal((await api(h, "PATCH", "auth-files/fields", { name: id, disabled: true })).status, 200);
    assert.equal((await fileOnDisk()).disabled, true);
    await waitFor(() => cred() === undefined);
    assert.deepEqual((await api(h, "GET", `auth-files/models?name=${encodeURIComponent(FILE)}`)).body, {
      models: [],
    });
    assert.equal((await api(h, "PATCH", "auth-files/fields", { name: FILE, disabled: false })).status, 200);
    await waitFor(() => cred() !== undefined);
  });

  it("refuses bad input with a clear 400 and leaves the file alone", async () => {
    const before = await readFile(join(h.authDir, FILE), "utf8");
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /not valid JSON/],
      [[1, 2], /expected a JSON object/],
      [{ prefix: "x" }, /^name is required$/],
      [{ name: "  " }, /^name is required$/],
      [{ name: FILE }, /^no fields to update$/],
      [{ name: FILE, weight: 1.5 }, /^weight must be an integer$/],
      [{ name: FILE, weight: "7" }, /^weight must be an integer$/],
      [{ name: FILE, weight: 1_000_001 }, /^weight must not exceed 1000000$/],
      [{ name: FILE, "weight.x": 1 }, /^weight does not support nested fields$/],
      [{ name: FILE, priority: "high" }, /^priority must be an integer$/],
      [{ name: FILE, disabled: "yes" }, /^disabled must be true or false$/],
      [{ name: FILE, headers: ["X-A"] }, /^headers must be an object/],
      [{ name: FILE, headers: { "X-A": 1 } }, /^headers must be an object/],
      [{ name: FILE, excluded_models: [1] }, /^excluded_models must be a list/],
      [{ name: FILE, request_retry: "2" }, /^request_retry must be an integer or null$/],
      [{ name: FILE, "a..b": 1 }, /^invalid field path/],
      [{ name: "../escape.json", note: "x" }, /^invalid name$/],
      [{ name: "plain-name", note: "x" }, /must end with \.json/],
    ];
    for (const [body, message] of cases) {
      const r = await api(h, "PATCH", "auth-files/fields", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, message, JSON.stringify(body));
    }
    assert.equal(await readFile(join(h.authDir, FILE), "utf8"), before);
  });

  it("stores the snake_case spelling when both spellings of a field are given", async () => {
    const r = await api(h, "PATCH", "auth-files/fields", {
      name: FILE,
      "excluded-models": ["gpt-5-mini"],
      excluded_models: ["gpt-5-codex"],
    });
    assert.equal(r.status, 200);
    assert.deepEqual((await fileOnDisk()).excluded_models, ["gpt-5-codex"]);
    await waitFor(async () => {
      const ids = (await api(h, "GET", `auth-files/models?name=${encodeURIComponent(FILE)}`)).body.models.map(
        (m: any) => m.id,
      );
      return !ids.includes("gpt-5-codex") && ids.includes("gpt-5-mini");
    });
  });

  it("404 for a file that does not exist, 409 for a file that is not a JSON object", async () => {
    const missing = await api(h, "PATCH", "auth-files/fields", { name: "ghost.json", note: "x" });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, "auth file not found");
    await writeFile(join(h.authDir, "broken.json"), "{ nope");
    const broken = await api(h, "PATCH", "auth-files/fields", { name: "broken.json", note: "x" });
    assert.equal(broken.status, 409);
    assert.match(broken.body.error, /cannot change broken\.json/);
  });
});
