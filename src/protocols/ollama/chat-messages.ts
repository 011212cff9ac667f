/** Ollama chat `messages` <-> IR system + messages, with tool-call ids made up where Ollama has none. */
import type { IRMessage, IRPart, IRRequest, IRText, IRToolCall, IRToolResult } from "../ir.ts";
import { decodeImages, encodeImage } from "./images.ts";
import { invalidRequest, isObject, optionalString } from "./invalid.ts";
import { argumentsToJson, argumentsToObject } from "./tool-calls.ts";

interface PendingCall {
  id: string;
  name: string;
}

export function decodeChatMessages(raw: unknown): { system: IRText[]; messages: IRMessage[] } {
  if (raw === undefined || raw === null) return { system: [], messages: [] };
  if (!Array.isArray(raw)) throw invalidRequest("messages", "must be an array");
  const system: IRText[] = [];
  const messages: IRMessage[] = [];
  // Calls not yet answered, oldest first: Ollama results name the tool at best, never the call.
  const pending: PendingCall[] = [];

  for (let i = 0; i < raw.length; i++) {
    const m = raw[i];
    const field = `messages[${i}]`;
    if (!isObject(m)) throw invalidRequest(field, "must be an object");
    const content = optionalString(m.content, `${field}.content`) ?? "";
    switch (m.role) {
      case "system":
      case "developer":
        if (content !== "") system.push({ type: "text", text: content });
        break;
      case "user": {
        const parts: IRPart[] = [];
        if (content !== "") parts.push({ type: "text", text: content });
        parts.push(...decodeImages(m.images, `${field}.images`));
        if (parts.length === 0) parts.push({ type: "text", text: "" });
        messages.push({ role: "user", content: parts });
        break;
      }
      case "assistant":
        messages.push(decodeAssistant(m, i, pending));
        break;
      case "tool": {
        const result = decodeToolResult(m, i, content, pending);
        const last = messages.at(-1);
        // Consecutive results answer one assistant turn: keep them in one IR tool message.
        if (last?.role === "tool") last.content.push(result);
        else messages.push({ role: "tool", content: [result] });
        break;
      }
      default:
        throw invalidRequest(`${field}.role`, 'must be one of "system", "user", "assistant", "tool"');
    }
  }
  return { system, messages };
}

function decodeAssistant(m: Record<string, any>, index: number, pending: PendingCall[]): IRMessage {
  const field = `messages[${index}]`;
  const parts: IRPart[] = [];
  const thinking = optionalString(m.thinking, `${field}.thinking`);
  if (thinking) parts.push({ type: "reasoning", text: thinking });
  if (typeof m.content === "string" && m.content !== "") parts.push({ type: "text", text: m.content });
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) throw invalidRequest(`${field}.tool_calls`, "must be an array");
    m.tool_calls.forEach((call: unknown, j: number) => {
      const fn = isObject(call) ? call.function : undefined;
      if (!isObject(fn) || typeof fn.name !== "string" || fn.name === "") {
        throw invalidRequest(`${field}.tool_calls[${j}].function.name`, "must be a string");
      }
      // Position-based ids stay the same when the client resends the history next turn, so the
      // upstream's prompt cache still matches. Newer clients may echo an id we handed out.
      const id =
        isObject(call) && typeof call.id === "string" && call.id !== "" ? call.id : `call_${index}_${j}`;
      const part: IRToolCall = {
        type: "tool_call",
        id,
        name: fn.name,
        arguments: argumentsToJson(fn.arguments),
      };
      parts.push(part);
      pending.push({ id, name: fn.name });
    });
  }
  if (parts.length === 0) parts.push({ type: "text", text: "" });
  return { role: "assistant", content: parts };
}

/** Matches a result to an unanswered call: by id if given, else the earliest by tool name, else the oldest. */
function decodeToolResult(
  m: Record<string, any>,
  index: number,
  content: string,
  pending: PendingCall[],
): IRToolResult {
  const field = `messages[${index}]`;
  const givenId = optionalString(m.tool_call_id, `${field}.tool_call_id`);
  const givenName =
    optionalString(m.tool_name, `${field}.tool_name`) ?? optionalString(m.name, `${field}.name`);
  let at = givenId ? pending.findIndex((c) => c.id === givenId) : -1;
  if (at < 0 && givenName) at = pending.findIndex((c) => c.name === givenName);
  // A result that names nothing we know still answers some call: upstreams reject orphans.
  if (at < 0 && pending.length > 0) at = 0;
  const call = at >= 0 ? pending.splice(at, 1)[0] : undefined;

  const result: IRToolResult = {
    type: "tool_result",
    toolCallId: call?.id ?? givenId ?? `call_${index}_result`,
    content: [],
  };
  const name = call?.name ?? givenName;
  if (name !== undefined) result.name = name;
  if (content !== "") result.content.push({ type: "text", text: content });
  result.content.push(...decodeImages(m.images, `${field}.images`));
  if (result.content.length === 0) result.content.push({ type: "text", text: "" });
  return result;
}

/** IR -> Ollama chat messages. Tool results get the tool's name, recovered from the call when missing. */
export function encodeChatMessages(req: IRRequest): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (req.system.length > 0)
    out.push({ role: "system", content: req.system.map((t) => t.text).join("\n\n") });
  const names = new Map<string, string>();

  for (const message of req.messages) {
    if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool_result") continue;
        const entry: Record<string, unknown> = { role: "tool", content: joinText(part.content) };
        const name = part.name ?? names.get(part.toolCallId);
        if (name !== undefined) entry.tool_name = name;
        const images = encodeImages(part.content);
        if (images) entry.images = images;
        out.push(entry);
      }
      continue;
    }
    const entry: Record<string, unknown> = { role: message.role, content: joinText(message.content) };
    const images = encodeImages(message.content);
    if (images) entry.images = images;
    if (message.role === "assistant") {
      const thinking = message.content
        .filter((p) => p.type === "reasoning")
        .map((p) => p.text)
        .join("");
      if (thinking !== "") entry.thinking = thinking;
      const calls: unknown[] = [];
      for (const part of message.content) {
        if (part.type !== "tool_call") continue;
        names.set(part.id, part.name);
        calls.push({ function: { name: part.name, arguments: argumentsToObject(part.arguments) } });
      }
      if (calls.length > 0) entry.tool_calls = calls;
    }
    out.push(entry);
  }
  return out;
}

function joinText(parts: readonly IRPart[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.type === "text") texts.push(part.text);
  return texts.join("\n");
}

function encodeImages(parts: readonly IRPart[]): string[] | undefined {
  const images: string[] = [];
  for (const part of parts) {
    if (part.type !== "image") continue;
    const data = encodeImage(part);
    if (data !== undefined) images.push(data);
  }
  return images.length > 0 ? images : undefined;
}
