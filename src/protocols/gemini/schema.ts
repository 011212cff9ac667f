/**
 * JSON Schema handling at the Gemini boundary.
 *
 * Encoding: we send tool parameters as `parametersJsonSchema` and structured output as
 * `responseJsonSchema`. Unlike `parameters`/`responseSchema` (a protobuf OpenAPI subset that
 * rejects unknown keywords with a 400), these take plain JSON Schema, so only the few things
 * Gemini documents as unsupported are touched: `$schema`/`$comment` are dropped, `const` becomes a
 * one-value `enum`, and a `$ref` node keeps only its `$` keywords. Copy-on-write: a schema that
 * needs nothing is returned as is (tool schemas are resent on every request).
 *
 * Decoding: a client's `parameters`/`responseSchema` uses Gemini's OpenAPI flavour (upper-case
 * types, `nullable`, `propertyOrdering`); it is turned into the plain JSON Schema the IR carries.
 */
import { isObject, type JsonObject } from "./fields.ts";

/** Keys whose value is one schema. */
const SCHEMA_KEYS = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "if",
  "then",
  "else",
  "propertyNames",
]);
/** Keys whose value maps names to schemas. */
const SCHEMA_MAP_KEYS = new Set([
  "properties",
  "$defs",
  "definitions",
  "patternProperties",
  "dependentSchemas",
]);
/** Keys whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = new Set(["anyOf", "oneOf", "allOf", "prefixItems", "items"]);
const DROPPED = new Set(["$schema", "$comment"]);

/** A JSON Schema Gemini's `parametersJsonSchema` / `responseJsonSchema` accepts. */
export function schemaForGemini(schema: unknown): unknown {
  return isObject(schema) ? cleanNode(schema) : schema;
}

function cleanNode(node: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  const hasRef = typeof node.$ref === "string";
  for (const key in node) {
    const value = node[key];
    let next: unknown = value;
    if (DROPPED.has(key) || (hasRef && key[0] !== "$")) next = undefined;
    else if (key === "const") next = undefined;
    else next = cleanChild(key, value);
    if (next !== value) {
      out ??= { ...node };
      if (next === undefined) delete out[key];
      else out[key] = next;
    }
  }
  if (!hasRef && "const" in node && node.enum === undefined) {
    out ??= { ...node };
    delete out.const;
    out.enum = [node.const];
  }
  return out ?? node;
}

function cleanChild(key: string, value: unknown): unknown {
  if (SCHEMA_KEYS.has(key) && isObject(value)) return cleanNode(value);
  if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value))
    return mapSame(value, (v) => (isObject(v) ? cleanNode(v) : v));
  if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) {
    let out: JsonObject | undefined;
    for (const name in value) {
      const child = value[name];
      const next = isObject(child) ? cleanNode(child) : child;
      if (next !== child) {
        out ??= { ...value };
        out[name] = next;
      }
    }
    return out ?? value;
  }
  return value;
}

/** `list.map(fn)`, but the same array back when nothing changed. */
function mapSame<T>(list: T[], fn: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const next = fn(list[i]);
    if (next !== list[i]) {
      out ??= list.slice();
      out[i] = next;
    }
  }
  return out ?? list;
}

/** Gemini OpenAPI-flavoured schema (e.g. `type: "OBJECT"`, `nullable`) -> plain JSON Schema. */
export function jsonSchemaFromGemini(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaFromGemini);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const key in schema) {
    const value = schema[key];
    if (key === "propertyOrdering" || key === "nullable") continue;
    if (key === "type" && typeof value === "string") out.type = value.toLowerCase();
    else if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const name in value) map[name] = jsonSchemaFromGemini(value[name]);
      out[key] = map;
    } else if (SCHEMA_KEYS.has(key) || SCHEMA_LIST_KEYS.has(key)) out[key] = jsonSchemaFromGemini(value);
    else out[key] = value;
  }
  if (schema.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}
