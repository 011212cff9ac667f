import type { Hono } from "hono";
import { VERSION } from "../../server/version.ts";

// Read-only status routes whose real sources belong to other parts of the product: the update
// check (no network access from here).

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
}
