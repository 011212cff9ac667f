import { z } from "zod";
import { isGoDuration } from "./duration.ts";

// Leaf validators shared by the schema. Each carries the one-line expectation that the loader
// prints next to the offending value, so every message reads "expected ..., got ...".

/**
 * YAML scalars that a Go `string` field would also accept: numbers and booleans become their
 * text, and an empty list item or mapping value (null) becomes "" as Go's zero value.
 */
function scalarToString(value: unknown): unknown {
  if (value === null) return "";
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

const YAML11_TRUE = /^(true|yes|on|y)$/i;
const YAML11_FALSE = /^(false|no|off|n)$/i;

/** The Go original decodes YAML 1.1 booleans (yes/no/on/off) into bool fields; accept them too. */
function yaml11Bool(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (YAML11_TRUE.test(value)) return true;
  if (YAML11_FALSE.test(value)) return false;
  return value;
}

/** A trimmed string. */
export function text() {
  return z.preprocess(scalarToString, z.string({ error: "expected a text value" }).trim());
}

/** A trimmed string with a default. */
export function textOr(defaultValue: string) {
  return text().default(defaultValue);
}

export function flag(defaultValue: boolean) {
  return optionalFlag().default(defaultValue);
}

/** A boolean whose absence means "inherit" (Go `*bool`). */
export function optionalFlag() {
  return z.preprocess(yaml11Bool, z.boolean({ error: "expected true or false" })).optional();
}

function integerExpectation(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `expected an integer between ${min} and ${max}`;
  if (min !== undefined) return `expected an integer >= ${min}`;
  if (max !== undefined) return `expected an integer <= ${max}`;
  return "expected an integer";
}

/** An integer, optionally bounded (inclusive). */
export function integer(min?: number, max?: number) {
  const error = integerExpectation(min, max);
  let schema = z.int({ error });
  if (min !== undefined) schema = schema.min(min, { error });
  if (max !== undefined) schema = schema.max(max, { error });
  return schema;
}

/** An integer; values below `floor` are replaced by `replacement` (the original clamps these silently). */
export function integerClampedBelow(floor: number, replacement: number) {
  return integer().transform((n) => (n < floor ? replacement : n));
}

/** One of fixed values; matching is case-insensitive and `aliases` map extra spellings to a value. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  aliases: Record<string, T[number]> = {},
) {
  const error = `expected one of ${values.map((v) => `"${v}"`).join(", ")}`;
  return z.preprocess(
    (value) => {
      if (typeof value !== "string") return value;
      const key = value.trim().toLowerCase();
      return aliases[key] ?? key;
    },
    z.enum(values, { error }),
  );
}

export function textList() {
  return z.array(text(), { error: "expected a list of text values" }).default(() => []);
}

/** Model name patterns: trimmed, lower-cased, de-duplicated, empties dropped (as the original does). */
export function modelPatternList() {
  return textList().transform((items) => [...new Set(items.map((s) => s.toLowerCase()).filter(Boolean))]);
}

/** Extra HTTP headers: names and values trimmed, pairs with an empty side dropped. */
export function headerMap() {
  return z
    .record(z.string(), text(), { error: "expected a mapping of header names to values" })
    .default(() => ({}))
    .transform((headers) => {
      const clean: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        const key = name.trim();
        if (key && value) clean[key] = value;
      }
      return clean;
    });
}

/** A Go-style duration string such as "30s", "15m", "1h30m". */
export function duration(defaultValue: string) {
  return text()
    .refine((s) => s === "" || isGoDuration(s), { error: 'expected a duration such as "30s", "15m" or "1h"' })
    .default(defaultValue);
}

/**
 * A YAML mapping with fixed keys; unknown keys are reported (as warnings) by the loader. An
 * empty list item (null) reads as an empty mapping, like Go's zero-value struct.
 */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.preprocess(
    (value) => (value === null ? {} : value),
    z.strictObject(shape, { error: "expected a mapping (key: value pairs)" }),
  );
}

/** A list of mappings. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.array(item, { error: "expected a list" }).default(() => []);
}
