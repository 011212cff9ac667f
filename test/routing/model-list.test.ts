import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { baseConfig, claudeKey, get } from "./helpers/client.ts";

describe("model listings through HTTP", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness(
      (url, dir) =>
        baseConfig(dir) +
        "claude-api-key:\n" +
        claudeKey(url, "claude-live", { models: [["fake-echo", "listed-claude"]] }) +
        claudeKey(url, "claude-zero", { models: [["fake-echo", "zero-weight-model"]], extra: "weight: 0" }) +
        `openai-compatibility:
  - name: "off"
    disabled: true
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "off-key"
    models:
      - name: "fake-echo"
        alias: "disabled-model"
  - name: "on"
    base-url: "${url}/v1"
    api-key-entries:
      - api-key: "on-key"
    models:
      - name: "fake-echo"
        alias: "listed-compat"
        display-name: "Listed Compat"
`,
    );
  });
  after(() => h?.close());

  const ids = (list: Array<{ id: string }>) => list.map((m) => m.id).sort();

  it("OpenAI shape by default, only models with a usable credential", async () => {
    const body = (await get(h.proxy.url, "/v1/models")).json();
    assert.equal(body.object, "list");
    assert.deepEqual(ids(body.data), ["listed-claude", "listed-compat"]);
    const compat = body.data.find((m: { id: string }) => m.id === "listed-compat");
    assert.equal(compat.object, "model");
    assert.equal(compat.owned_by, "on");
  });

  for (const [label, headers] of [
    ["an anthropic-version header", { "anthropic-version": "2023-06-01" }],
    ["a claude-cli User-Agent", { "user-agent": "claude-cli/2.0.14 (external, cli)" }],
  ] as const) {
    it(`Anthropic shape for ${label}`, async () => {
      const body = (await get(h.proxy.url, "/v1/models", headers)).json();
      assert.equal(body.object, undefined);
      assert.equal(body.has_more, false);
      assert.deepEqual(ids(body.data), ["listed-claude", "listed-compat"]);
      for (const m of body.data) {
        assert.equal(m.type, "model");
        assert.ok(!Number.isNaN(Date.parse(m.created_at)));
      }
      assert.equal(body.first_id, body.data[0].id);
      assert.equal(body.last_id, body.data.at(-1).id);
      assert.equal(
        body.data.find((m: { id: string }) => m.id === "listed-compat").display_name,
        "Listed Compat",
      );
    });
  }

  it("Gemini and Ollama listings leave out the same models", async () => {
    const gemini = (await get(h.proxy.url, "/v1beta/models")).json();
    assert.deepEqual(gemini.models.map((m: { name: string }) => m.name).sort(), [
      "models/listed-claude",
      "models/listed-compat",
    ]);
    assert.equal((await get(h.proxy.url, "/v1beta/models/zero-weight-model")).status, 404);
    const tags = (await get(h.proxy.url, "/api/tags")).json();
    const names = tags.models.map((m: { name: string }) => m.name).join(" ");
    assert.doesNotMatch(names, /zero-weight-model|disabled-model/);
  });
});
