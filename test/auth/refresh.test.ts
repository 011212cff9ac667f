import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { authFileStatuses, authStoreOf, refreshAfterUnauthorized } from "../../src/auth/index.ts";
import {
  type AuthHarness,
  claudeCall,
  claudeFile,
  codexCall,
  codexFile,
  HOUR,
  inMs,
  lastRequest,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// Tokens refresh in the background before they expire and once after an upstream 401; the
// file is rewritten atomically with every other field kept; a refused refresh token cools the
// account and shows in its status.

describe("token refresh", () => {
  let h: AuthHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("refreshes before expiry in the background and rewrites the file keeping unknown fields", async () => {
    const name = "claude-soon@example.com.json";
    h = await startAuthHarness({
      // Claude refreshes 4 hours ahead: expiring in one hour is due now.
      [name]: claudeFile({
        access: "old-claude-at",
        refresh: "old-claude-rt",
        email: "soon@example.com",
        expired: inMs(HOUR),
        extra: { note: "kept", custom: { nested: [1, 2] }, priority: 2 },
      }),
    });
    await waitFor(() => h!.upstream.oauth.issued.length === 1);
    const issued = h.upstream.oauth.issued[0];
    assert.equal(issued.grant, "refresh_token");
    await waitFor(() => oauthCredentials(h!).get(name)?.apiKey === issued.access_token);

    const file = await h.readAuth(name);
    assert.equal(file.access_token, issued.access_token);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.note, "kept");
    assert.deepEqual(file.custom, { nested: [1, 2] });
    assert.equal(file.priority, 2);
    assert.equal(file.type, "claude");
    assert.ok(Date.parse(file.expired) > Date.now() + 0.9 * HOUR, "new expiry from expires_in");
    assert.ok(Date.parse(file.last_refresh) >= Date.now() - 60_000);
    assert.equal((await stat(join(h.authDir, name))).mode & 0o777, 0o600);

    // The refreshed token is what goes upstream now.
    assert.equal((await claudeCall(h)).status, 200);
    assert.equal(lastRequest(h, "/v1/messages").headers.authorization, `Bearer ${issued.access_token}`);
    // Not due again: no second refresh.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.upstream.oauth.issued.length, 1);
  });

  it("refreshes once after a 401 and hands back the new credential", async () => {
    const name = "codex-late@example.com.json";
    h = await startAuthHarness({ [name]: codexFile({ access: "stale-at", refresh: "good-rt" }) });
    const stale = oauthCredentials(h).get(name)!;
    h.upstream.oauth.revokeAccessToken("stale-at");

    const [a, b] = await Promise.all([
      refreshAfterUnauthorized(h.proxy.runtime, stale),
      refreshAfterUnauthorized(h.proxy.runtime, stale),
    ]);
    assert.equal(h.upstream.oauth.issued.length, 1, "concurrent 401s share one refresh");
    const fresh = h.upstream.oauth.issued[0].access_token;
    assert.equal(a?.apiKey, fresh);
    assert.equal(b?.apiKey, fresh);
    assert.equal(a?.id, stale.id, "same account, same cooldown and rotation slot");
    assert.equal(a?.attributes?.account_id, "acct-fake-1", "account id from the new id_token");
    assert.equal((await h.readAuth(name)).access_token, fresh);
    // A request that began before the refresh gets the current credential, no new refresh.
    assert.equal((await refreshAfterUnauthorized(h.proxy.runtime, stale))?.apiKey, fresh);
    // A fresh token rejected again right away does not loop into refreshes.
    assert.equal(await refreshAfterUnauthorized(h.proxy.runtime, a!), undefined);
    assert.equal(h.upstream.oauth.issued.length, 1);
  });

  it("a request whose token was revoked upstream is refreshed and retried once through the proxy", async () => {
    h = await startAuthHarness({ "codex-x.json": codexFile({ access: "revoked-at", refresh: "fine-rt" }) });
    h.upstream.oauth.revokeAccessToken("revoked-at");
    const res = await codexCall(h, "again");
    assert.equal(res.status, 200);
    const calls = h.upstream.requests.filter((r) => r.path.endsWith("/backend-api/codex/responses"));
    assert.deepEqual(
      calls.map((r) => r.headers.authorization),
      ["Bearer revoked-at", `Bearer ${h.upstream.oauth.issued[0].access_token}`],
    );
  });

  it("a refused refresh token (invalid_grant) cools the account and shows in its status", async () => {
    const name = "codex-revoked@example.com.json";
    h = await startAuthHarness({
      "codex-alive.json": codexFile({ access: "alive-at", refresh: "alive-rt" }),
    });
    h.upstream.oauth.revokeRefreshToken("dead-rt");
    // Expired long ago: once the file shows up, the background refresh runs at once and is refused.
    await h.writeAuth(name, codexFile({ access: "dead-at", refresh: "dead-rt", expired: inMs(-HOUR) }));
    await waitFor(() => authFileStatuses(h!.proxy.runtime).find((s) => s.name === name)?.status === "error");
    const status = authFileStatuses(h.proxy.runtime).find((s) => s.name === name)!;
    assert.equal(status.unavailable, true);
    assert.match(status.status_message!, /invalid_grant/);
    assert.match(status.status_message!, /log in again/);
    assert.equal(status.next_refresh, undefined, "no more background attempts");
    assert.equal((await h.readAuth(name)).access_token, "dead-at", "the file is left as it was");

    // Cooled: requests go to the other account only.
    for (let i = 0; i < 3; i++) {
      assert.equal((await codexCall(h)).status, 200);
      assert.equal(lastRequest(h, "/backend-api/codex/responses").headers.authorization, "Bearer alive-at");
    }
    const dead = oauthCredentials(h).get(name)!;
    assert.ok(h.proxy.runtime.cooldowns.remaining(dead.id, "gpt-5") > HOUR);
    // A 401 does not retry a refused refresh token.
    assert.equal(await refreshAfterUnauthorized(h.proxy.runtime, dead), undefined);

    // Logging in again (new content in the file) clears it.
    await h.writeAuth(name, codexFile({ access: "relogged-at", refresh: "new-rt" }));
    await waitFor(() => authFileStatuses(h!.proxy.runtime).find((s) => s.name === name)?.status === "active");
    assert.equal(h.proxy.runtime.cooldowns.remaining(dead.id, "gpt-5"), 0);
  });

  it("refreshNow rewrites a Codex file with new tokens and id_token facts", async () => {
    const name = "codex-now.json";
    h = await startAuthHarness({
      [name]: codexFile({ access: "now-at", refresh: "now-rt", extra: { label: "x" } }),
    });
    const cred = await authStoreOf(h.proxy.runtime)!.refreshNow(name);
    const issued = h.upstream.oauth.issued[0];
    assert.equal(cred?.apiKey, issued.access_token);
    const file = await h.readAuth(name);
    assert.equal(file.refresh_token, issued.refresh_token);
    assert.equal(file.account_id, "acct-fake-1");
    assert.equal(file.email, "user@example.com");
    assert.equal(file.label, "x");
    assert.match(file.id_token, /^[\w-]+\.[\w-]+\.fake$/);
  });
});
