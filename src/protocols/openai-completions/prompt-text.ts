/** Flattens an IR conversation into the single prompt string a Completions upstream takes. */
import type { IRMessage, IRPart, IRRequest } from "../ir.ts";

/**
 * One user turn without instructions is sent verbatim, so a plain completion round-trips
 * unchanged. Anything richer becomes a labelled transcript that ends on an open assistant
 * turn; images, reasoning and tool plumbing have no text form and are left out.
 */
export function renderPrompt(req: IRRequest): string {
  const only = req.messages.length === 1 ? req.messages[0] : undefined;
  if (req.system.length === 0 && only?.role === "user") return textOf(only.content);

  const lines: string[] = [];
  if (req.system.length > 0) lines.push(req.system.map((t) => t.text).join("\n"));
  for (const message of req.messages) {
    const text = messageText(message);
    if (text !== "") lines.push(`${speaker(message)}: ${text}`);
  }
  lines.push("Assistant:");
  return lines.join("\n\n");
}

function speaker(message: IRMessage): string {
  if (message.role === "user") return "User";
  if (message.role === "assistant") return "Assistant";
  return "Tool";
}

function messageText(message: IRMessage): string {
  if (message.role !== "tool") return textOf(message.content);
  const results: string[] = [];
  for (const part of message.content) {
    if (part.type === "tool_result") results.push(textOf(part.content));
  }
  return results.join("\n");
}

function textOf(parts: readonly IRPart[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.type === "text") texts.push(part.text);
  return texts.join("\n");
}
