/** `tools` and `tool_choice` <-> IR. Only function tools translate; built-in tools are skipped. */
import type { IRTool, IRToolChoice } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

/** Client `tools` -> IR tools. Hosted tools (web_search, file_search, custom, local_shell, ...) have no IR meaning. */
export function decodeTools(tools: unknown): IRTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest("tools", "must be an array");
  const out: IRTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isObject(tool)) throw invalidRequest(`tools[${i}]`, "must be an object");
    if (tool.type !== "function") continue;
    // Chat Completions clients nest the definition under `function`; accept that shape too.
    const def = isObject(tool.function) ? tool.function : tool;
    if (typeof def.name !== "string" || def.name === "")
      throw invalidRequest(`tools[${i}].name`, "is required");
    const ir: IRTool = { name: def.name };
    if (typeof def.description === "string") ir.description = def.description;
    if (def.parameters !== undefined && def.parameters !== null) ir.parameters = def.parameters;
    if (typeof def.strict === "boolean") ir.strict = def.strict;
    out.push(ir);
  }
  return out;
}

function modeChoice(mode: unknown, field: string): IRToolChoice {
  switch (mode) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "required" };
    default:
      throw invalidRequest(field, 'must be "auto", "none", "required" or an object');
  }
}

/** Client `tool_choice` -> IR. A forced built-in tool has no IR meaning and leaves the choice to the model. */
export function decodeToolChoice(choice: unknown): IRToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") return modeChoice(choice, "tool_choice");
  if (!isObject(choice)) throw invalidRequest("tool_choice", "must be a string or an object");
  if (choice.type === "function") {
    const name = isObject(choice.function) ? choice.function.name : choice.name;
    if (typeof name !== "string" || name === "") throw invalidRequest("tool_choice.name", "is required");
    return { type: "tool", name };
  }
  if (choice.type === "allowed_tools") return modeChoice(choice.mode, "tool_choice.mode");
  return { type: "auto" };
}

export function encodeTool(tool: IRTool): Record<string, unknown> {
  return {
    type: "function",
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.parameters ?? { type: "object", properties: {} },
    // The Responses API treats an absent `strict` as true, which rejects ordinary schemas.
    strict: tool.strict ?? false,
  };
}

export function encodeToolChoice(choice: IRToolChoice): string | Record<string, unknown> {
  return choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
}
