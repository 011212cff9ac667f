/** The `ampcode` section applies on reload: upstream, key, mappings, force-model-mappings. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AMP_KEY, type AmpHarness, ampSection, auth, startAmp, waitFor } from "./helpers.ts";

describe("amp: hot reload of the ampcode section", () => {
  let h: AmpHarness;

  before(async () => {
    h = await startAmp(() => "");
  });
  after(() => h.close());

  const chat = (model: string) =>
    fetch(`${h.proxy.url}/api/provider/openai/v1/chat/completions`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "reload" }] }),
    });
  const user = () => fetch(`${h.proxy.url}/api/user`, { headers: auth() });
  const reload = async (section: string, until: () => Promise<boolean>) => {
    await h.writeConfig(h.configWith(section));
    await waitFor(until);
  };

  it("without an upstream: unknown models are not found and the control plane is unavailable", async () => {
    const res = await chat("unknown-model");
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as any).error.code, "model_not_found");
    const u = await user();
    assert.equal(u.status, 503);
    assert.deepEqual(await u.json(), { error: "amp upstream proxy not available" });
    assert.equal(h.amp.requests.length, 0);
  });

  it("an added upstream-url takes effect without a restart", async () => {
    await reload(ampSection(h.amp.url), async () => (await user()).status === 200);
    h.amp.reset();
    const res = await chat("unknown-model");
    assert.equal(res.status, 200);
    assert.equal(h.amp.requests[0].path, "/api/provider/openai/v1/chat/completions");
    assert.equal(h.amp.requests[0].headers["x-api-key"], AMP_KEY);
  });

  it("a changed upstream-api-key is used for the next request", async () => {
    await reload(ampSection(h.amp.url).replace(AMP_KEY, "rotated-amp-key"), async () => {
      h.amp.reset();
      await user();
      return h.amp.requests[0]?.headers["x-api-key"] === "rotated-amp-key";
    });
  });

  it("mappings apply on reload; force-model-mappings makes them win over a local model", async () => {
    const mapping = `  model-mappings:\n    - from: "echo-model"\n      to: "tool-model"\n    - from: "unknown-model"\n      to: "echo-model"\n`;
    await reload(ampSection(h.amp.url, mapping), async () => {
      h.amp.reset();
      h.upstream.reset();
      await chat("unknown-model");
      return h.upstream.requests[0]?.body?.model === "fake-echo";
    });
    // Not forced: echo-model is served locally, so its own mapping is not used.
    h.upstream.reset();
    await chat("echo-model");
    assert.equal(h.upstream.requests[0].body.model, "fake-echo");

    await reload(ampSection(h.amp.url, `${mapping}  force-model-mappings: true\n`), async () => {
      h.upstream.reset();
      await chat("echo-model");
      return h.upstream.requests[0]?.body?.model === "fake-tool-call";
    });
    const res = await chat("echo-model");
    assert.equal(((await res.json()) as any).model, "echo-model");
    assert.equal(h.amp.requests.length, 0);
  });

  it("an unreachable upstream answers 502 in the original's shape", async () => {
    await reload(`  upstream-url: "http://127.0.0.1:9"\n`, async () => (await user()).status === 502);
    assert.deepEqual(await (await user()).json(), {
      error: "amp_upstream_proxy_error",
      message: "Failed to reach Amp upstream",
    });
  });

  it("removing the section turns the upstream off again", async () => {
    await reload("", async () => (await user()).status === 503);
    assert.equal((await chat("unknown-model")).status, 404);
  });
});
