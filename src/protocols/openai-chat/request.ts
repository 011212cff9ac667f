/** Chat Completions request body <-> IR request. */
import type { IRRequest } from "../ir.ts";
import { invalidRequest, isObject, optionalNumber, optionalString } from "./invalid.ts";
import { decodeMessages, encodeMessages } from "./messages.ts";
import {
  decodeReasoningEffort,
  decodeResponseFormat,
  decodeStop,
  encodeReasoningEffort,
  encodeResponseFormat,
} from "./options.ts";
import { decodeToolChoice, decodeTools, encodeToolChoice, encodeTools } from "./tools.ts";

export function decodeRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (typeof body.model !== "string" || body.model === "")
    throw invalidRequest("model", "must be a non-empty string");
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    throw invalidRequest("stream", "must be a boolean");
  }
  const { system, messages } = decodeMessages(body.messages);
  const req: IRRequest = { model: body.model, system, messages, stream: body.stream === true };

  const tools = decodeTools(body.tools);
  if (tools !== undefined && tools.length > 0) req.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) req.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;

  // max_completion_tokens replaced the deprecated max_tokens; prefer it when both are sent.
  const maxTokens =
    optionalNumber(body.max_completion_tokens, "max_completion_tokens") ??
    optionalNumber(body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  assignNumber(req, "temperature", body.temperature, "temperature");
  assignNumber(req, "topP", body.top_p, "top_p");
  // Not OpenAI's, but vLLM-style servers and their clients use it.
  assignNumber(req, "topK", body.top_k, "top_k");
  assignNumber(req, "seed", body.seed, "seed");
  assignNumber(req, "presencePenalty", body.presence_penalty, "presence_penalty");
  assignNumber(req, "frequencyPenalty", body.frequency_penalty, "frequency_penalty");
  assignNumber(req, "n", body.n, "n");

  const stop = decodeStop(body.stop);
  if (stop !== undefined && stop.length > 0) req.stop = stop;
  if (isObject(body.stream_options) && typeof body.stream_options.include_usage === "boolean") {
    req.includeUsage = body.stream_options.include_usage;
  }
  const reasoning = decodeReasoningEffort(body.reasoning_effort);
  if (reasoning !== undefined) req.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat !== undefined) req.responseFormat = responseFormat;
  const user = optionalString(body.user, "user");
  if (user !== undefined) req.user = user;
  return req;
}

type NumericField = "temperature" | "topP" | "topK" | "seed" | "presencePenalty" | "frequencyPenalty" | "n";

function assignNumber(req: IRRequest, key: NumericField, raw: unknown, field: string): void {
  const value = optionalNumber(raw, field);
  if (value !== undefined) req[key] = value;
}

/**
 * IR -> upstream body. Uses `max_tokens`, which every OpenAI-compatible server understands
 * (OpenAI's own reasoning models want `max_completion_tokens`; providers may rename it). `top_k`
 * is not sent: OpenAI rejects unknown parameters.
 */
export function encodeRequest(req: IRRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: encodeMessages(req.system, req.messages) };
  if (req.stream) {
    body.stream = true;
    // Always ask for usage: the proxy accounts tokens even when the client did not ask.
    body.stream_options = { include_usage: true };
  }
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = encodeTools(req.tools);
    if (req.toolChoice !== undefined) body.tool_choice = encodeToolChoice(req.toolChoice);
    // OpenAI rejects both of these without tools.
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.n !== undefined && req.n !== 1) body.n = req.n;
  const effort = encodeReasoningEffort(req.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (req.responseFormat !== undefined) body.response_format = encodeResponseFormat(req.responseFormat);
  if (req.user !== undefined) body.user = req.user;
  return body;
}
