import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  type AuthHarness,
  claudeFile,
  HOUR,
  inMs,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// `auth-auto-refresh-workers` bounds how many background token refreshes run at once; the fake
// token endpoint answers slowly so overlapping refreshes are seen there.

const ACCOUNTS = 5;

async function refreshAll(extraConfig: string): Promise<{ h: AuthHarness; maxInFlight: number }> {
  const h = await startAuthHarness({}, extraConfig);
  h.upstream.oauth.tokenDelayMs = 300;
  // Claude refreshes 4 hours ahead: expiring in one hour is due at once.
  for (let i = 0; i < ACCOUNTS; i++) {
    await h.writeAuth(
      `claude-${i}@example.com.json`,
      claudeFile({ access: `old-at-${i}`, email: `${i}@example.com`, expired: inMs(HOUR) }),
    );
  }
  await waitFor(() => h.upstream.oauth.issued.length === ACCOUNTS, 10_000);
  await waitFor(() => [...oauthCredentials(h).values()].every((c) => !c.apiKey.startsWith("old-at-")));
  return { h, maxInFlight: h.upstream.oauth.tokenMaxInFlight };
}

describe("auth-auto-refresh-workers", () => {
  let h: AuthHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("never runs more background refreshes at once than configured", async () => {
    const run = await refreshAll("auth-auto-refresh-workers: 2");
    h = run.h;
    assert.equal(run.maxInFlight, 2);
    assert.equal(h.upstream.oauth.tokenInFlight, 0);
  });

  it("0 means the default pool of 16: all due accounts refresh together", async () => {
    const run = await refreshAll("auth-auto-refresh-workers: 0");
    h = run.h;
    assert.equal(run.maxInFlight, ACCOUNTS);
  });
});
