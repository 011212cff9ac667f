/** Ollama `format` ("json" or a JSON Schema object) <-> IR response format. */
import type { IRResponseFormat } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export function decodeFormat(raw: unknown): IRResponseFormat | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (raw === "json") return { type: "json_object" };
  if (isObject(raw)) return { type: "json_schema", schema: raw };
  throw invalidRequest("format", 'must be "json" or a JSON Schema object');
}

export function encodeFormat(format: IRResponseFormat | undefined): unknown {
  if (!format || format.type === "text") return undefined;
  return format.type === "json_object" ? "json" : format.schema;
}
