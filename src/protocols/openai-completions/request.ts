/** OpenAI legacy Completions request body <-> IR request. */
import type { IRRequest } from "../ir.ts";
import { invalidRequest, isObject, optionalBoolean, optionalNumber, optionalPositiveInt } from "./invalid.ts";
import { renderPrompt } from "./prompt-text.ts";

/**
 * `echo` has no place in the IR, yet the response encoder must prefix the prompt. The decoder
 * leaves the prompt to echo on the IR object itself (the pipeline hands that same object back
 * as `EncodeContext.request`); object spreads made by routing keep it.
 */
export interface CompletionsEcho {
  completionsEcho?: string;
}

/** What the encoder reads back: the prompt to echo, when the client asked for `echo`. */
export function echoedPrompt(req: IRRequest | undefined): string {
  return (req as (IRRequest & CompletionsEcho) | undefined)?.completionsEcho ?? "";
}

/**
 * Legacy Completions defaults `max_tokens` to 16, which silently truncates almost every answer
 * from a chat model. When the client leaves it out we leave the IR without a limit too, so the
 * upstream encoder applies its own sensible default. When WE encode for a Completions upstream
 * and the IR has no limit, we send this instead of letting the 16-token default bite.
 */
export const DEFAULT_UPSTREAM_MAX_TOKENS = 2048;

export function decodeRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (typeof body.model !== "string" || body.model === "") throw invalidRequest("model", "must be a string");
  const prompt = decodePrompt(body.prompt);
  // `suffix` asks for fill-in-the-middle, which chat models behind the proxy cannot do; it is
  // validated and otherwise ignored.
  if (body.suffix !== undefined && body.suffix !== null && typeof body.suffix !== "string") {
    throw invalidRequest("suffix", "must be a string");
  }

  const req: IRRequest & CompletionsEcho = {
    model: body.model,
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
    stream: optionalBoolean(body.stream, "stream") === true,
  };
  const maxTokens = optionalPositiveInt(body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) req.topP = topP;
  const n = optionalPositiveInt(body.n, "n");
  if (n !== undefined) req.n = n;
  const stop = decodeStop(body.stop);
  if (stop !== undefined) req.stop = stop;
  const seed = optionalNumber(body.seed, "seed");
  if (seed !== undefined) req.seed = seed;
  const presence = optionalNumber(body.presence_penalty, "presence_penalty");
  if (presence !== undefined) req.presencePenalty = presence;
  const frequency = optionalNumber(body.frequency_penalty, "frequency_penalty");
  if (frequency !== undefined) req.frequencyPenalty = frequency;
  if (body.user !== undefined && body.user !== null) {
    if (typeof body.user !== "string") throw invalidRequest("user", "must be a string");
    req.user = body.user;
  }
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!isObject(body.stream_options)) throw invalidRequest("stream_options", "must be an object");
    const include = optionalBoolean(body.stream_options.include_usage, "stream_options.include_usage");
    if (include !== undefined) req.includeUsage = include;
  }
  if (optionalBoolean(body.echo, "echo") === true) req.completionsEcho = prompt;
  // logprobs, best_of and logit_bias have no IR counterpart: accepted and ignored.
  return req;
}

/**
 * `prompt` may be a string or an array of strings. Arrays are a batch in the real API; a chat
 * upstream answers one conversation, so the pieces are joined into one prompt. Token arrays
 * cannot be turned back into text without the model's tokenizer and are refused.
 */
function decodePrompt(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (raw === undefined || raw === null) throw invalidRequest("prompt", "is required");
  if (!Array.isArray(raw)) throw invalidRequest("prompt", "must be a string or an array of strings");
  if (raw.length === 0) throw invalidRequest("prompt", "must not be empty");
  for (let i = 0; i < raw.length; i++) {
    if (typeof raw[i] !== "string") {
      throw invalidRequest(`prompt[${i}]`, "must be a string (token arrays are not supported)");
    }
  }
  return raw.length === 1 ? raw[0] : raw.join("\n");
}

function decodeStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return [raw];
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== "string")) {
    throw invalidRequest("stop", "must be a string or an array of strings");
  }
  return raw.length === 0 ? undefined : raw;
}

export function encodeRequest(req: IRRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    prompt: renderPrompt(req),
    max_tokens: req.maxTokens ?? DEFAULT_UPSTREAM_MAX_TOKENS,
  };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.n !== undefined) body.n = req.n;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.user !== undefined) body.user = req.user;
  if (req.stream) {
    body.stream = true;
    // Always ask for usage: the proxy meters every stream, whatever the client asked.
    body.stream_options = { include_usage: true };
  }
  return body;
}
