/**
 * Gemini `contents[]` -> IR messages.
 *
 * Consecutive model contents form one assistant message (chat histories keep one content per
 * streamed chunk). A user content is split into a `tool` message holding its functionResponse
 * parts, placed first as every other format needs results right after the calls, and a `user`
 * message with the rest. Gemini calls usually carry no id, so calls get ids from their position
 * (stable across requests as the history grows) and each response takes the id of the first
 * unanswered call of the same name in the preceding model turn.
 */
import type { IRMessage, IRPart, IRToolResult } from "../ir.ts";
import { field, invalidRequest, isObject, type JsonObject } from "./fields.ts";
import { AssistantContent, decodeFunctionResponse, decodeMediaPart } from "./parts-decode.ts";

interface OpenCall {
  name: string;
  id: string;
  answered: boolean;
}

export function decodeContents(contents: unknown): IRMessage[] {
  if (!Array.isArray(contents)) throw invalidRequest("contents", "must be an array");
  const messages: IRMessage[] = [];
  let assistant: AssistantContent | undefined;
  let assistantPushed = false;
  let openCalls: OpenCall[] = [];

  contents.forEach((content, ci) => {
    const path = `contents[${ci}]`;
    if (!isObject(content)) throw invalidRequest(path, "must be an object");
    const parts = content.parts;
    if (!Array.isArray(parts)) throw invalidRequest(`${path}.parts`, "must be an array");
    const role = content.role ?? "user";

    if (role === "model") {
      if (!assistant) {
        assistant = new AssistantContent();
        assistantPushed = false;
        openCalls = [];
      }
      const builder = assistant;
      parts.forEach((part, pi) => {
        if (!isObject(part)) throw invalidRequest(`${path}.parts[${pi}]`, "must be an object");
        const before = builder.content.length;
        builder.add(part, () => `call_${ci}_${pi}`);
        const added = builder.content[builder.content.length - 1];
        if (builder.content.length > before && added.type === "tool_call") {
          openCalls.push({ name: added.name, id: added.id, answered: false });
        }
      });
      // An empty model turn (the SDK records one for an empty answer) adds no message.
      if (!assistantPushed && builder.content.length > 0) {
        messages.push({ role: "assistant", content: builder.content });
        assistantPushed = true;
      }
      return;
    }
    if (role !== "user" && role !== "function" && role !== "tool") {
      throw invalidRequest(`${path}.role`, `must be "user" or "model", got ${JSON.stringify(role)}`);
    }
    assistant = undefined;

    const results: IRToolResult[] = [];
    const rest: IRPart[] = [];
    parts.forEach((part, pi) => {
      if (!isObject(part)) throw invalidRequest(`${path}.parts[${pi}]`, "must be an object");
      const response = field(part, "functionResponse", "function_response");
      if (isObject(response)) {
        results.push(decodeResponsePart(response, openCalls, `call_${ci}_${pi}`));
        return;
      }
      if (typeof part.text === "string") {
        if (part.text !== "" && part.thought !== true) rest.push({ type: "text", text: part.text });
        return;
      }
      const media = decodeMediaPart(part);
      if (media) rest.push(media);
    });
    if (results.length > 0) append(messages, "tool", results);
    if (rest.length > 0) append(messages, "user", rest);
  });
  return messages;
}

function decodeResponsePart(response: JsonObject, openCalls: OpenCall[], fallbackId: string): IRToolResult {
  const name = String(response.name ?? "");
  let id: string | undefined =
    typeof response.id === "string" && response.id !== "" ? response.id : undefined;
  const call = id
    ? openCalls.find((c) => c.id === id)
    : openCalls.find((c) => !c.answered && c.name === name);
  if (call) {
    call.answered = true;
    id ??= call.id;
  }
  return decodeFunctionResponse(response, id ?? fallbackId, name);
}

/** Appends parts to the last message when it has the same role, else starts a new message. */
function append(messages: IRMessage[], role: "user" | "tool", parts: IRPart[]): void {
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...parts);
  else messages.push({ role, content: parts });
}
