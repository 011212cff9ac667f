/** IR messages -> upstream `input` items. */
import type { IRMessage, IRToolResult } from "../ir.ts";
import { encodeContent } from "./content.ts";

type Item = Record<string, unknown>;

function toolOutput(result: IRToolResult): string | Item[] {
  let text = "";
  for (const part of result.content) {
    if (part.type !== "text") return encodeContent(result.content);
    text += part.text;
  }
  return text;
}

function encodeAssistant(message: IRMessage, out: Item[]): void {
  // Consecutive text parts share one assistant message item.
  let texts: Item[] | undefined;
  for (const part of message.content) {
    if (part.type === "text") {
      if (texts === undefined) {
        texts = [];
        out.push({ type: "message", role: "assistant", content: texts });
      }
      texts.push({ type: "output_text", text: part.text });
      continue;
    }
    texts = undefined;
    if (part.type === "tool_call") {
      out.push({ type: "function_call", call_id: part.id, name: part.name, arguments: part.arguments });
    } else if (part.type === "reasoning" && part.signature !== undefined) {
      // Without `store`, a reasoning item is only accepted with its encrypted content; reasoning
      // text alone (or Anthropic redacted thinking) cannot be replayed and is dropped.
      out.push({
        type: "reasoning",
        summary: part.text === "" ? [] : [{ type: "summary_text", text: part.text }],
        encrypted_content: part.signature,
      });
    }
  }
}

export function encodeInput(messages: readonly IRMessage[]): Item[] {
  const out: Item[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      encodeAssistant(message, out);
    } else if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool_result") continue;
        out.push({ type: "function_call_output", call_id: part.toolCallId, output: toolOutput(part) });
      }
    } else {
      const parts = [];
      for (const part of message.content) {
        if (part.type === "text" || part.type === "image" || part.type === "file") parts.push(part);
      }
      out.push({ type: "message", role: "user", content: encodeContent(parts) });
    }
  }
  return out;
}

/** Whether the history carries encrypted reasoning that the upstream must keep returning. */
export function hasReasoningSignatures(messages: readonly IRMessage[]): boolean {
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const part of message.content)
      if (part.type === "reasoning" && part.signature !== undefined) return true;
  }
  return false;
}
