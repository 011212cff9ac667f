import type { Context, Hono } from "hono";
import { z } from "zod";
import type { Config } from "../../config/index.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { indexParam, readJson, validate } from "../body.ts";
import { editConfig } from "../config-store.ts";
import { invalid, ManagementError } from "../errors.ts";
import { applyListChange, type ListTarget, type Shape } from "../yaml-edit.ts";

// Lists of mapping entries (`gemini-api-key`, `openai-compatibility`, ...), each served as
// GET `{"<key>": [...]}`, PUT (whole list, or `{"items": [...]}`), PATCH (one entry, chosen by
// `index` or by a selector such as `match`/`name`, with `value` holding the fields to change;
// a null field is reset) and DELETE (`?index=` or a selector query), as in the Go original.

type EntryKey = {
  [K in keyof Config]: Config[K] extends readonly Record<string, unknown>[] ? K : never;
}[keyof Config];

type Entry = Record<string, unknown>;

export interface EntryListSpec {
  key: EntryKey;
  schema: z.ZodType;
  shape: Shape;
  /** Identifies an entry in the file and in the running config alike. */
  identity: (entry: unknown) => string;
  /** Problems that make a (schema-valid) entry unusable, e.g. an empty api-key. */
  problems: (entry: Entry) => string[];
  /** PATCH body field naming the entry by text (besides `index`). */
  patchSelector: "match" | "name";
  /** Index of the entry `selector` names; throws 400/404 when none or several do. */
  select: (entries: readonly Entry[], selector: string, c: Context) => number;
  /** Indices DELETE removes from its query, undefined when the query names none. */
  deleteSelection: (entries: readonly Entry[], c: Context) => number[] | undefined;
  /** Message for a DELETE without any selector. */
  deleteUsage: string;
  /** Extra fields written with a PATCH (e.g. clearing a legacy key the change supersedes). */
  patchExtras?: (fields: Entry) => Entry;
}

/** The management panel reads entries with this extra field and may send them back; it is not config. */
function withoutAuthIndex(item: unknown): unknown {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
  const { "auth-index": _ignored, ...rest } = item as Entry;
  return rest;
}

const patchEnvelope = (selector: string) =>
  z.strictObject(
    {
      index: z.int({ error: "expected an integer" }).min(0).optional(),
      [selector]: z.string({ error: "expected a text value" }).optional(),
      value: z.record(z.string(), z.unknown(), { error: "expected a mapping of fields to change" }),
    },
    { error: `expected {"index" or "${selector}", "value": {...}}` },
  );

export function registerEntryList(app: Hono, rt: Runtime, spec: EntryListSpec): void {
  const route = `/${spec.key}`;
  const entries = () => rt.config[spec.key] as readonly Entry[];
  const target = (): ListTarget => ({
    path: [spec.key],
    running: entries(),
    identity: spec.identity,
    shape: spec.shape,
  });
  const listBody = z.union([z.array(z.unknown()), z.strictObject({ items: z.array(z.unknown()) })], {
    error: 'expected a list of entries or {"items": [...]}',
  });
  const itemList = z.array(spec.schema);
  const envelope = patchEnvelope(spec.patchSelector);

  const usable = (entry: Entry, where: string) => {
    const problems = spec.problems(entry).map((p) => `${where}.${p}`);
    if (problems.length > 0) throw invalid(`invalid ${where}`, problems);
  };

  app.get(route, (c) => c.json({ [spec.key]: entries() }));

  app.put(route, async (c) => {
    const body = validate(listBody, await readJson(c));
    const raw = (Array.isArray(body) ? body : body.items).map(withoutAuthIndex);
    const where = Array.isArray(body) ? "body" : "items";
    const items = validate(itemList, raw, where) as Entry[];
    items.forEach((item, i) => {
      usable(item, `${where}[${i}]`);
    });
    await editConfig(rt, (doc) => applyListChange(doc, target(), { kind: "replace", items }));
    return c.json({ status: "ok" });
  });

  app.patch(route, async (c) => {
    const body = validate(envelope, await readJson(c)) as {
      index?: number;
      value: Entry;
    } & Record<string, unknown>;
    const selector = body[spec.patchSelector] as string | undefined;
    const change = withoutAuthIndex(body.value) as Entry;
    await editConfig(rt, (doc) => {
      const list = entries();
      let index: number;
      if (body.index !== undefined && body.index < list.length) index = body.index;
      else if (selector?.trim()) index = spec.select(list, selector.trim(), c);
      else throw new ManagementError(404, "item not found");

      const merged: Entry = { ...list[index] };
      for (const [field, value] of Object.entries(change)) {
        if (value === null) delete merged[field];
        else merged[field] = value;
      }
      const parsed = validate(spec.schema, merged, "value") as Entry;
      usable(parsed, "value");
      // Write the validated (normalised) form of each changed field; null resets it.
      const fields: Entry = {};
      for (const field of Object.keys(change)) fields[field] = change[field] === null ? null : parsed[field];
      applyListChange(doc, target(), {
        kind: "merge",
        index,
        fields: spec.patchExtras ? { ...fields, ...spec.patchExtras(fields) } : fields,
      });
    });
    return c.json({ status: "ok" });
  });

  app.delete(route, async (c) => {
    const index = indexParam(c);
    await editConfig(rt, (doc) => {
      const list = entries();
      let indices = spec.deleteSelection(list, c);
      if (indices === undefined) {
        if (index === undefined) throw new ManagementError(400, spec.deleteUsage);
        indices = index < list.length ? [index] : [];
      }
      if (indices.length === 0) throw new ManagementError(404, "item not found");
      applyListChange(doc, target(), { kind: "remove", indices });
    });
    return c.json({ status: "ok" });
  });
}

/** Indices of entries whose trimmed `field` equals `value`. */
export function matching(entries: readonly Entry[], field: string, value: string): number[] {
  return entries.flatMap((e, i) => (String(e[field] ?? "").trim() === value ? [i] : []));
}
