/** Ollama /api/chat and /api/generate response bodies <-> IR response. */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRResponse, IRToolCall } from "../ir.ts";
import {
  decodeDoneReason,
  decodeUsage,
  NO_DURATIONS,
  rfc3339,
  secondsFromRfc3339,
  writeDoneFields,
} from "./done-fields.ts";
import { invalidUpstream, isObject } from "./invalid.ts";
import { argumentsToJson, argumentsToObject } from "./tool-calls.ts";

/** Both endpoints answer alike: `message` for chat, top-level `response`/`thinking` for generate. */
export function decodeResponse(body: any): IRResponse {
  if (!isObject(body)) throw invalidUpstream("body is not a JSON object");
  if (typeof body.error === "string") throw invalidUpstream(body.error);
  const message = isObject(body.message) ? body.message : body;
  const text = typeof message.content === "string" ? message.content : body.response;
  const res: IRResponse = {
    id: randomId("ollama-"),
    model: typeof body.model === "string" ? body.model : "",
    created: secondsFromRfc3339(body.created_at, nowSeconds()),
    content: [],
    finishReason: "stop",
  };
  if (typeof message.thinking === "string" && message.thinking !== "") {
    res.content.push({ type: "reasoning", text: message.thinking });
  }
  if (typeof text === "string" && text !== "") res.content.push({ type: "text", text });
  const calls = decodeToolCalls(message.tool_calls);
  res.content.push(...calls);
  res.finishReason = decodeDoneReason(body.done_reason, calls.length > 0);
  const usage = decodeUsage(body);
  if (usage) res.usage = usage;
  return res;
}

function decodeToolCalls(raw: unknown): IRToolCall[] {
  if (!Array.isArray(raw)) return [];
  const calls: IRToolCall[] = [];
  for (const call of raw) {
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(fn) || typeof fn.name !== "string") continue;
    const id = typeof call.id === "string" && call.id !== "" ? call.id : randomId("call_");
    calls.push({ type: "tool_call", id, name: fn.name, arguments: argumentsToJson(fn.arguments) });
  }
  return calls;
}

/** An IR tool call as Ollama writes it; the id lets a client that echoes it back be matched exactly. */
export function encodeToolCall(id: string, index: number, name: string, args: string): unknown {
  return { id, function: { index, name, arguments: argumentsToObject(args) } };
}

export function encodeChatResponse(res: IRResponse, ctx: EncodeContext): unknown {
  const message: Record<string, unknown> = { role: "assistant", content: "" };
  let content = "";
  let thinking = "";
  const calls: unknown[] = [];
  const images: string[] = [];
  for (const part of res.content) {
    if (part.type === "text") content += part.text;
    else if (part.type === "reasoning") thinking += part.text;
    else if (part.type === "tool_call")
      calls.push(encodeToolCall(part.id, calls.length, part.name, part.arguments));
    else if (part.data !== undefined) images.push(part.data);
  }
  message.content = content;
  if (thinking !== "") message.thinking = thinking;
  if (calls.length > 0) message.tool_calls = calls;
  if (images.length > 0) message.images = images;
  const body: Record<string, unknown> = { model: ctx.model, created_at: rfc3339(res.created), message };
  writeDoneFields(body, res.finishReason, res.usage, NO_DURATIONS);
  return body;
}

/** /api/generate answers text (and thinking) only; tool calls and images have no field there. */
export function encodeGenerateResponse(res: IRResponse, ctx: EncodeContext): unknown {
  let response = "";
  let thinking = "";
  for (const part of res.content) {
    if (part.type === "text") response += part.text;
    else if (part.type === "reasoning") thinking += part.text;
  }
  const body: Record<string, unknown> = { model: ctx.model, created_at: rfc3339(res.created), response };
  if (thinking !== "") body.thinking = thinking;
  writeDoneFields(body, res.finishReason, res.usage, NO_DURATIONS);
  // `context` is the deprecated token memory; an empty list keeps clients that read it happy.
  body.context = [];
  return body;
}
