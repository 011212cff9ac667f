import { readFile } from "node:fs/promises";
import type { Hono } from "hono";
import type { Runtime } from "../../proxy/runtime.ts";
import { findRequestLog, REQUEST_ID_PATTERN } from "../../request-log/find.ts";
import { requestLogSettings } from "../../request-log/logger.ts";
import { ManagementError } from "../errors.ts";

// `GET /request-log-by-id/:id`: the request-log file of one request, found by the id the client
// got in `X-Request-Id` (full request logs with `request-log: true`, else the error files).

export function registerRequestLogById(app: Hono, rt: Runtime): void {
  app.get("/request-log-by-id/:id", async (c) => {
    const id = c.req.param("id").trim();
    if (!REQUEST_ID_PATTERN.test(id)) {
      throw new ManagementError(400, "invalid request ID: expected letters, digits, '-' or '_'");
    }
    const found = await findRequestLog(requestLogSettings(rt.config).dir, id);
    if (!found) throw new ManagementError(404, "log file not found for the given request ID");
    let data: Buffer;
    try {
      data = await readFile(found.path);
    } catch (err) {
      // Pruned between the listing and the read.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        throw new ManagementError(404, "log file not found for the given request ID");
      }
      throw err;
    }
    return c.body(new Uint8Array(data), 200, {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${found.name}"`,
    });
  });
}
