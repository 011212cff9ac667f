import type { Hono } from "hono";
import { z } from "zod";
import type { Runtime } from "../../proxy/runtime.ts";
import { readJson, validate } from "../body.ts";
import { ManagementError } from "../errors.ts";

// `POST /reset-quota {"auth_index": "..."}`: ends every cooldown (quota or error backoff) of one
// credential now, so routing tries it again at once. `auth_index` is a credential id (as usage
// details show it) or the auth-dir file name of an OAuth account. Answers the models that were
// cooling.

const body = z.object(
  {
    auth_index: z
      .string({ error: "auth_index is required" })
      .trim()
      .min(1, { error: "auth_index is required" }),
  },
  { error: 'expected {"auth_index": "..."}' },
);

export function registerResetQuota(app: Hono, rt: Runtime): void {
  app.post("/reset-quota", async (c) => {
    const { auth_index: index } = validate(body, await readJson(c));
    const cred = rt.registry.credentials.find((cr) => cr.id === index || cr.attributes?.auth_file === index);
    if (!cred) throw new ManagementError(404, "auth not found");
    const models = rt.cooldowns.reset(cred.id);
    return c.json({ status: "ok", auth_index: cred.id, models });
  });
}
