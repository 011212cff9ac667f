import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, openaiCompatConfig, startHarness, waitFor } from "./helpers/harness.ts";

describe("config hot reload", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((url, dir) => openaiCompatConfig(url, dir));
  });
  after(() => h.close());

  const modelIds = async () => {
    const res = await fetch(`${h.proxy.url}/v1/models`, { headers: { authorization: "Bearer reload-key" } });
    if (res.status !== 200) return [];
    return (((await res.json()) as any).data as Array<{ id: string }>).map((m) => m.id).sort();
  };

  it("applies a valid edit without restart", async () => {
    const base = openaiCompatConfig(h.upstream.url, h.dir);
    const edited = base.replace(
      'alias: "tool-model"\n',
      'alias: "tool-model"\n      - name: "fake-echo"\n        alias: "new-alias"\n',
    );
    assert.notEqual(edited, base);
    await h.writeConfig(edited);
    await waitFor(async () => (await modelIds()).includes("new-alias"));
    const res = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "new-alias", messages: [{ role: "user", content: "reloaded" }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).choices[0].message.content, "echo: reloaded");
  });

  it("turning on api-keys takes effect live", async () => {
    const base = openaiCompatConfig(h.upstream.url, h.dir, 'api-keys: ["reload-key"]');
    await h.writeConfig(base);
    await waitFor(async () => (await fetch(`${h.proxy.url}/v1/models`)).status === 401);
    assert.deepEqual(await modelIds(), ["echo-model", "tool-model"]);
  });

  it("keeps the running config when an edit is invalid", async () => {
    await h.writeConfig("port: [not, a, number]\nopenai-compatibility: 12\n");
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await modelIds(), ["echo-model", "tool-model"]);
    assert.equal((await fetch(`${h.proxy.url}/v1/models`)).status, 401);
  });

  it("an emptied file (a non-atomic save caught mid-write) keeps the running config", async () => {
    await h.writeConfig("");
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await modelIds(), ["echo-model", "tool-model"]);
    assert.equal((await fetch(`${h.proxy.url}/v1/models`)).status, 401);
    // The content that follows is still applied (the empty read did not mark it as seen).
    await h.writeConfig(openaiCompatConfig(h.upstream.url, h.dir));
    await waitFor(async () => (await fetch(`${h.proxy.url}/v1/models`)).status === 200);
  });
});
