/** Sampling and output options: `reasoning_effort`, `response_format`, `stop`. */
import type { IRReasoning, IRResponseFormat, ReasoningEffort } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

const CLIENT_EFFORTS = new Set<string>(["none", "minimal", "low", "medium", "high", "xhigh"]);

export function decodeReasoningEffort(raw: unknown): IRReasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string" || !CLIENT_EFFORTS.has(raw)) {
    throw invalidRequest(
      "reasoning_effort",
      'must be one of "none", "minimal", "low", "medium", "high", "xhigh"',
    );
  }
  return { effort: raw as ReasoningEffort };
}

/** IR reasoning -> `reasoning_effort`; undefined leaves the model's default ("auto", dynamic budget). */
export function encodeReasoningEffort(reasoning: IRReasoning | undefined): string | undefined {
  if (reasoning === undefined) return undefined;
  const { effort, budgetTokens } = reasoning;
  if (effort !== undefined && effort !== "auto") return effort === "max" ? "xhigh" : effort;
  if (budgetTokens === undefined || budgetTokens < 0) return undefined;
  if (budgetTokens === 0) return "none";
  if (budgetTokens <= 2048) return "low";
  if (budgetTokens <= 8192) return "medium";
  return "high";
}

export function decodeResponseFormat(raw: unknown): IRResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalidRequest("response_format", "must be an object");
  switch (raw.type) {
    case "text":
    case "json_object":
      return { type: raw.type };
    case "json_schema": {
      const spec = raw.json_schema;
      if (!isObject(spec)) throw invalidRequest("response_format.json_schema", "must be an object");
      const format: IRResponseFormat = { type: "json_schema", schema: spec.schema ?? {} };
      if (typeof spec.name === "string") format.name = spec.name;
      if (typeof spec.description === "string") format.description = spec.description;
      if (typeof spec.strict === "boolean") format.strict = spec.strict;
      return format;
    }
    default:
      throw invalidRequest("response_format.type", 'must be "text", "json_object" or "json_schema"');
  }
}

export function encodeResponseFormat(format: IRResponseFormat): Record<string, unknown> {
  if (format.type !== "json_schema") return { type: format.type };
  // OpenAI requires a schema name.
  const spec: Record<string, unknown> = { name: format.name ?? "response", schema: format.schema };
  if (format.description !== undefined) spec.description = format.description;
  if (format.strict !== undefined) spec.strict = format.strict;
  return { type: "json_schema", json_schema: spec };
}

export function decodeStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw) && raw.every((s) => typeof s === "string")) return raw;
  throw invalidRequest("stop", "must be a string or an array of strings");
}
