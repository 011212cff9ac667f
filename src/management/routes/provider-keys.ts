import type { Context, Hono } from "hono";
import type { z } from "zod";
import {
  claudeKeySchema,
  codexKeySchema,
  compatKeyEntrySchema,
  compatModelSchema,
  geminiKeySchema,
  modelAliasSchema,
  openAICompatibilitySchema,
  vertexKeySchema,
} from "../../config/schema-providers.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { textParam } from "../body.ts";
import { ManagementError } from "../errors.ts";
import type { Shape } from "../yaml-edit.ts";
import { type EntryListSpec, matching, registerEntryList } from "./entry-lists.ts";

// Upstream credentials from config.yaml: the `*-api-key` lists and `openai-compatibility`.

type Entry = Record<string, unknown>;

const defaultsOf = (schema: z.ZodType) => schema.parse({}) as Record<string, unknown>;
const text = (value: unknown) => String(value ?? "").trim();
const keyIdentity = (entry: unknown) => {
  const e = (entry ?? {}) as Entry;
  return `${text(e["api-key"])}\u0000${text(e["base-url"])}`;
};

/** `match` (or `?api-key=`) names entries by key; `?base-url=` narrows when a key is used twice. */
function selectByKey(entries: readonly Entry[], key: string, c: Context): number[] {
  const base = c.req.query("base-url");
  const byKey = matching(entries, "api-key", key);
  return base === undefined ? byKey : byKey.filter((i) => text(entries[i]["base-url"]) === base.trim());
}

function single(indices: number[]): number {
  if (indices.length === 0) throw new ManagementError(404, "item not found");
  if (indices.length > 1) {
    throw new ManagementError(400, "multiple items match; give index (or base-url to tell them apart)");
  }
  return indices[0];
}

function keyFamily(key: EntryListSpec["key"], schema: z.ZodType): EntryListSpec {
  const shape: Shape = {
    defaults: defaultsOf(schema),
    fields: { models: { defaults: defaultsOf(modelAliasSchema) } },
  };
  return {
    key,
    schema,
    shape,
    identity: keyIdentity,
    problems: (e) =>
      text(e["api-key"]) ? [] : ["api-key: must not be empty (use DELETE to remove an entry)"],
    patchSelector: "match",
    select: (entries, selector, c) => single(selectByKey(entries, selector, c)),
    deleteSelection: (entries, c) => {
      const key = textParam(c, "api-key");
      return key === undefined ? undefined : [single(selectByKey(entries, key, c))];
    },
    deleteUsage: "missing api-key or index",
  };
}

const compatibility: EntryListSpec = {
  key: "openai-compatibility",
  schema: openAICompatibilitySchema,
  shape: {
    defaults: defaultsOf(openAICompatibilitySchema),
    fields: {
      models: { defaults: defaultsOf(compatModelSchema) },
      "api-key-entries": { defaults: defaultsOf(compatKeyEntrySchema) },
    },
  },
  identity: (entry) => text(((entry ?? {}) as Entry).name),
  problems: (e) => [
    ...(text(e.name) ? [] : ["name: must not be empty"]),
    ...(text(e["base-url"]) ? [] : ["base-url: must not be empty (use DELETE to remove a provider)"]),
  ],
  patchSelector: "name",
  select: (entries, name) => {
    const found = entries.findIndex((e) => e.name === name);
    if (found < 0) throw new ManagementError(404, "item not found");
    return found;
  },
  deleteSelection: (entries, c) => {
    const name = textParam(c, "name");
    return name === undefined ? undefined : matching(entries, "name", name);
  },
  deleteUsage: "missing name or index",
  // New key entries replace the legacy `api-keys` list, which the loader would otherwise fold back in.
  patchExtras: (fields) => ("api-key-entries" in fields ? { "api-keys": null } : {}),
};

export const ENTRY_LISTS: readonly EntryListSpec[] = [
  keyFamily("gemini-api-key", geminiKeySchema),
  keyFamily("interactions-api-key", geminiKeySchema),
  keyFamily("vertex-api-key", vertexKeySchema),
  keyFamily("claude-api-key", claudeKeySchema),
  keyFamily("codex-api-key", codexKeySchema),
  keyFamily("xai-api-key", codexKeySchema),
  compatibility,
];

export function registerProviderKeys(app: Hono, rt: Runtime): void {
  for (const spec of ENTRY_LISTS) registerEntryList(app, rt, spec);
}
