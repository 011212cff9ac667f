import type { Context, Hono } from "hono";
import { z } from "zod";
import { type ConfigDocument, deleteIn, setIn } from "../../config/index.ts";
import {
  type AmpModelMapping,
  type AmpUpstreamKeyEntry,
  isHttpUrl,
  mappingPattern,
} from "../../config/schema-ampcode.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { readJson, validate } from "../body.ts";
import { editConfig } from "../config-store.ts";
import { ManagementError } from "../errors.ts";
import { applyListChange, type ListChange, type ListTarget, type Shape } from "../yaml-edit.ts";

// `ampcode` (the Amp CLI integration), with the Go original's routes and shapes:
//   GET /ampcode                          {"ampcode": {...}}
//   GET|PUT|PATCH|DELETE /ampcode/upstream-url, /ampcode/upstream-api-key     {"value": "..."}
//   GET|PUT|PATCH /ampcode/restrict-management-to-localhost, /ampcode/force-model-mappings  {"value": bool}
//   GET|PUT|PATCH|DELETE /ampcode/model-mappings       [{from, to, regex}]; PATCH upserts by from;
//                                                      DELETE {"value": [from...]}, empty = all
//   GET|PUT|PATCH|DELETE /ampcode/upstream-api-keys    [{upstream-api-key, api-keys}]; PATCH upserts
//                                                      by upstream-api-key; DELETE {"value": [key...]}, [] = all
// Writes answer {"status": "ok"}. Unlike the original, malformed items are refused with a 400.

const ROOT = "ampcode";

const text = z.string({ error: "expected a text value" }).transform((v) => v.trim());
const nonEmpty = text.refine((v) => v !== "", { error: "must not be empty" });
const flag = z.boolean({ error: "expected true or false" });

const upstreamUrl = text.refine((v) => v === "" || isHttpUrl(v), {
  error: 'expected an http:// or https:// URL such as "https://ampcode.com", or ""',
});

const mapping = z
  .object(
    { from: nonEmpty, to: nonEmpty, regex: flag.optional() },
    { error: "expected a mapping {from, to, regex}" },
  )
  .transform((m) => ({ from: m.from, to: m.to, regex: m.regex === true }))
  .superRefine((m, ctx) => {
    if (!m.regex) return;
    const pattern = mappingPattern(m.from);
    if (typeof pattern === "string") ctx.addIssue({ code: "custom", path: ["from"], message: pattern });
  });

const keyEntry = z
  .object(
    {
      "upstream-api-key": nonEmpty,
      "api-keys": z.array(text, { error: "expected a list of client keys" }).optional(),
    },
    { error: 'expected a mapping {"upstream-api-key", "api-keys"}' },
  )
  .transform((e) => ({
    "upstream-api-key": e["upstream-api-key"],
    "api-keys": [...new Set((e["api-keys"] ?? []).filter(Boolean))],
  }));

const valueBody = <T extends z.ZodType>(schema: T) =>
  z.object({ value: schema }, { error: 'expected {"value": ...}' });

const mappingsBody = valueBody(z.array(mapping, { error: "expected a list of mappings" }));
const keysBody = valueBody(z.array(keyEntry, { error: "expected a list of entries" }));
const namesBody = valueBody(z.array(text, { error: "expected a list of text values" }));

const MAPPING_SHAPE: Shape = { defaults: { regex: false } };
const KEYS_SHAPE: Shape = {};

const field = (value: unknown) => String(value ?? "").trim();
const mappingIdentity = (item: unknown) => {
  const m = (item ?? {}) as Record<string, unknown>;
  return `${field(m.from)}\u0000${field(m.to)}\u0000${m.regex === true}`;
};
const keyEntryIdentity = (item: unknown) => {
  const e = (item ?? {}) as Record<string, unknown>;
  const keys = Array.isArray(e["api-keys"]) ? e["api-keys"].map(field).filter(Boolean) : [];
  return `${field(e["upstream-api-key"])}\u0000${keys.join("\u0000")}`;
};

/** What GET shows for a mapping: `regex` only when set, as the original's JSON does. */
function shownMapping(m: AmpModelMapping) {
  return m.regex ? { from: m.from, to: m.to, regex: true } : { from: m.from, to: m.to };
}

/**
 * Applies list changes one after another, each against the list as the previous one left it,
 * so item-level edits keep the other items (and their comments) in place.
 */
function editList(
  doc: ConfigDocument,
  key: string,
  running: readonly unknown[],
  identity: (item: unknown) => string,
  shape: Shape,
  changes: ListChange[],
): void {
  let working = [...running];
  for (const change of changes) {
    const target: ListTarget = { path: [ROOT, key], running: working, identity, shape };
    applyListChange(doc, target, change);
    working = nextList(working, change);
  }
  if (working.length === 0) deleteIn(doc, [ROOT, key]);
}

function nextList(list: unknown[], change: ListChange): unknown[] {
  switch (change.kind) {
    case "replace":
      return [...change.items];
    case "set":
      return list.map((item, i) => (i === change.index ? change.item : item));
    case "append":
      return [...list, change.item];
    case "remove":
      return list.filter((_, i) => !change.indices.includes(i));
    default:
      throw new Error(`unsupported list change ${change.kind}`);
  }
}

/** Upserts `items` into `list` by `keyOf` (later items see earlier ones), as list changes. */
function upserts<T>(list: readonly T[], items: readonly T[], keyOf: (item: T) => string): ListChange[] {
  const at = new Map<string, number>();
  for (const [i, item] of list.entries()) at.set(keyOf(item), i);
  let length = list.length;
  const changes: ListChange[] = [];
  for (const item of items) {
    const index = at.get(keyOf(item));
    if (index !== undefined) {
      changes.push({ kind: "set", index, item });
    } else {
      at.set(keyOf(item), length++);
      changes.push({ kind: "append", item });
    }
  }
  return changes;
}

function removals<T>(
  list: readonly T[],
  keys: ReadonlySet<string>,
  keyOf: (item: T) => string,
): ListChange[] {
  const indices = list.flatMap((item, i) => (keys.has(keyOf(item)) ? [i] : []));
  return indices.length > 0 ? [{ kind: "remove", indices }] : [];
}

/** A DELETE body that may be absent: undefined when the request has none. */
async function optionalJson(c: Context): Promise<unknown> {
  const raw = await c.req.text();
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new ManagementError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

const ok = (c: Context) => c.json({ status: "ok" });

export function registerAmpcode(app: Hono, rt: Runtime): void {
  const section = () => rt.config.ampcode;

  app.get(`/${ROOT}`, (c) => {
    const a = section();
    const shown: Record<string, unknown> = {
      "upstream-url": a["upstream-url"],
      "upstream-api-key": a["upstream-api-key"],
      "restrict-management-to-localhost": a["restrict-management-to-localhost"],
      "model-mappings": a["model-mappings"].map(shownMapping),
      "force-model-mappings": a["force-model-mappings"],
    };
    if (a["upstream-api-keys"].length > 0) shown["upstream-api-keys"] = a["upstream-api-keys"];
    return c.json({ ampcode: shown });
  });

  // Single values.
  const single = (name: string, schema: z.ZodType, cleared?: unknown) => {
    const route = `/${ROOT}/${name}`;
    app.get(route, (c) => c.json({ [name]: (section() as Record<string, unknown>)[name] }));
    const put = async (c: Context) => {
      const { value } = validate(valueBody(schema), await readJson(c));
      await editConfig(rt, (doc) => setIn(doc, [ROOT, name], value));
      return ok(c);
    };
    app.put(route, put);
    app.patch(route, put);
    if (cleared !== undefined) {
      app.delete(route, async (c) => {
        await editConfig(rt, (doc) => setIn(doc, [ROOT, name], cleared));
        return ok(c);
      });
    }
  };
  single("upstream-url", upstreamUrl, "");
  single("upstream-api-key", text, "");
  single("restrict-management-to-localhost", flag);
  single("force-model-mappings", flag);

  // model-mappings
  const mappingsRoute = `/${ROOT}/model-mappings`;
  const editMappings = (doc: ConfigDocument, changes: ListChange[]) =>
    editList(doc, "model-mappings", section()["model-mappings"], mappingIdentity, MAPPING_SHAPE, changes);
  app.get(mappingsRoute, (c) => c.json({ "model-mappings": section()["model-mappings"].map(shownMapping) }));
  app.put(mappingsRoute, async (c) => {
    const { value } = validate(mappingsBody, await readJson(c));
    await editConfig(rt, (doc) => editMappings(doc, [{ kind: "replace", items: value }]));
    return ok(c);
  });
  app.patch(mappingsRoute, async (c) => {
    const { value } = validate(mappingsBody, await readJson(c));
    await editConfig(rt, (doc) =>
      editMappings(
        doc,
        upserts<AmpModelMapping>(section()["model-mappings"], value, (m) => m.from),
      ),
    );
    return ok(c);
  });
  app.delete(mappingsRoute, async (c) => {
    const body = await optionalJson(c);
    const froms = body === undefined ? [] : validate(namesBody, body).value.filter(Boolean);
    // No names: every mapping goes (the original's behaviour for an empty DELETE).
    const changes: ListChange[] =
      froms.length === 0
        ? [{ kind: "replace", items: [] }]
        : removals(section()["model-mappings"], new Set(froms), (m) => m.from);
    await editConfig(rt, (doc) => editMappings(doc, changes));
    return ok(c);
  });

  // upstream-api-keys
  const keysRoute = `/${ROOT}/upstream-api-keys`;
  const editKeys = (doc: ConfigDocument, changes: ListChange[]) =>
    editList(doc, "upstream-api-keys", section()["upstream-api-keys"], keyEntryIdentity, KEYS_SHAPE, changes);
  app.get(keysRoute, (c) => c.json({ "upstream-api-keys": section()["upstream-api-keys"] }));
  app.put(keysRoute, async (c) => {
    const { value } = validate(keysBody, await readJson(c));
    await editConfig(rt, (doc) => editKeys(doc, [{ kind: "replace", items: value }]));
    return ok(c);
  });
  app.patch(keysRoute, async (c) => {
    const { value } = validate(keysBody, await readJson(c));
    await editConfig(rt, (doc) =>
      editKeys(
        doc,
        upserts<AmpUpstreamKeyEntry>(section()["upstream-api-keys"], value, (e) => e["upstream-api-key"]),
      ),
    );
    return ok(c);
  });
  app.delete(keysRoute, async (c) => {
    // The original insists on {"value": [...]} here; [] clears the list.
    const { value } = validate(namesBody, await readJson(c));
    const keys = value.filter(Boolean);
    if (value.length > 0 && keys.length === 0) throw new ManagementError(400, "value lists only empty keys");
    const changes: ListChange[] =
      value.length === 0
        ? [{ kind: "replace", items: [] }]
        : removals(section()["upstream-api-keys"], new Set(keys), (e) => e["upstream-api-key"]);
    await editConfig(rt, (doc) => editKeys(doc, changes));
    return ok(c);
  });
}
