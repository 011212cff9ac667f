import type { Hono } from "hono";
import { z } from "zod";
import type { Runtime } from "../../proxy/runtime.ts";
import { indexParam, readJson, textParam, validate } from "../body.ts";
import { editConfig } from "../config-store.ts";
import { ManagementError } from "../errors.ts";
import { applyListChange, type ListTarget } from "../yaml-edit.ts";

// `api-keys`: the keys clients must send. GET `{"api-keys": [...]}`; PUT a list (or
// `{"items": [...]}`); PATCH `{"index", "value"}` or `{"old", "new"}` (appends `new` when `old`
// is absent, as the original does); DELETE `?index=` or `?value=`.

const key = z.string({ error: "expected a text value" }).trim().min(1, { error: "must not be empty" });
const keyList = z.array(key, { error: "expected a list of keys" });
const putBody = z.union([z.array(z.unknown()), z.strictObject({ items: z.array(z.unknown()) })], {
  error: 'expected a list of keys or {"items": [...]}',
});
const patchBody = z.union(
  [
    z.strictObject({ index: z.int().min(0), value: key }),
    z.strictObject({ old: z.string().trim(), new: key }),
  ],
  { error: 'expected {"index": n, "value": "..."} or {"old": "...", "new": "..."}' },
);

export function registerClientKeys(app: Hono, rt: Runtime): void {
  const target = (): ListTarget => ({
    path: ["api-keys"],
    running: rt.config["api-keys"],
    identity: (item) => String(item ?? "").trim(),
  });

  app.get("/api-keys", (c) => c.json({ "api-keys": rt.config["api-keys"] }));

  app.put("/api-keys", async (c) => {
    const body = validate(putBody, await readJson(c));
    const list = Array.isArray(body)
      ? validate(keyList, body, "body")
      : validate(keyList, body.items, "items");
    const keys = [...new Set(list)];
    await editConfig(rt, (doc) => applyListChange(doc, target(), { kind: "replace", items: keys }));
    return c.json({ status: "ok" });
  });

  app.patch("/api-keys", async (c) => {
    const body = validate(patchBody, await readJson(c));
    await editConfig(rt, (doc) => {
      const keys = rt.config["api-keys"];
      if ("index" in body) {
        if (body.index >= keys.length) throw new ManagementError(404, `no api key at index ${body.index}`);
        applyListChange(doc, target(), { kind: "set", index: body.index, item: body.value });
        return;
      }
      const at = keys.indexOf(body.old);
      applyListChange(
        doc,
        target(),
        at >= 0 ? { kind: "set", index: at, item: body.new } : { kind: "append", item: body.new },
      );
    });
    return c.json({ status: "ok" });
  });

  app.delete("/api-keys", async (c) => {
    const index = indexParam(c);
    const value = textParam(c, "value");
    if (index === undefined && value === undefined) throw new ManagementError(400, "missing index or value");
    await editConfig(rt, (doc) => {
      const keys = rt.config["api-keys"];
      const indices =
        index !== undefined
          ? index < keys.length
            ? [index]
            : []
          : keys.flatMap((k, i) => (k === value ? [i] : []));
      if (indices.length === 0) throw new ManagementError(404, "api key not found");
      applyListChange(doc, target(), { kind: "remove", indices });
    });
    return c.json({ status: "ok" });
  });
}
