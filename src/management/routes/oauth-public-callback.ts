import type { Hono } from "hono";
import { allAuthKinds } from "../../auth/registry.ts";
import { callbackPage } from "../../oauth/callback-page.ts";
import { loginSessionsFor } from "../../oauth/sessions.ts";
import type { Runtime } from "../../proxy/runtime.ts";

/**
 * The public `/{name}/callback` routes (`/codex/callback`, `/anthropic/callback`, ...) where a
 * web-panel login can land: no management key (the browser is the caller); the unguessable
 * `state` of a login started through the management API is what admits it.
 */
export function registerOAuthPublicCallbacks(app: Hono, rt: Runtime): void {
  const sessions = loginSessionsFor(rt);
  for (const kind of allAuthKinds()) {
    const login = kind.login;
    if (!login) continue;
    app.get(`/${login.publicCallback}/callback`, async (c) => {
      const state = c.req.query("state")?.trim() ?? "";
      const session = state ? sessions.get(state) : undefined;
      if (!session || session.kind !== kind) {
        return c.html(callbackPage(false, "This login is unknown or has expired; start it again."), 400);
      }
      const error = c.req.query("error")?.trim();
      const done = await sessions.finish(state, { code: c.req.query("code")?.trim(), error });
      return done.status === "ok"
        ? c.html(callbackPage(true, `${kind.title} account saved. You can close this window.`))
        : c.html(callbackPage(false, done.error ?? "the login failed"), 400);
    });
  }
}
