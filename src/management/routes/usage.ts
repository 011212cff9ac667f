import type { Hono } from "hono";
import type { Runtime } from "../../proxy/runtime.ts";
import { exportUsage, importUsage, UsageImportError, usageReport } from "../../usage/report.ts";
import { ManagementError } from "../errors.ts";

/** Usage statistics from the embedded store: the report, and a lossless export/import pair. */
export function registerUsage(app: Hono, rt: Runtime): void {
  const recorder = () => {
    const usage = rt.observe.usage;
    if (!usage) throw new ManagementError(503, "usage statistics are not available in this process");
    return usage;
  };

  app.get("/usage", (c) => c.json(usageReport(recorder())));
  app.get("/usage/export", (c) => c.json(exportUsage(recorder())));
  app.post("/usage/import", async (c) => {
    const doc = await c.req.json().catch(() => {
      throw new ManagementError(400, "body must be a usage export (JSON)");
    });
    try {
      return c.json(importUsage(recorder(), doc));
    } catch (err) {
      if (err instanceof UsageImportError) throw new ManagementError(400, err.message);
      throw err;
    }
  });
}
