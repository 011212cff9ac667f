import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Context, Hono } from "hono";
import type { Runtime } from "../../proxy/runtime.ts";
import { ManagementError } from "../errors.ts";
import { appLogs, type LogRing } from "../log-ring.ts";

// Application logs (from the in-memory ring of recent lines) and the request error log files
// in `<auth-dir>/logs`. Shapes follow the Go original: `after` is a Unix time in seconds,
// `cursor` continues from an earlier answer's `next-cursor`, `limit` keeps the newest lines.

function positiveInt(c: Context, name: string): number | undefined {
  const raw = c.req.query(name)?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    throw new ManagementError(400, `invalid ${name}: must be a positive integer`);
  return Number(raw);
}

export function registerLogs(app: Hono, ring: LogRing = appLogs): void {
  app.get("/logs", (c) => {
    const limit = positiveInt(c, "limit");
    const rawCursor = c.req.query("cursor")?.trim();
    const cursor = rawCursor && /^\d+$/.test(rawCursor) ? Number(rawCursor) : undefined;
    // A cursor from another process lifetime (or garbage) cannot be continued: start over.
    const reset =
      rawCursor !== undefined && rawCursor !== "" && (cursor === undefined || cursor > ring.lastSeq);
    const after = Number(c.req.query("after"));
    const afterSeconds = reset || cursor !== undefined || !(after > 0) ? undefined : Math.floor(after);
    const entries = ring.read({ afterSeq: reset ? undefined : cursor, afterSeconds, limit });
    const newest = entries.at(-1);
    return c.json({
      lines: entries.map((e) => e.line),
      "line-count": entries.length,
      "latest-timestamp": newest ? Math.floor(newest.time / 1000) : (afterSeconds ?? 0),
      "next-cursor": String(ring.lastSeq),
      ...(reset ? { "cursor-reset": true } : {}),
    });
  });

  app.delete("/logs", (c) => {
    const removed = ring.clear();
    return c.json({ success: true, message: "Logs cleared successfully", removed });
  });
}

const ERROR_LOG = /^error-.+\.log$/;

export function registerRequestErrorLogs(app: Hono, rt: Runtime): void {
  const dir = () => join(rt.config["auth-dir"], "logs");

  app.get("/request-error-logs", async (c) => {
    let names: string[];
    try {
      names = (await readdir(dir(), { withFileTypes: true }))
        .filter((e) => e.isFile() && ERROR_LOG.test(e.name))
        .map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return c.json({ files: [] });
      throw err;
    }
    const files = await Promise.all(
      names.map(async (name) => {
        const s = await stat(join(dir(), name));
        return { name, size: s.size, modified: Math.floor(s.mtimeMs / 1000) };
      }),
    );
    files.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
    return c.json({ files });
  });

  app.get("/request-error-logs/:name", async (c) => {
    const name = c.req.param("name").trim();
    if (!name || name !== basename(name) || name.includes("\\")) {
      throw new ManagementError(400, "invalid log file name");
    }
    if (!ERROR_LOG.test(name)) throw new ManagementError(404, "log file not found");
    let data: Buffer;
    try {
      data = await readFile(join(dir(), name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR") throw new ManagementError(404, "log file not found");
      throw err;
    }
    return c.body(new Uint8Array(data), 200, {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
    });
  });
}
