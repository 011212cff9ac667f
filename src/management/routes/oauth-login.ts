import type { Hono } from "hono";
import { z } from "zod";
import { allAuthKinds } from "../../auth/registry.ts";
import { log } from "../../logging/logger.ts";
import {
  type DeviceAuthorization,
  pollDeviceToken,
  startDeviceAuthorization,
  verificationUrl,
} from "../../oauth/device-flow.ts";
import { loginSessionsFor } from "../../oauth/sessions.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { readJson, validate } from "../body.ts";
import { finishOAuthCallback } from "../oauth-callback.ts";

// Logins from the web panel: `GET /{name}-auth-url` starts one (`{status, url, state}`),
// `GET /get-auth-status?state=` reports `wait` / `ok` / `error`, and `POST /oauth-callback`
// finishes one with what the browser came back with (the redirect URL, or code and state).
// Shapes follow the Go original.

const callbackBody = z.object(
  {
    provider: z.string({ error: "provider is required" }).trim().min(1, { error: "provider is required" }),
    redirect_url: z.string().optional(),
    code: z.string().optional(),
    state: z.string().optional(),
    error: z.string().optional(),
  },
  { error: 'expected {"provider": "...", "redirect_url": "..."} or {"provider", "code", "state"}' },
);

export function registerOAuthLogin(app: Hono, rt: Runtime): void {
  const sessions = loginSessionsFor(rt);

  for (const kind of allAuthKinds()) {
    const login = kind.login;
    if (!login) continue;
    app.get(`/${login.managementName}-auth-url`, (c) => {
      const { url, state } = sessions.begin(kind);
      return c.json({ status: "ok", url, state });
    });
  }

  // Device logins (Qwen): the URL to open carries the user code; the proxy polls the token
  // endpoint in the background and get-auth-status follows it.
  for (const kind of allAuthKinds()) {
    const device = kind.deviceLogin;
    if (!device) continue;
    app.get(`/${device.managementName}-auth-url`, async (c) => {
      const proxyUrl = rt.config["proxy-url"] ?? "";
      let auth: DeviceAuthorization;
      try {
        auth = await startDeviceAuthorization(device, proxyUrl);
      } catch (err) {
        log.warn({ type: kind.type, reason: (err as Error).message }, "device login could not start");
        return c.json({ status: "error", error: "failed to generate authorization url" }, 500);
      }
      // DELETE /oauth-session stops the background polling through this signal.
      const polling = new AbortController();
      const file = pollDeviceToken(device, auth, { proxyUrl, keepAlive: false, signal: polling.signal }).then(
        (tokens) => device.toFile(tokens),
      );
      const state = sessions.track(kind, file, () => polling.abort());
      return c.json({
        status: "ok",
        url: verificationUrl(auth),
        state,
        flow: "device",
        user_code: auth.userCode,
        expires_in: Math.round((auth.expiresAt - Date.now()) / 1000),
      });
    });
  }

  app.get("/get-auth-status", (c) => {
    const state = c.req.query("state")?.trim();
    if (!state) return c.json({ status: "ok" });
    const s = sessions.get(state);
    if (!s) return c.json({ status: "error", error: "unknown or expired state" });
    return c.json(s.status === "error" ? { status: "error", error: s.error } : { status: s.status });
  });

  app.post("/oauth-callback", async (c) => {
    const body = validate(callbackBody, await readJson(c));
    const answer = await finishOAuthCallback(sessions, { ...body, redirectUrl: body.redirect_url });
    return c.json(answer.body, answer.status);
  });
}
