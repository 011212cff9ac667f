import { readFile } from "node:fs/promises";
import type { Hono } from "hono";
import { ConfigError } from "../../config/index.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { replaceConfigText } from "../config-store.ts";
import { ManagementError } from "../errors.ts";
import { ensureSecretHashed } from "../secret.ts";

// The whole config: GET /config (running config as JSON), GET/PUT /config.yaml (the file).

/** Keys the Go original leaves out of GET /config: where it listens, its files, the management secret. */
const HIDDEN_KEYS = new Set(["host", "port", "auth-dir", "remote-management"]);

export function registerConfigFile(app: Hono, rt: Runtime): void {
  app.get("/config", (c) => {
    const visible = Object.fromEntries(Object.entries(rt.config).filter(([key]) => !HIDDEN_KEYS.has(key)));
    return c.json(visible);
  });

  app.get("/config.yaml", async (c) => {
    if (!rt.configPath) throw new ManagementError(404, "the running config was not loaded from a file");
    let text: string;
    try {
      text = await readFile(rt.configPath, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        throw new ManagementError(404, "config file not found");
      }
      throw err;
    }
    return c.body(text, 200, {
      "content-type": "application/yaml; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
  });

  app.put("/config.yaml", async (c) => {
    const text = await c.req.text();
    if (text.trim() === "") {
      throw new ManagementError(400, "request body is empty; send the whole config.yaml", {
        problems: ["empty body"],
      });
    }
    let warnings: string[];
    try {
      ({ warnings } = await replaceConfigText(rt, text));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // The Go original's shape ("error" code + "message"), plus the problems one per line.
      return c.json(
        { error: "invalid_config", message: err.problems.join("\n"), problems: err.problems },
        400,
      );
    }
    // A plaintext secret-key in the new text is hashed before we answer, so a GET sees the hash.
    await ensureSecretHashed(rt, rt.configPath);
    return c.json({ ok: true, changed: ["config"], warnings });
  });
}
