/** Amp's control plane (/api/user, /auth, /threads, ...) proxied to the Amp upstream. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  AMP_KEY,
  type AmpHarness,
  ampSection,
  auth,
  CLIENT_KEY,
  CLIENT_KEY_2,
  headerValues,
  startAmp,
} from "./helpers.ts";

const TEAM_KEY = "amp-team-b-key";
const PER_CLIENT = `  upstream-api-keys:
    - upstream-api-key: "${TEAM_KEY}"
      api-keys: ["${CLIENT_KEY_2}"]
`;

describe("amp: control plane proxy", () => {
  let h: AmpHarness;
  const get = (path: string, headers: Record<string, string> = auth()) =>
    fetch(`${h.proxy.url}${path}`, { headers });

  before(async () => {
    h = await startAmp((url) => ampSection(url, PER_CLIENT));
  });
  after(() => h.close());
  beforeEach(() => h.amp.reset());

  it("forwards /api/user with the Amp key, without the client's key or a CORS grant", async () => {
    const res = await get("/api/user", {
      ...auth(),
      "x-forwarded-for": "10.1.2.3",
      origin: "https://evil.example",
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).email, "amp-user@example.com");
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    const seen = h.amp.requests[0];
    assert.equal(seen.path, "/api/user");
    assert.equal(seen.headers.authorization, `Bearer ${AMP_KEY}`);
    assert.equal(seen.headers["x-api-key"], AMP_KEY);
    assert.equal(seen.headers["x-forwarded-for"], undefined);
    assert.ok(!headerValues(seen).includes(CLIENT_KEY));
  });

  it("takes the client's key out of the query and keeps the other parameters", async () => {
    const res = await get(`/api/threads?key=${CLIENT_KEY}&limit=5`, {});
    assert.equal(res.status, 200);
    assert.deepEqual(h.amp.requests[0].query, { limit: "5" });
  });

  it("streams request bodies through, keeping method and status", async () => {
    const internal = await fetch(`${h.proxy.url}/api/internal?getUserInfo`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ method: "getUserInfo", params: { deep: [1, 2, 3] } }),
    });
    assert.equal(internal.status, 200);
    assert.deepEqual(await internal.json(), {
      ok: true,
      result: { method: "getUserInfo", params: { deep: [1, 2, 3] } },
    });
    const created = await fetch(`${h.proxy.url}/api/threads`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ title: "New thread" }),
    });
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as any).title, "New thread");
  });

  it("uses the per-client upstream key from upstream-api-keys", async () => {
    await get("/api/meta", auth(CLIENT_KEY_2));
    assert.equal(h.amp.requests[0].headers.authorization, `Bearer ${TEAM_KEY}`);
    await get("/api/meta", auth(CLIENT_KEY));
    assert.equal(h.amp.requests[1].headers.authorization, `Bearer ${AMP_KEY}`);
  });

  it("asks for the client key on /api/* and the feeds, not on the pages a browser opens", async () => {
    for (const [path, headers] of [
      ["/api/user", {}],
      ["/api/user", auth("wrong-key")],
      ["/news.rss", {}],
    ] as const) {
      const res = await get(path, headers);
      assert.equal(res.status, 401, path);
      assert.match(((await res.json()) as any).error, /API key/);
    }
    assert.equal(h.amp.requests.length, 0);

    for (const path of ["/auth/cli-login?authToken=abc", "/threads/T-1", "/settings", "/docs/guide"]) {
      const res = await get(path, {});
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    }
    const feed = await get("/threads.rss");
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), /<rss/);
  });

  it("decodes gzip from the upstream, declared or not", async () => {
    for (const mode of ["raw", "encoded"]) {
      const res = await get("/api/user", { ...auth(), "x-fake-amp-gzip": mode });
      assert.equal(res.status, 200, mode);
      assert.equal(res.headers.get("content-encoding"), null, mode);
      const text = await res.text();
      assert.equal(JSON.parse(text).id, "user_fake_1", mode);
      if (mode === "raw") assert.equal(res.headers.get("content-length"), String(Buffer.byteLength(text)));
    }
  });

  it("passes upstream errors through unchanged", async () => {
    const res = await get("/api/user/nope");
    assert.equal(res.status, 404);
    assert.match(await res.text(), /fake upstream has no route/);
  });

  it("leaves the proxy's own /api routes alone", async () => {
    const tags = await get("/api/tags");
    assert.equal(tags.status, 200);
    assert.ok(Array.isArray(((await tags.json()) as any).models));
    const telemetry = await fetch(`${h.proxy.url}/api/event_logging/batch`, { method: "POST", body: "{}" });
    assert.equal(telemetry.status, 200);
    assert.equal(h.amp.requests.length, 0);
  });
});
