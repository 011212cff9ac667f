import type { Hono } from "hono";
import type { Runtime } from "../../proxy/runtime.ts";
import { applyFieldChanges, parseFieldPatch } from "../auth-file-patch.ts";
import { editAuthFile } from "../auth-file-store.ts";
import { readJson } from "../body.ts";

// `PATCH /auth-files/fields`: change fields of one credential file in auth-dir, e.g. `priority`,
// `weight`, `prefix`, `proxy_url`, `headers`, `excluded_models`, `note`. The file is rewritten
// atomically with every other field kept; the auth-dir watcher applies it to routing.

export function registerAuthFileFields(app: Hono, rt: Runtime): void {
  app.patch("/auth-files/fields", async (c) => {
    const { name, changes } = parseFieldPatch(await readJson(c));
    // A credential id (as usage details show it) names the file it was read from.
    const cred = rt.registry.credentials.find((cr) => cr.id === name && cr.attributes?.auth_file);
    const file = cred?.attributes?.auth_file ?? name;
    await editAuthFile(rt.config["auth-dir"], file, (content) => applyFieldChanges(content, changes));
    return c.json({ status: "ok" });
  });
}
