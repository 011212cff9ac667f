/** Ollama /api/chat request body <-> IR request. */
import type { IRRequest } from "../ir.ts";
import { decodeChatMessages, encodeChatMessages } from "./chat-messages.ts";
import { invalidRequest, isObject } from "./invalid.ts";
import { decodeCommon, encodeCommon } from "./request-common.ts";
import { decodeTools, encodeTools } from "./tool-calls.ts";

export function decodeChatRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  const { system, messages } = decodeChatMessages(body.messages);
  const req = decodeCommon(body, system, messages);
  const tools = decodeTools(body.tools);
  if (tools) req.tools = tools;
  return req;
}

/** Ollama has no tool_choice or parallel-call switch; those IR fields are dropped. */
export function encodeChatRequest(req: IRRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: encodeChatMessages(req) };
  const tools = req.toolChoice?.type === "none" ? undefined : encodeTools(req.tools);
  if (tools) body.tools = tools;
  return encodeCommon(req, body);
}
