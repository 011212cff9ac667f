import { ManagementError } from "./errors.ts";

// The field changes of `PATCH /auth-files/fields`: `{"name": "<file>", "<field>": value, ...}`.
// A field may be a dotted path into nested objects (`"a.b": 1`); null removes a field. Fields
// this proxy reads are type-checked so the file stays usable; any other field is stored as
// given, as the Go original does. Legacy kebab-case names are stored under their snake_case
// name, which is the one read.

/** Kebab-case spellings the original accepted for these fields, by the name it stores. */
const LEGACY_NAMES: Record<string, string> = {
  "api-key": "api_key",
  "base-url": "base_url",
  "disable-cooling": "disable_cooling",
  "excluded-models": "excluded_models",
  "model-aliases": "model_aliases",
  "proxy-url": "proxy_url",
  "request-retry": "request_retry",
  "request-scoped-errors": "request_scoped_errors",
};

export const MAX_WEIGHT = 1_000_000;

export interface FieldChange {
  /** The path as the caller wrote it, for messages. */
  given: string;
  /** Path parts, the root in its stored spelling. */
  path: string[];
  /** The value to store; undefined removes the field. */
  value: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const isText = (v: unknown) => typeof v === "string";
const isFlag = (v: unknown) => typeof v === "boolean";
const isInteger = (v: unknown) => typeof v === "number" && Number.isInteger(v);
const isNameList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");

/** Type rules for top-level fields the proxy reads; each gives the message for a wrong value. */
const TYPED: Record<string, { ok: (v: unknown) => boolean; message: string }> = {
  type: { ok: isText, message: "type must be text" },
  email: { ok: isText, message: "email must be text" },
  prefix: { ok: isText, message: "prefix must be text" },
  proxy_url: { ok: isText, message: "proxy_url must be text (a proxy URL, or direct/none)" },
  note: { ok: isText, message: "note must be text" },
  priority: { ok: isInteger, message: "priority must be an integer" },
  disabled: { ok: isFlag, message: "disabled must be true or false" },
  disable_cooling: { ok: isFlag, message: "disable_cooling must be true or false" },
  excluded_models: {
    ok: (v) => isText(v) || isNameList(v),
    message: "excluded_models must be a list of model names",
  },
  headers: {
    ok: (v) => isObject(v) && Object.values(v).every(isText),
    message: "headers must be an object of header names to text values",
  },
  weight: { ok: isInteger, message: "weight must be an integer" },
  request_retry: { ok: isInteger, message: "request_retry must be an integer or null" },
};

function splitPath(key: string): string[] {
  const parts = key
    .trim()
    .split(".")
    .map((p) => p.trim());
  if (parts.some((p) => p === ""))
    throw new ManagementError(400, `invalid field path: ${JSON.stringify(key)}`);
  parts[0] = LEGACY_NAMES[parts[0]] ?? parts[0];
  return parts;
}

/** Checks one change against the rules of its root field; returns the value to store. */
function checked(path: string[], raw: unknown): unknown {
  const root = path[0];
  const rule = TYPED[root];
  if (!rule) return raw === null ? undefined : raw;
  if (path.length > 1) throw new ManagementError(400, `${root} does not support nested fields`);
  if (raw === null) return undefined;
  if (!rule.ok(raw)) throw new ManagementError(400, rule.message);
  if (root === "weight") {
    if ((raw as number) > MAX_WEIGHT) throw new ManagementError(400, `weight must not exceed ${MAX_WEIGHT}`);
    return Math.max(0, raw as number);
  }
  // A negative retry count means "use the global setting", which is the field's absence.
  if (root === "request_retry" && (raw as number) < 0) return undefined;
  return raw;
}

/**
 * The file name and the changes a request body asks for. Throws a 400 ManagementError naming
 * the first problem: no name, no fields, a bad path or value, two spellings of one field.
 */
export function parseFieldPatch(body: unknown): { name: string; changes: FieldChange[] } {
  if (!isObject(body)) {
    throw new ManagementError(400, 'expected a JSON object: {"name": "<file>.json", "<field>": value, ...}');
  }
  const name = typeof body.name === "string" ? body.name.trim() : "";
  if (!name) throw new ManagementError(400, "name is required");
  const byPath = new Map<string, FieldChange>();
  for (const [given, raw] of Object.entries(body)) {
    if (given === "name") continue;
    const path = splitPath(given);
    const key = path.join(".");
    const change: FieldChange = { given, path, value: checked(path, raw) };
    const earlier = byPath.get(key);
    if (earlier) {
      // The stored spelling wins over a legacy one; two of the same kind are ambiguous.
      const givenIsStored = given.trim().split(".")[0].trim() === path[0];
      const earlierIsStored = earlier.given.trim().split(".")[0].trim() === path[0];
      if (givenIsStored === earlierIsStored) {
        throw new ManagementError(400, `fields "${earlier.given}" and "${given}" refer to the same field`);
      }
      if (!givenIsStored) continue;
    }
    byPath.set(key, change);
  }
  if (byPath.size === 0) throw new ManagementError(400, "no fields to update");
  return { name, changes: [...byPath.values()] };
}

/** Applies the changes to a file's parsed content. `headers` merges: a blank value removes one header. */
export function applyFieldChanges(content: Record<string, unknown>, changes: readonly FieldChange[]): void {
  for (const { path, value } of changes) {
    const root = path[0];
    // The legacy spelling of a changed field would shadow nothing we read, but would confuse.
    for (const [legacy, stored] of Object.entries(LEGACY_NAMES)) if (stored === root) delete content[legacy];
    if (root === "headers" && path.length === 1 && value !== undefined) {
      mergeHeaders(content, value as Record<string, string>);
      continue;
    }
    setPath(content, path, value);
  }
}

function mergeHeaders(content: Record<string, unknown>, patch: Record<string, string>): void {
  const next: Record<string, unknown> = isObject(content.headers) ? { ...content.headers } : {};
  for (const [rawName, rawValue] of Object.entries(patch)) {
    const name = rawName.trim();
    if (!name) continue;
    if (rawValue.trim() === "") delete next[name];
    else next[name] = rawValue.trim();
  }
  if (Object.keys(next).length === 0) delete content.headers;
  else content.headers = next;
}

function setPath(content: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = content;
  for (const part of path.slice(0, -1)) {
    const child = node[part];
    if (isObject(child)) {
      node = child;
    } else {
      if (value === undefined) return; // nothing to remove under a missing object
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}
