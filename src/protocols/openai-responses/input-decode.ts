/**
 * Client `input` (a string or a list of items) -> IR messages.
 *
 * Responses history is a flat list of items; IR groups it into turns. Consecutive assistant-side
 * items (assistant messages, reasoning, function calls) form one assistant turn, consecutive
 * `function_call_output` items one tool turn. System and developer messages join `system`.
 * Built-in tool items are dropped along with the built-in tools themselves.
 */
import type { IRMessage, IRPart, IRReasoningPart, IRText, IRToolResult } from "../ir.ts";
import { decodeContent, type MediaPart } from "./content.ts";
import { invalidRequest, isObject, requiredString } from "./invalid.ts";
import { reasoningText } from "./response.ts";

class TurnBuilder {
  readonly messages: IRMessage[] = [];
  /** Tool names by call id, so results can name their tool (Gemini needs it). */
  readonly toolNames = new Map<string, string>();

  /** Appends to the last turn when it has `role`, else starts one. User messages always start a turn. */
  add(role: IRMessage["role"], part: IRPart): void {
    const last = this.messages[this.messages.length - 1];
    if (role !== "user" && last !== undefined && last.role === role) last.content.push(part);
    else this.messages.push({ role, content: [part] });
  }
}

function decodeMessage(item: Record<string, any>, field: string, turns: TurnBuilder, system: IRText[]): void {
  const parts: MediaPart[] = [];
  decodeContent(item.content, `${field}.content`, parts);
  switch (item.role) {
    case "system":
    case "developer":
      for (const part of parts) {
        if (part.type !== "text")
          throw invalidRequest(`${field}.content`, "of a system message must be text");
        system.push(part);
      }
      return;
    case "user":
      turns.messages.push({ role: "user", content: parts });
      return;
    case "assistant":
      for (const part of parts) {
        if (part.type !== "text")
          throw invalidRequest(`${field}.content`, "of an assistant message must be text");
        turns.add("assistant", part);
      }
      return;
    default:
      throw invalidRequest(`${field}.role`, 'must be "user", "assistant", "system" or "developer"');
  }
}

function decodeReasoningItem(item: Record<string, any>): IRReasoningPart | undefined {
  const part: IRReasoningPart = { type: "reasoning", text: reasoningText(item) };
  if (typeof item.encrypted_content === "string" && item.encrypted_content !== "") {
    part.signature = item.encrypted_content;
  }
  return part.text === "" && part.signature === undefined ? undefined : part;
}

function decodeFunctionCall(item: Record<string, any>, field: string, turns: TurnBuilder): void {
  const id = requiredString(item.call_id, `${field}.call_id`);
  const name = requiredString(item.name, `${field}.name`);
  const args = item.arguments;
  const text =
    typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args);
  turns.toolNames.set(id, name);
  turns.add("assistant", { type: "tool_call", id, name, arguments: text });
}

function decodeFunctionOutput(item: Record<string, any>, field: string, turns: TurnBuilder): void {
  const toolCallId = requiredString(item.call_id, `${field}.call_id`);
  const content: MediaPart[] = [];
  decodeContent(item.output, `${field}.output`, content);
  const result: IRToolResult = { type: "tool_result", toolCallId, content };
  const name = turns.toolNames.get(toolCallId);
  if (name !== undefined) result.name = name;
  turns.add("tool", result);
}

/** `input` -> IR messages; system and developer messages are appended to `system`. */
export function decodeInput(input: unknown, system: IRText[]): IRMessage[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ role: "user", content: [{ type: "text", text: input }] }];
  if (!Array.isArray(input)) throw invalidRequest("input", "must be a string or an array of items");
  const turns = new TurnBuilder();
  for (let i = 0; i < input.length; i++) {
    const item = input[i];
    const field = `input[${i}]`;
    if (!isObject(item)) throw invalidRequest(field, "must be an object");
    // Easy input messages may omit `type`.
    const type = item.type ?? "message";
    switch (type) {
      case "message":
        decodeMessage(item, field, turns, system);
        break;
      case "function_call":
        decodeFunctionCall(item, field, turns);
        break;
      case "function_call_output":
        decodeFunctionOutput(item, field, turns);
        break;
      case "reasoning": {
        const part = decodeReasoningItem(item);
        if (part !== undefined) turns.add("assistant", part);
        break;
      }
      default:
        // Server-side references and built-in tool items (web_search_call, custom_tool_call,
        // local_shell_call, ...) have no IR meaning.
        if (typeof type !== "string") throw invalidRequest(`${field}.type`, "must be a string");
    }
  }
  return turns.messages;
}
