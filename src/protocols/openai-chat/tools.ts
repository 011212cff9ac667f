/**
 * Function tools, `tool_choice` and assistant `tool_calls`, both directions. Gemini's
 * OpenAI-compatible API carries a call's thought signature in `extra_content.google.thought_signature`;
 * it is kept on the IR tool call so it can travel back.
 */
import { randomId } from "../ids.ts";
import type { IRTool, IRToolCall, IRToolChoice } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export function decodeTools(raw: unknown): IRTool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidRequest("tools", "must be an array");
  const tools: IRTool[] = [];
  for (let i = 0; i < raw.length; i++) {
    const tool = raw[i];
    const field = `tools[${i}]`;
    if (!isObject(tool)) throw invalidRequest(field, "must be an object");
    if (tool.type !== "function") {
      throw invalidRequest(`${field}.type`, `"${tool.type}" cannot be translated; only function tools can`);
    }
    const fn = tool.function;
    if (!isObject(fn) || typeof fn.name !== "string" || fn.name === "") {
      throw invalidRequest(`${field}.function.name`, "must be a non-empty string");
    }
    const decoded: IRTool = { name: fn.name };
    if (typeof fn.description === "string") decoded.description = fn.description;
    if (fn.parameters !== undefined && fn.parameters !== null) decoded.parameters = fn.parameters;
    if (typeof fn.strict === "boolean") decoded.strict = fn.strict;
    tools.push(decoded);
  }
  return tools;
}

export function encodeTools(tools: readonly IRTool[]): Array<Record<string, unknown>> {
  return tools.map((tool) => {
    const fn: Record<string, unknown> = { name: tool.name };
    if (tool.description !== undefined) fn.description = tool.description;
    if (tool.parameters !== undefined) fn.parameters = tool.parameters;
    if (tool.strict !== undefined) fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}

export function decodeToolChoice(raw: unknown): IRToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === "auto" || raw === "none" || raw === "required") return { type: raw };
  if (isObject(raw)) {
    if (raw.type === "function" && isObject(raw.function) && typeof raw.function.name === "string") {
      return { type: "tool", name: raw.function.name };
    }
    // `allowed_tools` narrows the tool list; the IR keeps only its mode.
    if (raw.type === "allowed_tools" && isObject(raw.allowed_tools)) {
      return raw.allowed_tools.mode === "required" ? { type: "required" } : { type: "auto" };
    }
  }
  throw invalidRequest(
    "tool_choice",
    'must be "auto", "none", "required" or {type:"function",function:{name}}',
  );
}

export function encodeToolChoice(choice: IRToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type;
}

/** One entry of an assistant message's `tool_calls` -> IR. */
export function decodeToolCall(raw: unknown, field: string): IRToolCall {
  if (!isObject(raw)) throw invalidRequest(field, "must be an object");
  const fn = raw.function;
  if (!isObject(fn) || typeof fn.name !== "string")
    throw invalidRequest(`${field}.function.name`, "must be a string");
  const args = fn.arguments;
  const call: IRToolCall = {
    type: "tool_call",
    id: typeof raw.id === "string" && raw.id !== "" ? raw.id : randomId("call_"),
    name: fn.name,
    // Arguments are JSON text; a few clients send the object itself.
    arguments:
      typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args),
  };
  const signature = thoughtSignature(raw);
  if (signature !== undefined) call.signature = signature;
  return call;
}

export function encodeToolCall(call: IRToolCall): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  };
  if (call.signature !== undefined) wire.extra_content = signatureExtra(call.signature);
  return wire;
}

/** Gemini's `extra_content.google.thought_signature` of a tool call (or tool call delta). */
export function thoughtSignature(raw: Record<string, any>): string | undefined {
  const signature = raw.extra_content?.google?.thought_signature;
  return typeof signature === "string" && signature !== "" ? signature : undefined;
}

export function signatureExtra(signature: string): Record<string, unknown> {
  return { google: { thought_signature: signature } };
}
