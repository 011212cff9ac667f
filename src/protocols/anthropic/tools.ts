/** Tool definitions and tool_choice in both directions. */
import type { IRTool, IRToolChoice } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

/**
 * Client tools -> IR tools. Anthropic's server tools (web_search, code_execution, bash, ...)
 * are typed and have no input_schema; no other upstream can run them, so they are skipped.
 */
export function decodeTools(raw: unknown): IRTool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidRequest("tools", "must be an array");
  const tools: IRTool[] = [];
  for (let i = 0; i < raw.length; i++) {
    const tool = raw[i];
    if (!isObject(tool)) throw invalidRequest(`tools[${i}]`, "must be an object");
    const isCustom = tool.type === undefined || tool.type === null || tool.type === "custom";
    if (!isCustom && tool.input_schema === undefined) continue;
    if (typeof tool.name !== "string") throw invalidRequest(`tools[${i}].name`, "must be a string");
    const decoded: IRTool = { name: tool.name };
    if (typeof tool.description === "string") decoded.description = tool.description;
    if (tool.input_schema !== undefined) decoded.parameters = tool.input_schema;
    if (typeof tool.strict === "boolean") decoded.strict = tool.strict;
    tools.push(decoded);
  }
  return tools;
}

export interface DecodedToolChoice {
  toolChoice?: IRToolChoice;
  parallelToolCalls?: boolean;
}

export function decodeToolChoice(raw: unknown): DecodedToolChoice {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw invalidRequest("tool_choice", "must be an object");
  const decoded: DecodedToolChoice = {};
  switch (raw.type) {
    case "auto":
      decoded.toolChoice = { type: "auto" };
      break;
    case "any":
      decoded.toolChoice = { type: "required" };
      break;
    case "none":
      decoded.toolChoice = { type: "none" };
      break;
    case "tool":
      if (typeof raw.name !== "string") throw invalidRequest("tool_choice.name", "must be a string");
      decoded.toolChoice = { type: "tool", name: raw.name };
      break;
    default:
      throw invalidRequest("tool_choice.type", 'must be "auto", "any", "tool" or "none"');
  }
  if (raw.disable_parallel_tool_use === true) decoded.parallelToolCalls = false;
  return decoded;
}

export function encodeTools(tools: IRTool[]): Array<Record<string, unknown>> {
  return tools.map((tool) => {
    const encoded: Record<string, unknown> = { name: tool.name };
    if (tool.description !== undefined) encoded.description = tool.description;
    // Anthropic requires a schema even for tools without arguments.
    encoded.input_schema = tool.parameters ?? { type: "object", properties: {} };
    if (tool.strict === true) encoded.strict = true;
    return encoded;
  });
}

export function encodeToolChoice(
  choice: IRToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): Record<string, unknown> | undefined {
  let encoded: Record<string, unknown>;
  switch (choice?.type) {
    case "none":
      return { type: "none" };
    case "required":
      encoded = { type: "any" };
      break;
    case "tool":
      encoded = { type: "tool", name: choice.name };
      break;
    case "auto":
      encoded = { type: "auto" };
      break;
    default:
      if (parallelToolCalls !== false) return undefined;
      encoded = { type: "auto" };
  }
  if (parallelToolCalls === false) encoded.disable_parallel_tool_use = true;
  return encoded;
}
