import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Hono } from "hono";
import type { Credential } from "../../credentials/credential.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { textParam } from "../body.ts";
import { ManagementError } from "../errors.ts";
import { modelLabels } from "./model-definitions.ts";

// `GET /auth-files/models?name=`: the model names one credential serves right now, after
// aliases, exclusions and prefixes, as clients would name them. `name` is an auth-dir file name
// or a credential id (as in usage details). A file that does not serve (disabled, broken, a
// kind this build cannot use) has an empty list; a name that matches nothing is a 404.

/** A plain `*.json` file of that name in auth-dir (a name with a path in it never is). */
async function isAuthFile(dir: string, name: string): Promise<boolean> {
  if (name !== basename(name) || !name.toLowerCase().endsWith(".json")) return false;
  return stat(join(dir, name)).then(
    (s) => s.isFile(),
    () => false,
  );
}

function credentialFor(rt: Runtime, name: string): Credential | undefined {
  return rt.registry.credentials.find((c) => c.attributes?.auth_file === name || c.id === name);
}

export function registerAuthFileModels(app: Hono, rt: Runtime): void {
  app.get("/auth-files/models", async (c) => {
    const name = textParam(c, "name");
    if (!name) throw new ManagementError(400, "name is required");
    const registry = rt.registry;
    const cred = credentialFor(rt, name);
    if (!cred) {
      if (!(await isAuthFile(rt.config["auth-dir"], name)))
        throw new ManagementError(404, "auth file not found");
      return c.json({ models: [] });
    }
    const labels = modelLabels(cred.provider);
    const owner = cred.provider === "openai-compatibility" ? cred.providerName : labels.owned_by;
    const models = [];
    for (const listed of registry.list()) {
      const served = registry.resolve(listed.id)?.candidates.some((cand) => cand.cred.id === cred.id);
      if (!served) continue;
      models.push({ id: listed.id, display_name: listed.displayName, type: labels.type, owned_by: owner });
    }
    return c.json({ models });
  });
}
