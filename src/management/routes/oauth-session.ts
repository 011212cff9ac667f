import type { Hono } from "hono";
import { loginSessionsFor } from "../../oauth/sessions.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { finishOAuthCallback } from "../oauth-callback.ts";

// Panel logins, besides oauth-login.ts: `DELETE /oauth-session?state=` abandons a login still
// waiting, and `GET /oauth-callback` finishes one from query parameters, so a provider may
// redirect the browser straight to it. That GET needs no management key (the browser is the
// caller; the unguessable `state` admits it), as in the Go original; it must be registered
// before the key check.

/** What the original accepts as a state: URL-safe characters, no path tricks, bounded. */
const STATE = /^[A-Za-z0-9._-]{1,128}$/;

const validState = (state: string) => STATE.test(state) && !state.includes("..");

export function registerOAuthCallbackGet(app: Hono, rt: Runtime, envPassword: string): void {
  const sessions = loginSessionsFor(rt);
  app.get("/oauth-callback", async (c) => {
    // Management switched off (no key configured anywhere): the route does not exist.
    if (!rt.config["remote-management"]["secret-key"] && !envPassword) return c.notFound();
    const state = c.req.query("state")?.trim() ?? "";
    if (state && !validState(state)) return c.json({ status: "error", error: "invalid state" }, 400);
    const answer = await finishOAuthCallback(sessions, {
      provider: c.req.query("provider"),
      code: c.req.query("code"),
      state,
      error: c.req.query("error")?.trim() || c.req.query("error_description"),
    });
    return c.json(answer.body, answer.status);
  });
}

export function registerOAuthSession(app: Hono, rt: Runtime): void {
  const sessions = loginSessionsFor(rt);
  app.delete("/oauth-session", (c) => {
    const state = c.req.query("state")?.trim() ?? "";
    if (!state) return c.json({ status: "error", error: "missing state" }, 400);
    if (!validState(state)) return c.json({ status: "error", error: "invalid state" }, 400);
    // Not found is not an error: the login may have finished or expired already.
    return c.json({ status: "ok", cancelled: sessions.cancel(state) });
  });
}
