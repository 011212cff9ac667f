import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startHarness } from "../helpers/harness.ts";
import { call, type Harness, managedConfig } from "./helpers.ts";

// POST /v0/management/api-call: a request on behalf of a credential, its key filled in for $TOKEN$.

describe("management api-call", () => {
  let h: Harness;
  let credentialId: string;
  before(async () => {
    h = await startHarness((url, dir) =>
      managedConfig(
        dir,
        `openai-compatibility:
  - name: up
    base-url: "${url}/v1"
    api-key-entries: [{ api-key: "upstream-secret-for-api-call" }]
    models: [{ name: fake-echo, alias: e }]
`,
      ),
    );
    credentialId = h.proxy.runtime.registry.credentials[0].id;
  });
  after(() => h.close());

  it("calls the URL with the credential's key in place of $TOKEN$ and answers status, headers and body", async () => {
    h.upstream.reset();
    const r = await call(h, "POST", "api-call", {
      auth_index: credentialId,
      method: "get",
      url: `${h.upstream.url}/v1/models`,
      header: { Authorization: "Bearer $TOKEN$" },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.status_code, 200);
    assert.ok(Array.isArray(r.body.header["content-type"]));
    assert.ok(JSON.parse(r.body.body).data.length > 0);
    assert.equal(h.upstream.requests.at(-1)!.headers.authorization, "Bearer upstream-secret-for-api-call");
    assert.ok(!r.text.includes("upstream-secret-for-api-call"), "the key is not echoed back");
  });

  it("sends a body, passes upstream errors through as status_code, and checks its input", async () => {
    const posted = await call(h, "POST", "api-call", {
      auth_index: credentialId,
      method: "POST",
      url: `${h.upstream.url}/v1/chat/completions`,
      header: { Authorization: "Bearer $TOKEN$", "Content-Type": "application/json" },
      data: JSON.stringify({ model: "fake-bad-request", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(posted.status, 200);
    assert.equal(posted.body.status_code, 400);

    assert.equal((await call(h, "POST", "api-call", { method: "GET" })).status, 400);
    assert.equal((await call(h, "POST", "api-call", { method: "GET", url: "ftp://x/y" })).status, 400);
    const noCred = await call(h, "POST", "api-call", {
      method: "GET",
      url: `${h.upstream.url}/v1/models`,
      header: { Authorization: "Bearer $TOKEN$" },
    });
    assert.equal(noCred.status, 400);
    const unknown = await call(h, "POST", "api-call", {
      auth_index: "nope",
      method: "GET",
      url: h.upstream.url,
    });
    assert.equal(unknown.status, 404);
  });
});
