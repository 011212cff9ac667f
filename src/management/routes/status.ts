import type { Hono } from "hono";
import { VERSION } from "../../server/version.ts";

// Read-only status routes whose real sources belong to other parts of the product: the update
// check (no network access from here), usage statistics (the usage store is not built yet) and
// OAuth login sessions (none can be started yet).

/** The Go original's usage snapshot, with nothing recorded. */
function emptyUsage() {
  return {
    total_requests: 0,
    success_count: 0,
    failure_count: 0,
    total_tokens: 0,
    apis: {},
    requests_by_day: {},
    requests_by_hour: {},
    tokens_by_day: {},
    tokens_by_hour: {},
  };
}

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

  app.get("/usage", (c) => c.json({ usage: emptyUsage(), failed_requests: 0 }));

  app.get("/get-auth-status", (c) => {
    const state = c.req.query("state")?.trim();
    if (!state) return c.json({ status: "ok" });
    // No OAuth login can be started through this server yet, so no state is known.
    return c.json({ status: "error", error: "unknown or expired state" });
  });
}
