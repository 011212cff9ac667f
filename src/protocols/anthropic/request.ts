/** Anthropic Messages request body <-> IR request. */
import type { IRRequest, IRResponseFormat, IRText } from "../ir.ts";
import { invalidRequest, isObject, optionalNumber } from "./invalid.ts";
import { decodeMessages, encodeMessages } from "./messages.ts";
import { decodeThinking, encodeThinking } from "./thinking.ts";
import { decodeToolChoice, decodeTools, encodeToolChoice, encodeTools } from "./tools.ts";

export function decodeRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (typeof body.model !== "string" || body.model === "") throw invalidRequest("model", "must be a string");
  const req: IRRequest = {
    model: body.model,
    system: decodeSystem(body.system),
    messages: decodeMessages(body.messages),
    stream: body.stream === true,
  };
  const tools = decodeTools(body.tools);
  if (tools !== undefined) req.tools = tools;
  const { toolChoice, parallelToolCalls } = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) req.toolChoice = toolChoice;
  if (parallelToolCalls !== undefined) req.parallelToolCalls = parallelToolCalls;

  const maxTokens = optionalNumber(body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) req.topP = topP;
  const topK = optionalNumber(body.top_k, "top_k");
  if (topK !== undefined) req.topK = topK;
  const stop = decodeStopSequences(body.stop_sequences);
  if (stop !== undefined) req.stop = stop;

  const reasoning = decodeThinking(body.thinking, body.output_config);
  if (reasoning !== undefined) req.reasoning = reasoning;
  // `output_format` is the beta spelling the API still accepts next to output_config.format.
  const responseFormat = decodeOutputFormat(body.output_config?.format ?? body.output_format);
  if (responseFormat !== undefined) req.responseFormat = responseFormat;
  if (isObject(body.metadata) && typeof body.metadata.user_id === "string") req.user = body.metadata.user_id;
  return req;
}

function decodeSystem(system: unknown): IRText[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return system === "" ? [] : [{ type: "text", text: system }];
  if (!Array.isArray(system)) throw invalidRequest("system", "must be a string or an array of text blocks");
  const parts: IRText[] = [];
  for (let i = 0; i < system.length; i++) {
    const block = system[i];
    if (!isObject(block) || block.type !== "text" || typeof block.text !== "string") {
      throw invalidRequest(`system[${i}]`, "must be a text block");
    }
    // cache_control and citations are Anthropic-only hints; the text is what carries over.
    parts.push({ type: "text", text: block.text });
  }
  return parts;
}

function decodeStopSequences(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === "string")) {
    throw invalidRequest("stop_sequences", "must be an array of strings");
  }
  return raw;
}

function decodeOutputFormat(format: unknown): IRResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isObject(format) || format.type !== "json_schema" || !isObject(format.schema)) {
    throw invalidRequest("output_config.format", 'must be {"type":"json_schema","schema":{...}}');
  }
  return { type: "json_schema", schema: format.schema };
}

/**
 * IR -> upstream body.
 *
 * Structured output uses Anthropic's native `output_config.format` (GA, no beta header) rather
 * than the older forced-tool trick: the answer then arrives as ordinary text, so responses and
 * streams need no rewriting. `json_object` has no Anthropic equivalent and is left out.
 *
 * Anthropic rejects thinking combined with a forced tool choice, and with temperature other than
 * 1, top_p below 0.95 or any top_k. Clients of other formats send those freely, so the encoder
 * keeps the forced tool (what the client's code depends on) and drops the conflicting sampling.
 */
export function encodeRequest(req: IRRequest, model: string): Record<string, unknown> {
  const hasTools = req.tools !== undefined && req.tools.length > 0;
  const forcesTool = hasTools && (req.toolChoice?.type === "required" || req.toolChoice?.type === "tool");
  const thinking = encodeThinking(
    forcesTool && req.reasoning?.effort !== "none" ? undefined : req.reasoning,
    model,
    req.maxTokens,
  );
  const body: Record<string, unknown> = { model, max_tokens: thinking.maxTokens };
  if (req.system.length > 0) body.system = req.system.map((part) => ({ type: "text", text: part.text }));
  body.messages = encodeMessages(req.messages);
  if (hasTools) {
    body.tools = encodeTools(req.tools!);
    const toolChoice = encodeToolChoice(req.toolChoice, req.parallelToolCalls);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  if (thinking.thinking !== undefined) body.thinking = thinking.thinking;
  const outputConfig: Record<string, unknown> = {};
  if (thinking.effort !== undefined) outputConfig.effort = thinking.effort;
  if (req.responseFormat?.type === "json_schema") {
    outputConfig.format = { type: "json_schema", schema: req.responseFormat.schema };
  }
  if (outputConfig.effort !== undefined || outputConfig.format !== undefined)
    body.output_config = outputConfig;
  const thinks = thinking.thinking !== undefined && thinking.thinking.type !== "disabled";
  if (req.temperature !== undefined && (!thinks || req.temperature === 1)) body.temperature = req.temperature;
  if (req.topP !== undefined && (!thinks || req.topP >= 0.95)) body.top_p = req.topP;
  if (req.topK !== undefined && !thinks) body.top_k = req.topK;
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  body.stream = req.stream;
  return body;
}
