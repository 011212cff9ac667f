import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, Hono } from "hono";
import type { Runtime } from "../proxy/runtime.ts";
import { readAppEnv } from "../server/app-env.ts";

// The built-in control panel: /management.html and its scripts and styles under
// /management/assets/. Everything ships inside the package (nothing is downloaded);
// `remote-management.disable-control-panel` hides it (checked per request, so a config reload
// applies), and MANAGEMENT_STATIC_PATH serves the user's own copy of management.html instead.

const PAGE = "management.html";
const ASSET_PREFIX = "/management/assets/";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Our page loads only its own files and talks only to this server. */
const BUILT_IN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** src/management/panel, also when running the compiled dist/src/management (the package ships src). */
function builtInDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "panel"), join(here, "../../../src/management/panel")];
  return candidates.find((dir) => existsSync(join(dir, PAGE))) ?? candidates[0];
}

/** MANAGEMENT_STATIC_PATH names a directory holding management.html, or the file itself (as in the Go original). */
export function overridePagePath(envValue: string | undefined): string | undefined {
  const value = envValue?.trim();
  if (!value) return undefined;
  const path = resolve(value);
  return basename(path).toLowerCase() === PAGE ? path : join(path, PAGE);
}

/** Registers GET /management.html and GET /management/assets/* on the main app. */
export function registerControlPanel(
  app: Hono,
  rt: Runtime,
  staticPath: string | undefined = readAppEnv().managementStaticPath,
): void {
  const dir = builtInDir();
  const override = overridePagePath(staticPath);
  // Built-in files never change while the process runs: read each once.
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const builtIn = (name: string) => {
    let file = cache.get(name);
    if (!file) {
      file = readFile(join(dir, name)).catch(() => undefined);
      cache.set(name, file);
    }
    return file;
  };
  const disabled = () => rt.config["remote-management"]["disable-control-panel"];

  const send = (c: Context, data: Buffer, name: string, csp: boolean) => {
    const headers: Record<string, string> = {
      "content-type": CONTENT_TYPES[extname(name)] ?? "application/octet-stream",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (csp) headers["content-security-policy"] = BUILT_IN_CSP;
    return c.body(new Uint8Array(data), 200, headers);
  };

  app.get(`/${PAGE}`, async (c) => {
    if (disabled()) return c.notFound();
    if (override) {
      // The user's copy is read on every request so edits show without a restart; it may
      // inline its scripts, so our strict policy is not applied to it.
      const data = await readFile(override).catch(() => undefined);
      return data ? send(c, data, PAGE, false) : c.notFound();
    }
    const data = await builtIn(PAGE);
    return data ? send(c, data, PAGE, true) : c.notFound();
  });

  app.get(`${ASSET_PREFIX}:name`, async (c) => {
    const name = c.req.param("name");
    if (disabled() || !/^[a-z][a-z0-9-]*\.(js|css|svg)$/.test(name)) return c.notFound();
    const data = await builtIn(join("assets", name));
    return data ? send(c, data, name, true) : c.notFound();
  });
}
