import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addAccount, geminiFile, googleEnv, removeAccount } from "./google-helpers.ts";
import {
  type AuthHarness,
  inMs,
  lastRequest,
  management,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// Gemini CLI accounts (`type: "gemini"` files) in the Go original's shape: served on Code
// Assist with the account's bearer token and project, refreshed in the background and after
// an upstream 401, written back with the nested token updated and everything else kept.

async function chat(h: AuthHarness, model = "gemini-2.5-pro"): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
}

describe("Gemini CLI accounts", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, googleEnv(h.upstream.url));
  });
  after(() => h.close());

  it("serves a Go-style file: bearer token, the file's project and the model in the envelope", async () => {
    const name = "gemini-go@example.com-go-project.json";
    await addAccount(h, name, geminiFile({ access: "ya29.go-file-token", project: "go-project" }));
    try {
      const res = await chat(h);
      assert.equal(res.status, 200, await res.clone().text());
      const answer = (await res.json()) as any;
      assert.ok(answer.choices[0].message.content.length > 0);
      const seen = lastRequest(h, "/v1internal:generateContent");
      assert.equal(seen.headers.authorization, "Bearer ya29.go-file-token");
      assert.match(String(seen.headers["user-agent"]), /^GeminiCLI\//);
      assert.ok(seen.headers["x-goog-api-client"]);
      assert.equal(seen.body.project, "go-project");
      assert.equal(seen.body.model, "gemini-2.5-pro");
      assert.equal(seen.body.request.contents[0].parts[0].text, "hello");

      // A Gemini client streaming: translated into the envelope, unwrapped on the way back.
      const stream = await fetch(
        `${h.proxy.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "stream please" }] }] }),
        },
      );
      assert.equal(stream.status, 200);
      const text = await stream.text();
      assert.match(text, /^data: \{"candidates"/m, "Gemini SSE without the Code Assist wrapper");
      const streamed = lastRequest(h, "/v1internal:streamGenerateContent");
      assert.equal(streamed.query.alt, "sse");
      assert.equal(streamed.body.project, "go-project");
      assert.equal(streamed.body.model, "gemini-2.5-flash");
    } finally {
      await removeAccount(h, name);
    }
  });

  it("refreshes an expiring token in the background: the nested token rewritten, the rest kept", async () => {
    const name = "gemini-refresh@example.com-keep-project.json";
    const file = geminiFile({
      access: "ya29.about-to-expire",
      refresh: "1//keep-this-refresh-token",
      expiry: inMs(60_000), // inside the refresh lead: refreshed at once
      project: "keep-project",
      email: "refresh@example.com",
      extra: { note: "kept as is", access_token: "ya29.about-to-expire" },
    });
    await addAccount(h, name, file);
    try {
      await waitFor(async () => (await h.readAuth(name)).token.access_token !== "ya29.about-to-expire");
      const written = await h.readAuth(name);
      const issued = h.upstream.oauth.issued.at(-1)!;
      assert.equal(issued.provider, "gemini");
      assert.equal(issued.grant, "refresh_token");
      assert.equal(written.token.access_token, issued.access_token);
      // Google sent no new refresh token: the old one stays.
      assert.equal(written.token.refresh_token, "1//keep-this-refresh-token");
      assert.ok(Date.parse(written.token.expiry) > Date.now() + 50 * 60_000);
      const oldToken = file.token as Record<string, unknown>;
      for (const key of ["client_id", "client_secret", "scopes", "token_uri", "universe_domain"]) {
        assert.deepEqual(written.token[key], oldToken[key], key);
      }
      // The top-level mirror follows; unknown fields and the account facts stay.
      assert.equal(written.access_token, issued.access_token);
      assert.equal(written.note, "kept as is");
      assert.equal(written.project_id, "keep-project");
      assert.equal(written.email, "refresh@example.com");
      assert.equal(written.type, "gemini");
      assert.equal(written.checked, true);

      await waitFor(() => h.proxy.runtime.registry.credentials.some((c) => c.apiKey === issued.access_token));
      assert.equal((await chat(h)).status, 200);
      assert.equal(
        lastRequest(h, "/v1internal:generateContent").headers.authorization,
        `Bearer ${issued.access_token}`,
      );
    } finally {
      await removeAccount(h, name);
    }
  });

  it("an upstream 401 refreshes the token once and retries the same account", async () => {
    const name = "gemini-revoked@example.com-p401.json";
    await addAccount(h, name, geminiFile({ access: "ya29.revoked-early", project: "p401" }));
    try {
      h.upstream.oauth.revokeAccessToken("ya29.revoked-early");
      const res = await chat(h, "gemini-2.5-flash");
      assert.equal(res.status, 200, await res.clone().text());
      const issued = h.upstream.oauth.issued.at(-1)!;
      assert.equal(issued.grant, "refresh_token");
      const calls = h.upstream.requests
        .filter((r) => r.path.endsWith("/v1internal:generateContent"))
        .slice(-2);
      assert.deepEqual(
        calls.map((r) => r.headers.authorization),
        ["Bearer ya29.revoked-early", `Bearer ${issued.access_token}`],
      );
      assert.equal(calls[1].body.project, "p401");
      assert.equal((await h.readAuth(name)).token.access_token, issued.access_token);
    } finally {
      await removeAccount(h, name);
    }
  });

  it("a file without a project is reported, not served", async () => {
    const name = "gemini-noproject@example.com.json";
    await h.writeAuth(name, geminiFile({ access: "ya29.no-project", project: "" }));
    let entry: any;
    await waitFor(async () => {
      entry = (await management(h, "GET", "auth-files")).body.files?.find((f: any) => f.name === name);
      return entry?.status === "error";
    });
    assert.match(entry.status_message, /project_id/);
    assert.ok(!oauthCredentials(h).has(name));
  });
});
