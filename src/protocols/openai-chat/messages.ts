/**
 * The `messages` array in both directions. System and developer messages become IR system text;
 * consecutive `tool` messages become one IR tool message whose results carry the tool name found
 * in the assistant turn that made the call.
 */
import type { IRMessage, IRPart, IRReasoningPart, IRText, IRToolCall, IRToolResult } from "../ir.ts";
import { decodeMediaContent, encodePart, encodeUserContent, type MediaPart } from "./content.ts";
import { invalidRequest, isObject } from "./invalid.ts";
import { decodeReasoning, encodeReasoning, type ReasoningFields } from "./reasoning.ts";
import { decodeToolCall, encodeToolCall } from "./tools.ts";

export interface DecodedMessages {
  system: IRText[];
  messages: IRMessage[];
}

export function decodeMessages(raw: unknown): DecodedMessages {
  if (!Array.isArray(raw)) throw invalidRequest("messages", "must be an array");
  const system: IRText[] = [];
  const messages: IRMessage[] = [];
  const toolNames = new Map<string, string>();
  for (let i = 0; i < raw.length; i++) {
    const message = raw[i];
    const field = `messages[${i}]`;
    if (!isObject(message)) throw invalidRequest(field, "must be an object");
    switch (message.role) {
      case "system":
      case "developer":
        for (const part of decodeMediaContent(message.content, `${field}.content`)) {
          if (part.type !== "text") throw invalidRequest(`${field}.content`, "may only hold text");
          system.push(part);
        }
        break;
      case "user":
        messages.push({ role: "user", content: decodeMediaContent(message.content, `${field}.content`) });
        break;
      case "assistant":
        messages.push(decodeAssistant(message, field, toolNames));
        break;
      case "tool":
        appendToolResult(messages, decodeToolResult(message, field, toolNames));
        break;
      default:
        throw invalidRequest(`${field}.role`, 'must be "system", "developer", "user", "assistant" or "tool"');
    }
  }
  return { system, messages };
}

function decodeAssistant(
  message: Record<string, any>,
  field: string,
  toolNames: Map<string, string>,
): IRMessage {
  const content: IRPart[] = decodeReasoning(message);
  const text = assistantText(message.content, `${field}.content`);
  if (text !== "") content.push({ type: "text", text });
  const calls = message.tool_calls;
  if (calls !== undefined && calls !== null) {
    if (!Array.isArray(calls)) throw invalidRequest(`${field}.tool_calls`, "must be an array");
    for (let j = 0; j < calls.length; j++) {
      const call = decodeToolCall(calls[j], `${field}.tool_calls[${j}]`);
      toolNames.set(call.id, call.name);
      content.push(call);
    }
  }
  return { role: "assistant", content };
}

/** Assistant content is a string, null, or text/refusal parts. */
function assistantText(content: unknown, field: string): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (!Array.isArray(content)) throw invalidRequest(field, "must be a string, null or an array");
  let text = "";
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    if (!isObject(part)) throw invalidRequest(`${field}[${j}]`, "must be an object");
    if (part.type === "text" && typeof part.text === "string") text += part.text;
    else if (part.type === "refusal" && typeof part.refusal === "string") text += part.refusal;
    else throw invalidRequest(`${field}[${j}].type`, 'must be "text" or "refusal"');
  }
  return text;
}

function decodeToolResult(
  message: Record<string, any>,
  field: string,
  toolNames: Map<string, string>,
): IRToolResult {
  const id = message.tool_call_id;
  if (typeof id !== "string" || id === "")
    throw invalidRequest(`${field}.tool_call_id`, "must be a non-empty string");
  const result: IRToolResult = {
    type: "tool_result",
    toolCallId: id,
    content: decodeMediaContent(message.content, `${field}.content`),
  };
  const name = toolNames.get(id) ?? (typeof message.name === "string" ? message.name : undefined);
  if (name !== undefined) result.name = name;
  return result;
}

function appendToolResult(messages: IRMessage[], result: IRToolResult): void {
  const last = messages[messages.length - 1];
  if (last?.role === "tool") last.content.push(result);
  else messages.push({ role: "tool", content: [result] });
}

type WireMessage = Record<string, unknown>;

export function encodeMessages(system: readonly IRText[], messages: readonly IRMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const text of system) out.push({ role: "system", content: text.text });
  for (const message of messages) {
    if (message.role === "user") out.push({ role: "user", content: encodeUserContent(userParts(message)) });
    else if (message.role === "assistant") out.push(encodeAssistant(message.content));
    else encodeToolResults(message.content, out);
  }
  return out;
}

function userParts(message: IRMessage): MediaPart[] {
  const parts: MediaPart[] = [];
  for (const part of message.content) {
    if (part.type === "text" || part.type === "image" || part.type === "file") parts.push(part);
  }
  return parts;
}

function encodeAssistant(content: readonly IRPart[]): WireMessage {
  let text = "";
  const reasoning: IRReasoningPart[] = [];
  const calls: IRToolCall[] = [];
  for (const part of content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning.push(part);
    else if (part.type === "tool_call") calls.push(part);
    // Assistant images cannot be replayed to a chat model: OpenAI assistant content is text only.
  }
  const wire: WireMessage & ReasoningFields = {
    role: "assistant",
    content: text === "" && calls.length > 0 ? null : text,
  };
  encodeReasoning(reasoning, wire);
  if (calls.length > 0) wire.tool_calls = calls.map(encodeToolCall);
  return wire;
}

/**
 * One `tool` message per result. Tool messages only take text, so images and files a tool
 * returned follow in a single user message after the results.
 */
function encodeToolResults(content: readonly IRPart[], out: WireMessage[]): void {
  const media: Array<Record<string, unknown>> = [];
  for (const part of content) {
    if (part.type !== "tool_result") continue;
    const texts: Array<Record<string, unknown>> = [];
    for (const item of part.content) {
      if (item.type === "text") texts.push({ type: "text", text: item.text });
      else media.push(encodePart(item));
    }
    const text = texts.length === 0 ? "" : texts.length === 1 ? texts[0].text : texts;
    out.push({ role: "tool", tool_call_id: part.toolCallId, content: text });
  }
  if (media.length > 0) out.push({ role: "user", content: media });
}
