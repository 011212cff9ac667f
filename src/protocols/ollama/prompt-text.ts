/** Flattens IR turns into the single prompt /api/generate takes (the system prompt travels apart). */
import type { IRMessage, IRPart } from "../ir.ts";

/**
 * A lone user turn is sent verbatim. A conversation becomes a labelled transcript ending on an
 * open assistant turn; reasoning, images and tool plumbing have no text form here.
 */
export function renderPrompt(messages: readonly IRMessage[]): string {
  if (messages.length === 1 && messages[0].role === "user") return textOf(messages[0].content);
  const lines: string[] = [];
  for (const message of messages) {
    const text =
      message.role === "tool"
        ? message.content.map((p) => (p.type === "tool_result" ? textOf(p.content) : "")).join("\n")
        : textOf(message.content);
    if (text === "") continue;
    const speaker = message.role === "user" ? "User" : message.role === "assistant" ? "Assistant" : "Tool";
    lines.push(`${speaker}: ${text}`);
  }
  lines.push("Assistant:");
  return lines.join("\n\n");
}

function textOf(parts: readonly IRPart[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.type === "text") texts.push(part.text);
  return texts.join("\n");
}
