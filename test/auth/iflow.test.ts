import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { FakeIflowAuth } from "../../src/fake-upstream/oauth-iflow.ts";
import {
  type AuthHarness,
  DAY,
  HOUR,
  inMs,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";
import { chatCall, qwenIflowEnv } from "./qwen-iflow-helpers.ts";

// iFlow accounts in auth-dir, as the Go original writes them: requests carry the account's API
// key and the iFlow CLI's signed headers; tokens refresh in the background (a new API key comes
// from the user-info endpoint), and cookie accounts renew their key on the platform.

function iflowFile(o: {
  apiKey: string;
  refresh?: string;
  expired?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    access_token: `${o.apiKey}-access`,
    refresh_token: o.refresh ?? `${o.apiKey}-refresh`,
    last_refresh: inMs(-HOUR),
    expired: o.expired ?? inMs(5 * DAY),
    api_key: o.apiKey,
    email: "go-user@example.com",
    token_type: "bearer",
    scope: "read",
    cookie: "",
    type: "iflow",
    ...o.extra,
  };
}

/** `YYYY-MM-DD HH:mm` (UTC), the expiry format of iFlow's API keys. */
function keyExpiry(ms: number): string {
  return new Date(Date.now() + ms).toISOString().slice(0, 16).replace("T", " ");
}

describe("iflow accounts", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, qwenIflowEnv(h.upstream.url));
  });
  after(() => h.close());

  it("serves a Go-style file with its API key and the iFlow CLI's signed headers", async () => {
    await h.writeAuth("iflow-go.json", iflowFile({ apiKey: "sk-go-iflow" }));
    await waitFor(() => oauthCredentials(h).has("iflow-go.json"));

    for (const stream of [false, true]) {
      const res = await chatCall(h, "glm-4.6", stream);
      assert.equal(res.status, 200, await res.clone().text());
      await res.text();
      const seen = lastRequest(h, "/chat/completions");
      assert.equal(seen.path, "/iflow-api/v1/chat/completions");
      assert.equal(seen.headers.authorization, "Bearer sk-go-iflow");
      assert.equal(seen.headers["user-agent"], "iFlow-Cli");
      assert.equal(seen.headers.accept, stream ? "text/event-stream" : "application/json");
      const session = String(seen.headers["session-id"]);
      const timestamp = String(seen.headers["x-iflow-timestamp"]);
      assert.match(session, /^session-[0-9a-f-]{36}$/);
      assert.ok(Math.abs(Number(timestamp) - Date.now()) < 60_000);
      const expected = createHmac("sha256", "sk-go-iflow")
        .update(`iFlow-Cli:${session}:${timestamp}`)
        .digest("hex");
      assert.equal(seen.headers["x-iflow-signature"], expected);
      assert.equal(seen.body.model, "glm-4.6");
    }
  });

  it("refreshes tokens about to expire, takes the account's API key, keeps unknown fields", async () => {
    const name = "iflow-expiring.json";
    await h.writeAuth(
      name,
      iflowFile({
        apiKey: "sk-old-iflow",
        refresh: "rt-go-iflow",
        expired: inMs(60_000),
        extra: { prefix: "exp", note: "keep me" },
      }),
    );
    await waitFor(
      async () =>
        (await h.readAuth(name).catch(() => ({}) as Record<string, any>)).api_key !== "sk-old-iflow",
    );

    const file = await h.readAuth(name);
    const issued = h.upstream.oauth.issued.at(-1)!;
    assert.equal(issued.provider, "iflow");
    assert.equal(issued.grant, "refresh_token");
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.api_key, FakeIflowAuth.apiKeyFor(issued.email));
    assert.equal(file.email, issued.email);
    assert.equal(file.note, "keep me");
    assert.equal(file.type, "iflow");
    assert.ok(Date.parse(file.expired) > Date.now() + 30 * 60_000);

    const grant = h.upstream.requests.find((r) => r.path === "/iflow/oauth/token")!;
    const params = new URLSearchParams(grant.body);
    assert.equal(params.get("grant_type"), "refresh_token");
    assert.equal(params.get("refresh_token"), "rt-go-iflow");
    assert.equal(params.get("client_id"), "10009311001");
    const basic = Buffer.from(String(grant.headers.authorization).replace("Basic ", ""), "base64").toString();
    assert.equal(basic, `10009311001:${params.get("client_secret")}`);
    const info = h.upstream.requests.find((r) => r.path === "/iflow/api/oauth/getUserInfo")!;
    assert.equal(info.query.accessToken, issued.access_token);

    await waitFor(() => oauthCredentials(h).get(name)?.apiKey === file.api_key);
    assert.equal((await chatCall(h, "exp/deepseek-v3.2")).status, 200);
    assert.equal(lastRequest(h, "/chat/completions").headers.authorization, `Bearer ${file.api_key}`);
  });

  it("renews a cookie account's API key on the platform before it expires", async () => {
    const name = "iflow-cookie.json";
    await h.writeAuth(name, {
      api_key: "sk-cookie-old",
      email: "cookie-user",
      expired: keyExpiry(HOUR),
      cookie: "BXAuth=abc123;",
      last_refresh: inMs(-DAY),
      type: "iflow",
      prefix: "ck",
    });
    await waitFor(
      async () =>
        (await h.readAuth(name).catch(() => ({}) as Record<string, any>)).api_key !== "sk-cookie-old",
    );

    const file = await h.readAuth(name);
    assert.match(file.api_key, /^sk-iflow-renewed-\d+$/);
    assert.match(file.expired, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.ok(Date.parse(`${file.expired.replace(" ", "T")}Z`) > Date.now() + 20 * DAY);
    assert.equal(file.cookie, "BXAuth=abc123;");
    const renew = lastRequest(h, "/iflow-platform/api/openapi/apikey");
    assert.equal(renew.headers.cookie, "BXAuth=abc123;");
    assert.deepEqual(renew.body, { name: "cookie-user" });

    await waitFor(() => oauthCredentials(h).get(name)?.apiKey === file.api_key);
    assert.equal((await chatCall(h, "ck/kimi-k2")).status, 200);
    assert.equal(lastRequest(h, "/chat/completions").headers.authorization, `Bearer ${file.api_key}`);
  });

  it("a refused refresh token marks the account in the auth-files list", async () => {
    const name = "iflow-revoked.json";
    h.upstream.oauth.revokeRefreshToken("rt-revoked-iflow");
    await h.writeAuth(
      name,
      iflowFile({
        apiKey: "sk-revoked",
        refresh: "rt-revoked-iflow",
        expired: inMs(60_000),
        extra: { prefix: "rk" },
      }),
    );
    let entry: any;
    await waitFor(async () => {
      entry = (await management(h, "GET", "auth-files")).body.files?.find((f: any) => f.name === name);
      return entry?.status === "error";
    });
    assert.match(entry.status_message, /invalid_grant/);
    assert.equal((await h.readAuth(name)).api_key, "sk-revoked");
  });
});
