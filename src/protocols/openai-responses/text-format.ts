/** Responses `text.format` <-> IR response format (structured output). */
import type { IRResponseFormat } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export function decodeTextFormat(text: unknown): IRResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isObject(text)) throw invalidRequest("text", "must be an object");
  const format = text.format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) throw invalidRequest("text.format", "must be an object");
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json_object" };
    case "json_schema": {
      if (!isObject(format.schema)) throw invalidRequest("text.format.schema", "must be an object");
      const out: IRResponseFormat = { type: "json_schema", schema: format.schema };
      if (typeof format.name === "string") out.name = format.name;
      if (typeof format.description === "string") out.description = format.description;
      if (typeof format.strict === "boolean") out.strict = format.strict;
      return out;
    }
    default:
      throw invalidRequest("text.format.type", 'must be "text", "json_object" or "json_schema"');
  }
}

export function encodeTextFormat(format: IRResponseFormat): Record<string, unknown> {
  if (format.type !== "json_schema") return { type: format.type };
  const out: Record<string, unknown> = {
    type: "json_schema",
    // `name` is required by the Responses API.
    name: format.name ?? "response",
    schema: format.schema,
  };
  if (format.description !== undefined) out.description = format.description;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}
