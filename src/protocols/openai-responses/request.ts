/** Responses API request bodies (`POST /v1/responses`) <-> IR requests. */
import type { IRRequest, IRText } from "../ir.ts";
import { decodeInput } from "./input-decode.ts";
import { encodeInput, hasReasoningSignatures } from "./input-encode.ts";
import { invalidRequest, isObject, optionalNumber } from "./invalid.ts";
import { decodeReasoning, encodeReasoning } from "./reasoning.ts";
import { decodeTextFormat, encodeTextFormat } from "./text-format.ts";
import { decodeToolChoice, decodeTools, encodeTool, encodeToolChoice } from "./tools.ts";

function decodeUser(body: Record<string, any>): string | undefined {
  if (typeof body.user === "string") return body.user;
  if (typeof body.safety_identifier === "string") return body.safety_identifier;
  const fromMetadata = isObject(body.metadata) ? body.metadata.user_id : undefined;
  return typeof fromMetadata === "string" ? fromMetadata : undefined;
}

/** Client body -> IR. `previous_response_id` and `store` are server-side state the proxy does not keep. */
export function decodeRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (typeof body.model !== "string" || body.model === "") throw invalidRequest("model", "is required");
  const system: IRText[] = [];
  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== "string") throw invalidRequest("instructions", "must be a string");
    if (body.instructions !== "") system.push({ type: "text", text: body.instructions });
  }
  const req: IRRequest = {
    model: body.model,
    system,
    messages: decodeInput(body.input, system),
    stream: body.stream === true,
  };
  const tools = decodeTools(body.tools);
  if (tools !== undefined) req.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) req.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;
  const maxTokens = optionalNumber(body.max_output_tokens, "max_output_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) req.topP = topP;
  const reasoning = decodeReasoning(body.reasoning);
  if (reasoning !== undefined) req.reasoning = reasoning;
  const responseFormat = decodeTextFormat(body.text);
  if (responseFormat !== undefined) req.responseFormat = responseFormat;
  const user = decodeUser(body);
  if (user !== undefined) req.user = user;
  return req;
}

/**
 * IR -> upstream body. The proxy keeps no server-side state, so `store` is false and encrypted
 * reasoning is requested whenever reasoning is in play, to be replayed on the next turn. Stop
 * sequences, top_k, seed and penalties have no Responses equivalent and are dropped.
 */
export function encodeRequest(req: IRRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  if (req.system.length > 0) body.instructions = req.system.map((part) => part.text).join("\n\n");
  body.input = encodeInput(req.messages);
  if (req.tools !== undefined && req.tools.length > 0) body.tools = req.tools.map(encodeTool);
  if (req.toolChoice !== undefined) body.tool_choice = encodeToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.maxTokens !== undefined) body.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  const reasoning = encodeReasoning(req.reasoning);
  if (reasoning !== undefined) body.reasoning = reasoning;
  // Non-reasoning models reject this include, so it is only sent when reasoning is in play.
  const reasons = reasoning !== undefined && reasoning.effort !== "none";
  if (reasons || hasReasoningSignatures(req.messages)) body.include = ["reasoning.encrypted_content"];
  if (req.responseFormat !== undefined) body.text = { format: encodeTextFormat(req.responseFormat) };
  if (req.user !== undefined) body.user = req.user;
  body.store = false;
  body.stream = req.stream;
  return body;
}
