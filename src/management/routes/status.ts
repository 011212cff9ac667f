import type { Hono } from "hono";
import { VERSION } from "../../server/version.ts";

// Read-only status routes whose real sources belong to other parts of the product: the update
// check (no network access from here) and OAuth login sessions (none can be started yet).

export function registerStatus(app: Hono): void {
  app.get("/latest-version", (c) =>
    c.json(
      {
        error: "update_check_unavailable",
        message:
          "this build cannot check for newer releases (no release feed is reachable); the running version is current-version",
        "current-version": VERSION,
        checked: false,
      },
      503,
    ),
  );

  app.get("/get-auth-status", (c) => {
    const state = c.req.query("state")?.trim();
    if (!state) return c.json({ status: "ok" });
    // No OAuth login can be started through this server yet, so no state is known.
    return c.json({ status: "error", error: "unknown or expired state" });
  });
}
