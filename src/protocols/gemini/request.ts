/** Gemini generateContent request body <-> IR request. */
import type { IRRequest, IRResponseFormat, IRText } from "../ir.ts";
import { field, invalidRequest, isObject, type JsonObject, optionalNumber } from "./fields.ts";
import { decodeContents } from "./history.ts";
import { encodeParts, type ToolNames } from "./parts-encode.ts";
import { jsonSchemaFromGemini, schemaForGemini } from "./schema.ts";
import { decodeThinkingConfig, encodeThinkingConfig } from "./thinking.ts";
import { decodeToolChoice, decodeTools, encodeToolConfig, encodeTools } from "./tools.ts";

/**
 * Google's documented placeholder for a functionCall whose signature was lost (history from
 * another model or a client that cannot carry it); Gemini 3 rejects unsigned calls otherwise.
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/** Safety filters off, as the original proxy sends on every translated request. */
const SAFETY_OFF = Object.freeze(
  [
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
    "HARM_CATEGORY_CIVIC_INTEGRITY",
  ].map((category) => Object.freeze({ category, threshold: "OFF" })),
);

/**
 * The model travels in the URL and streaming in the method name, so `model` is "" unless the
 * body names one and `stream` is false; the router sets both.
 */
export function decodeGeminiRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (body.contents === undefined) throw invalidRequest("contents", "is required");
  const req: IRRequest = {
    model: typeof body.model === "string" ? body.model.replace(/^models\//, "") : "",
    system: decodeSystem(field(body, "systemInstruction", "system_instruction")),
    messages: decodeContents(body.contents),
    stream: false,
  };
  const tools = decodeTools(body.tools);
  if (tools) req.tools = tools;
  const choice = decodeToolChoice(field(body, "toolConfig", "tool_config"));
  if (choice) req.toolChoice = choice;
  const config = field(body, "generationConfig", "generation_config");
  if (config !== undefined && config !== null) {
    if (!isObject(config)) throw invalidRequest("generationConfig", "must be an object");
    decodeGenerationConfig(config, req);
  }
  return req;
}

function decodeSystem(instruction: unknown): IRText[] {
  if (instruction === undefined || instruction === null) return [];
  if (typeof instruction === "string") return instruction === "" ? [] : [{ type: "text", text: instruction }];
  if (!isObject(instruction) || !Array.isArray(instruction.parts)) {
    throw invalidRequest("systemInstruction", "must be a content with parts");
  }
  const out: IRText[] = [];
  for (const part of instruction.parts) {
    if (isObject(part) && typeof part.text === "string" && part.text !== "")
      out.push({ type: "text", text: part.text });
  }
  return out;
}

function decodeGenerationConfig(config: JsonObject, req: IRRequest): void {
  const path = "generationConfig";
  const num = (camel: string, snake: string) =>
    optionalNumber(field(config, camel, snake), `${path}.${camel}`);
  const temperature = num("temperature", "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = num("topP", "top_p");
  if (topP !== undefined) req.topP = topP;
  const topK = num("topK", "top_k");
  if (topK !== undefined) req.topK = topK;
  const maxTokens = num("maxOutputTokens", "max_output_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const n = num("candidateCount", "candidate_count");
  if (n !== undefined) req.n = n;
  const seed = num("seed", "seed");
  if (seed !== undefined) req.seed = seed;
  const presence = num("presencePenalty", "presence_penalty");
  if (presence !== undefined) req.presencePenalty = presence;
  const frequency = num("frequencyPenalty", "frequency_penalty");
  if (frequency !== undefined) req.frequencyPenalty = frequency;

  const stop = field(config, "stopSequences", "stop_sequences");
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === "string")) {
      throw invalidRequest(`${path}.stopSequences`, "must be an array of strings");
    }
    if (stop.length > 0) req.stop = stop;
  }
  const format = decodeResponseFormat(config);
  if (format) req.responseFormat = format;
  const reasoning = decodeThinkingConfig(
    field(config, "thinkingConfig", "thinking_config"),
    `${path}.thinkingConfig`,
  );
  if (reasoning) req.reasoning = reasoning;
}

function decodeResponseFormat(config: JsonObject): IRResponseFormat | undefined {
  const jsonSchema = field(config, "responseJsonSchema", "response_json_schema");
  if (jsonSchema !== undefined && jsonSchema !== null) return { type: "json_schema", schema: jsonSchema };
  const schema = field(config, "responseSchema", "response_schema");
  if (schema !== undefined && schema !== null)
    return { type: "json_schema", schema: jsonSchemaFromGemini(schema) };
  const mime = field(config, "responseMimeType", "response_mime_type");
  if (mime === "application/json") return { type: "json_object" };
  return undefined;
}

/** IR -> Gemini request body (without the model, which goes in the URL). */
export function encodeGeminiRequest(req: IRRequest, model: string): JsonObject {
  const names: ToolNames = new Map();
  const contents: JsonObject[] = [];
  let resultsContent: JsonObject | undefined;
  for (const msg of req.messages) {
    const parts = encodeParts(msg.content, names);
    if (parts.length === 0) continue;
    if (msg.role === "tool") {
      // All results of one step go back in a single user content.
      if (resultsContent) resultsContent.parts.push(...parts);
      else {
        resultsContent = { role: "user", parts };
        contents.push(resultsContent);
      }
      continue;
    }
    resultsContent = undefined;
    if (msg.role === "assistant") signFirstCall(parts);
    contents.push({ role: msg.role === "assistant" ? "model" : "user", parts });
  }

  const body: JsonObject = { contents };
  if (req.system.length > 0) {
    body.systemInstruction = { role: "user", parts: req.system.map((s) => ({ text: s.text })) };
  }
  if (req.tools && req.tools.length > 0) {
    body.tools = encodeTools(req.tools);
    if (req.toolChoice) body.toolConfig = encodeToolConfig(req.toolChoice);
  }
  const config = encodeGenerationConfig(req, model);
  if (config) body.generationConfig = config;
  body.safetySettings = SAFETY_OFF;
  return body;
}

/** Gives the first functionCall of a model turn the placeholder signature when no call has one. */
function signFirstCall(parts: JsonObject[]): void {
  let first: JsonObject | undefined;
  for (const p of parts) {
    if (p.functionCall === undefined) continue;
    if (p.thoughtSignature !== undefined) return;
    first ??= p;
  }
  if (first) first.thoughtSignature = SKIP_SIGNATURE;
}

function encodeGenerationConfig(req: IRRequest, model: string): JsonObject | undefined {
  const c: JsonObject = {};
  if (req.temperature !== undefined) c.temperature = req.temperature;
  if (req.topP !== undefined) c.topP = req.topP;
  if (req.topK !== undefined) c.topK = req.topK;
  if (req.maxTokens !== undefined) c.maxOutputTokens = req.maxTokens;
  if (req.stop && req.stop.length > 0) c.stopSequences = req.stop;
  if (req.n !== undefined && req.n > 1) c.candidateCount = req.n;
  if (req.seed !== undefined) c.seed = req.seed;
  if (req.presencePenalty !== undefined) c.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) c.frequencyPenalty = req.frequencyPenalty;
  const format = req.responseFormat;
  if (format?.type === "json_schema") {
    c.responseMimeType = "application/json";
    c.responseJsonSchema = schemaForGemini(format.schema);
  } else if (format?.type === "json_object") c.responseMimeType = "application/json";
  const thinking = encodeThinkingConfig(req.reasoning, model);
  if (thinking) c.thinkingConfig = thinking;
  return Object.keys(c).length > 0 ? c : undefined;
}
