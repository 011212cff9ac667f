/** Ollama tool definitions and tool-call arguments <-> IR. */
import type { IRTool } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export function decodeTools(raw: unknown): IRTool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidRequest("tools", "must be an array");
  if (raw.length === 0) return undefined;
  return raw.map((tool, i) => {
    const fn = isObject(tool) ? tool.function : undefined;
    if (!isObject(fn) || typeof fn.name !== "string" || fn.name === "") {
      throw invalidRequest(`tools[${i}].function.name`, "must be a string");
    }
    const out: IRTool = { name: fn.name };
    if (typeof fn.description === "string") out.description = fn.description;
    if (fn.parameters !== undefined && fn.parameters !== null) out.parameters = fn.parameters;
    return out;
  });
}

export function encodeTools(tools: IRTool[] | undefined): unknown[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((tool) => {
    const fn: Record<string, unknown> = { name: tool.name };
    if (tool.description !== undefined) fn.description = tool.description;
    fn.parameters = tool.parameters ?? { type: "object", properties: {} };
    return { type: "function", function: fn };
  });
}

/** Ollama sends arguments as an object; the IR keeps OpenAI's JSON text. A string is taken as is. */
export function argumentsToJson(raw: unknown): string {
  if (raw === undefined || raw === null) return "{}";
  if (typeof raw === "string") return raw === "" ? "{}" : raw;
  return JSON.stringify(raw);
}

/**
 * JSON text -> the object Ollama wants. Clients decode `arguments` into a map, so text that
 * does not parse to an object (a model's malformed output) becomes `{}` rather than a string
 * that would break their decoder.
 */
export function argumentsToObject(json: string): Record<string, unknown> {
  if (json === "") return {};
  try {
    const value = JSON.parse(json);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}
