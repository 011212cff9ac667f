import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { baseConfig, chat, claudeKey, countBy, get, keysUsed, messages } from "./helpers/client.ts";

const OPUS = "claude-opus-4-5-20251101";
const SONNET = "claude-sonnet-4-5-20250929";
const HAIKU = "claude-haiku-4-5-20251001";
const SONNET_37 = "claude-3-7-sonnet-20250219";

/** Two Claude keys on the built-in catalog (one prefixed), and an OpenAI-compatible provider. */
function config(url: string, dir: string, forcePrefix: boolean): string {
  return (
    baseConfig(dir, `force-model-prefix: ${forcePrefix}`) +
    "claude-api-key:\n" +
    claudeKey(url, "plain", { extra: 'excluded-models: ["claude-opus-*", "CLAUDE-3-*"]' }) +
    claudeKey(url, "teamkey", { extra: 'prefix: "team"\nexcluded-models: ["*haiku*"]' }) +
    `openai-compatibility:
  - name: "fakeco"
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "co-key"
    models:
      - name: "fake-echo"
        alias: "co-echo"
`
  );
}

/** Upstream key and model of one request. */
async function route(h: Harness, model: string, via: "anthropic" | "openai" = "anthropic") {
  h.upstream.reset();
  const r = via === "anthropic" ? await messages(h.proxy.url, model) : await chat(h.proxy.url, model);
  const sent = h.upstream.requests.at(-1);
  return { status: r.status, key: sent?.auth, model: sent?.body?.model, calls: h.upstream.requests.length };
}

describe("model resolution through HTTP", () => {
  let open: Harness;
  let forced: Harness;

  before(async () => {
    [open, forced] = await Promise.all([
      startHarness((url, dir) => config(url, dir, false)),
      startHarness((url, dir) => config(url, dir, true)),
    ]);
  });
  after(() => Promise.all([open, forced].map((h) => h?.close())));

  it("excluded-models with * wildcards (case-insensitive) hide catalog models per key", async () => {
    assert.deepEqual(await route(open, OPUS), { status: 200, key: "teamkey", model: OPUS, calls: 1 });
    assert.deepEqual(await route(open, SONNET_37), {
      status: 200,
      key: "teamkey",
      model: SONNET_37,
      calls: 1,
    });
    assert.deepEqual(await route(open, HAIKU), { status: 200, key: "plain", model: HAIKU, calls: 1 });
  });

  it("both keys serve what neither excludes", async () => {
    open.upstream.reset();
    for (let i = 0; i < 4; i++) assert.equal((await messages(open.proxy.url, SONNET)).status, 200);
    assert.deepEqual(countBy(keysUsed(open.upstream)), { plain: 2, teamkey: 2 });
  });

  it("prefix/model reaches only the prefixed key, with the bare name upstream", async () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await route(open, `team/${SONNET}`), {
        status: 200,
        key: "teamkey",
        model: SONNET,
        calls: 1,
      });
    }
    const excluded = await route(open, `team/${HAIKU}`);
    assert.equal(excluded.status, 404);
    assert.equal(excluded.calls, 0);
  });

  it("force-model-prefix: bare names only use keys without a prefix", async () => {
    forced.upstream.reset();
    for (let i = 0; i < 4; i++) assert.equal((await messages(forced.proxy.url, SONNET)).status, 200);
    assert.deepEqual(countBy(keysUsed(forced.upstream)), { plain: 4 });
    // Opus is excluded for the plain key, and the prefixed key no longer serves bare names.
    assert.equal((await route(forced, OPUS)).status, 404);
    assert.deepEqual(await route(forced, `team/${OPUS}`), {
      status: 200,
      key: "teamkey",
      model: OPUS,
      calls: 1,
    });
  });

  it("provider://model forces the provider, passes unknown names through and maps aliases", async () => {
    assert.deepEqual(await route(open, "fakeco://any-model-at-all", "openai"), {
      status: 200,
      key: "co-key",
      model: "any-model-at-all",
      calls: 1,
    });
    assert.deepEqual(await route(open, "fakeco://co-echo", "openai"), {
      status: 200,
      key: "co-key",
      model: "fake-echo",
      calls: 1,
    });
    // `anthropic://` is an alias of the claude provider; excluded-models still apply.
    assert.deepEqual(await route(open, `anthropic://${OPUS}`), {
      status: 200,
      key: "teamkey",
      model: OPUS,
      calls: 1,
    });
    assert.equal((await route(open, "gemini://gemini-2.5-pro")).status, 404);
  });

  it("a thinking suffix works on every form of name, and a meaningless one is a 400", async () => {
    assert.deepEqual(await route(open, `team/${SONNET}(high)`), {
      status: 200,
      key: "teamkey",
      model: SONNET,
      calls: 1,
    });
    assert.deepEqual(await route(open, "fakeco://co-echo(8192)", "openai"), {
      status: 200,
      key: "co-key",
      model: "fake-echo",
      calls: 1,
    });
    const bad = await route(open, `${SONNET}(loads)`);
    assert.equal(bad.status, 400);
    assert.equal(bad.calls, 0);
  });

  it("model lists follow exclusions and prefixes", async () => {
    const ids = (await get(open.proxy.url, "/v1/models"))
      .json()
      .data.map((m: { id: string }) => m.id) as string[];
    assert.ok(
      ids.includes(`team/${SONNET}`) && ids.includes(SONNET) && ids.includes(OPUS) && ids.includes("co-echo"),
    );
    assert.ok(!ids.includes(`team/${HAIKU}`));
    assert.ok(ids.includes(`team/${SONNET_37}`), "claude-3-* is excluded only on the plain key");
    const forcedIds = (await get(forced.proxy.url, "/v1/models"))
      .json()
      .data.map((m: { id: string }) => m.id);
    assert.ok(forcedIds.includes(`team/${OPUS}`));
    assert.ok(!forcedIds.includes(OPUS), "opus is only served with the prefix");
  });
});
